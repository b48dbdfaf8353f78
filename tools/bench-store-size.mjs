// Measures what the store format's claim coding costs on real store files: each file is decoded
// (whatever its version), re-encoded as format version 1 (every claim a self-contained coded mask
// over all slots) and as version 2 (each claim coded over the slots that can still take it, in the
// context of the lower tasks' claims), and the bytes of every component are printed side by side,
// with the coding chosen for each claim, encode/decode times (median of RUNS, default 3), and the
// bytes readTaskFromFile reads to load the last task. Checks that both versions decode to the same
// ownership as the file, and that a version-1 file re-encoded as version 1 gives its own bytes.
// Build first: (cd packages/masks && npx tsc -p tsconfig.build.json)
// Usage: node tools/bench-store-size.mjs <store.rtn> [more.rtn ...]
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClaimCoding, decodeStore, encodeStore, measureStoreSize, readTaskFromFile } from '../packages/masks/dist/index.js';

const RUNS = Number(process.env.RUNS ?? 3);
const COMPONENTS = ['totalBytes', 'codes', 'codebooks', 'ownership', 'masks', 'heads', 'batchNorm', 'shared', 'metadata', 'framing'];

function median(fn) {
  const times = [];
  let result;
  for (let k = 0; k < RUNS; k++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { result, ms: times[Math.floor(times.length / 2)] };
}

function sameOwnership(a, b) {
  if (a.taskIds().join() !== b.taskIds().join()) return false;
  for (const t of a.taskIds()) {
    for (const s of a.tensors) {
      const x = a.ownership.claimOf(t, s.name);
      const y = b.ownership.claimOf(t, s.name);
      if ((x === undefined) !== (y === undefined)) return false;
      if (x !== undefined && (x.bits !== y.bits || !x.slots.equals(y.slots))) return false;
      const mx = a.ownership.taskMask(t, s.name);
      const my = b.ownership.taskMask(t, s.name);
      if ((mx === undefined) !== (my === undefined) || (mx !== undefined && !mx.equals(my))) return false;
    }
  }
  return true;
}

/** Reads the claim codings of a version-2 file from its claims sections (entry: u32 index, u8 bits, u8 coding, u32 length, payload). */
function claimCodings(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(12, true);
  const sections = view.getUint32(16, true);
  const names = Object.fromEntries(Object.entries(ClaimCoding).map(([k, v]) => [v, k]));
  const counts = {};
  for (let i = 0; i < sections; i++) {
    const at = 32 + headerLength + 32 * i;
    if (view.getUint16(at, true) !== 1) continue;
    let p = Number(view.getBigUint64(at + 8, true)) + 16;
    const n = view.getUint32(p, true);
    p += 4;
    for (let e = 0; e < n; e++) {
      const coding = view.getUint8(p + 5);
      const length = view.getUint32(p + 6, true);
      counts[names[coding]] = (counts[names[coding]] ?? 0) + 1;
      p += 10 + length;
    }
  }
  return counts;
}

/** Length of each section, from the section table (entry: u16 type, u16, u32 task, u64 offset, u64 length, ...). */
function sectionLengths(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(12, true);
  return Array.from({ length: view.getUint32(16, true) }, (_, i) => Number(view.getBigUint64(32 + headerLength + 32 * i + 16, true)));
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node tools/bench-store-size.mjs <store.rtn> [...]');
  process.exit(2);
}
const dir = await mkdtemp(join(tmpdir(), 'bench-store-size-'));
try {
  for (const file of files) {
    const original = new Uint8Array(await readFile(file));
    const version = new DataView(original.buffer, original.byteOffset).getUint16(8, true);
    const store = decodeStore(original, { path: file });
    const slots = store.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    const v1 = median(() => encodeStore(store, { formatVersion: 1 }));
    const v2 = median(() => encodeStore(store));
    const d1 = median(() => decodeStore(v1.result));
    const d2 = median(() => decodeStore(v2.result));
    const ok = sameOwnership(store, d1.result) && sameOwnership(store, d2.result);
    const s1 = measureStoreSize(v1.result);
    const s2 = measureStoreSize(v2.result);
    console.log(`\n${file}: format version ${version}, ${original.length} bytes, tasks ${store.taskIds().join(',')}, ${slots} tracked slots`);
    console.log(`round trip exact (claims and masks, both versions): ${ok}`);
    if (version === 1) console.log(`re-encoded as version 1 equals the file's bytes: ${Buffer.from(v1.result).equals(Buffer.from(original))}`);
    console.log('| component | version 1 | version 2 | change |');
    console.log('|---|---|---|---|');
    for (const c of COMPONENTS) {
      const a = s1[c];
      const b = s2[c];
      const change = a === 0 ? '' : `${(((b - a) / a) * 100).toFixed(1)} %`;
      console.log(`| ${c} | ${a} | ${b} | ${change} |`);
    }
    console.log(`ownership bits per slot: v1 ${((8 * s1.ownership) / slots).toFixed(2)}, v2 ${((8 * s2.ownership) / slots).toFixed(2)}`);
    console.log(`claim codings chosen (v2): ${JSON.stringify(claimCodings(v2.result))}`);
    console.log(`encode ms v1 ${v1.ms.toFixed(1)}, v2 ${v2.ms.toFixed(1)}; decode ms v1 ${d1.ms.toFixed(1)}, v2 ${d2.ms.toFixed(1)}`);
    const last = store.taskIds().at(-1);
    for (const [name, bytes] of [['v1', v1.result], ['v2', v2.result]]) {
      const path = join(dir, `${name}.rtn`);
      await writeFile(path, bytes);
      const t0 = performance.now();
      const loaded = await readTaskFromFile(path, last, { includeShared: false });
      const ms = performance.now() - t0;
      const lengths = sectionLengths(bytes);
      const read = loaded.sectionsRead.reduce((n, label) => n + lengths[Number(/#(\d+)\)$/.exec(label)[1])], 0);
      console.log(`readTaskFromFile(task ${last}) ${name}: ${loaded.sectionsRead.length} sections, ${read} section bytes, ${ms.toFixed(1)} ms`);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
