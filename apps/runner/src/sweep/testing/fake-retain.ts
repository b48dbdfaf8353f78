// Test-only: a fake `retain` CLI for the pool and execute tests.
/**
 * A stand-in for `retain run` (an ES module for `node`): behaves by the first
 * word of its preset name: `fail` prints 30 lines and exits 3, `hang` waits and
 * on SIGINT writes checkpoint/ and exits 130, `stubborn` ignores SIGINT, anything
 * else (and `--resume`) sleeps POOL_TEST_SLEEP ms, copies POOL_TEST_TEMPLATE to
 * metrics.json and exits 0. `hang` and `stubborn` write POOL_TEST_DIR/ready-<kind>
 * once their SIGINT handler is installed. Each start appends the number of running copies to
 * POOL_TEST_DIR/counts.txt.
 */
export const FAKE_RETAIN_SCRIPT = `
import { copyFileSync, mkdirSync, readdirSync, appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const args = process.argv.slice(2);
const resume = args.includes('--resume');
const out = args[args.indexOf(resume ? '--resume' : '--out') + 1];
const source = resume ? 'resume' : args[1];
const kind = source.split('-')[0];
const shared = process.env.POOL_TEST_DIR;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
mkdirSync(join(shared, 'active'), { recursive: true });
const marker = join(shared, 'active', String(process.pid));
writeFileSync(marker, '');
appendFileSync(join(shared, 'counts.txt'), readdirSync(join(shared, 'active')).length + '\\n');
console.log('hello from ' + source + ' ' + args.join(' '));
console.error('a line on stderr');
const finish = (code) => { rmSync(marker, { force: true }); process.exit(code); };
if (kind === 'fail') {
  for (let i = 1; i <= 30; i += 1) console.log('line ' + i);
  finish(3);
} else if (kind === 'hang') {
  process.on('SIGINT', () => { mkdirSync(join(out, 'checkpoint'), { recursive: true }); console.log('checkpoint saved'); finish(130); });
  writeFileSync(join(shared, 'ready-hang'), '');
  await sleep(30000);
  finish(0);
} else if (kind === 'stubborn') {
  process.on('SIGINT', () => console.log('ignoring SIGINT'));
  writeFileSync(join(shared, 'ready-stubborn'), '');
  await sleep(30000);
  finish(0);
} else {
  if (resume) console.log('resumed');
  await sleep(Number(process.env.POOL_TEST_SLEEP ?? '0'));
  copyFileSync(process.env.POOL_TEST_TEMPLATE, join(out, 'metrics.json'));
  finish(0);
}
`;
