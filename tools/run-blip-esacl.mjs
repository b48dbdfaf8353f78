#!/usr/bin/env node
// Runs BLIP and EsaCL of @retain/strategies on pfmnist-10 (permuted
// Fashion-MNIST, 10 tasks, task-incremental, full data) on the wasm backend and
// prints ACC and BWT (@retain/evaluation's averageAccuracy / backwardTransfer)
// of the task-incremental accuracy matrix and of the class-incremental ones
// (after each task, tasks so far evaluated without task ids, the task inferred
// per score and mode; see tools/bench/class-incremental.mjs), what each method
// keeps per task (BLIP: bit budget used and its serialised model bytes; EsaCL:
// weights kept per task and the bit-packed mask bytes) and time.
//
// Build first (dist outputs, git-ignored):
//   for p in core scenarios evaluation strategies; do (cd packages/$p && npx tsc -p tsconfig.build.json); done
// Usage: node tools/run-blip-esacl.mjs [--strategies blip,esacl,esacl-magnitude,esacl-no-ids,esacl-sam-only,esacl-plain]
//        [--epochs 1] [--batch 64] [--hidden 100,100] [--lr 0.001] [--blip-lr 0.05] [--fisher-samples 2000]
//        [--sparsity 0.75] [--seed 0] [--scenario pfmnist-10|sfmnist-5|...] [--tasks N] [--json out.json] [--cil all|none|entropy,energy,...]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createModel, initBackend } from '../packages/core/dist/index.js';
import { createRunScenario } from './bench/run-scenario.mjs';
import { createAccuracyMatrices, formatAccuracyMatrices, parseCilScores } from './bench/class-incremental.mjs';
import { writeFileAtomic } from '../packages/evaluation/dist/index.js';
import { BlipStrategy, EsaclStrategy } from '../packages/strategies/dist/index.js';

const { values } = parseArgs({
  options: {
    strategies: { type: 'string', default: 'blip,esacl,esacl-magnitude,esacl-no-ids' },
    epochs: { type: 'string', default: '1' },
    batch: { type: 'string', default: '64' },
    hidden: { type: 'string', default: '100,100' },
    lr: { type: 'string', default: '0.001' },
    'blip-lr': { type: 'string', default: '0.05' },
    'fisher-samples': { type: 'string', default: '2000' },
    sparsity: { type: 'string', default: '0.75' },
    seed: { type: 'string', default: '0' },
    scenario: { type: 'string', default: 'pfmnist-10' },
    tasks: { type: 'string' },
    json: { type: 'string' },
    cil: { type: 'string', default: 'all' },
  },
});
const epochs = Number(values.epochs);
const batchSize = Number(values.batch);
const hiddenSizes = values.hidden.split(',').map(Number);
const seed = Number(values.seed);
const sparsity = Number(values.sparsity);

const backend = await initBackend('wasm');
const scenario = await createRunScenario(values.scenario, seed, values.tasks);
const kind = scenario.kind;
const experiences = scenario.experiences;
console.log(`load average at start ${loadavg().map((v) => v.toFixed(2)).join(' ')} (2 cores)`);
console.log(`backend ${backend.name}; scenario ${scenario.name} (${kind}), ${experiences.length} tasks, ${experiences[0].train.size} train / ${experiences[0].test.size} test per task; source: ${scenario.source}`);
console.log(`mlp 784-${hiddenSizes.join('-')} per-task heads, batch ${batchSize}, ${epochs} epoch(s) per task, seed ${seed}`);

const net = () => createModel('mlp', { inputShape: [784], classesPerTask: [], multiHead: true, hiddenSizes, seed });
const adam = { epochs, batchSize, optimizer: { kind: 'adam', learningRate: Number(values.lr) } };
const makers = {
  // BLIP trains with plain SGD (the paper's optimiser; its lr 0.01 with 200 epochs, here a larger lr for a 1-epoch budget).
  blip: () => new BlipStrategy(net(), { fisherSamples: Number(values['fisher-samples']), training: { epochs, batchSize, optimizer: { kind: 'sgd', learningRate: Number(values['blip-lr']) } } }),
  esacl: () => new EsaclStrategy(net(), { sparsity, training: adam }),
  'esacl-magnitude': () => new EsaclStrategy(net(), { sparsity, pruning: 'magnitude', training: adam }),
  'esacl-no-ids': () => new EsaclStrategy(net(), { sparsity, ids: false, training: adam }),
  'esacl-sam-only': () => new EsaclStrategy(net(), { sparsity, pruning: 'magnitude', ids: false, training: adam }),
  'esacl-plain': () => new EsaclStrategy(net(), { sparsity, pruning: 'magnitude', ids: false, samRho: 0, training: adam }),
};

const results = [];
for (const name of values.strategies.split(',')) {
  const make = makers[name];
  if (make === undefined) throw new Error(`unknown strategy ${name}: one of ${Object.keys(makers).join(', ')}`);
  const strategy = make();
  const matrices = createAccuracyMatrices({ scores: parseCilScores(values.cil) });
  const started = performance.now();
  let trainSeconds = 0;
  for (const experience of experiences) {
    const report = await strategy.train(experience, { scenarioKind: kind, seed });
    trainSeconds += report.seconds;
    const accs = await matrices.afterExperience(strategy, experiences, experience.index, kind);
    const own = strategy.reports.at(-1);
    const kept = name === 'blip' ? `bit budget used ${(own.budgetUsed * 100).toFixed(1)} %, stored ${own.storedBytes.total} bytes` : `kept ${own.keptWeights} of ${own.freeWeights} free weights, pruning acc ${own.accuracyBeforePruning.toFixed(3)} -> ${own.accuracyAfterPruning.toFixed(3)}`;
    console.log(`${name} task ${experience.index}: acc ${accs.at(-1).accuracy.toFixed(4)} (task 0 now ${accs[0].accuracy.toFixed(4)}), ${report.seconds.toFixed(1)} s; ${kept}`);
  }
  const summary = matrices.summary();
  const line = { strategy: name, acc: summary.taskIncremental.acc, bwt: summary.taskIncremental.bwt, ...summary, trainSeconds, totalSeconds: (performance.now() - started) / 1000, reports: strategy.reports };
  if (name !== 'blip') {
    // One bit-packed mask per task and masked kernel: ceil(size / 8) bytes.
    const kernels = [...strategy.network.parameters().values()].filter((p) => p.role === 'kernel' && p.taskId === undefined);
    line.maskBytes = experiences.length * kernels.reduce((n, p) => n + Math.ceil(p.size / 8), 0);
  }
  results.push(line);
  for (const l of formatAccuracyMatrices(name, summary)) console.log(l);
  const stored = name === 'blip' ? strategy.reports.at(-1).storedBytes : undefined;
  const extra =
    name === 'blip'
      ? `bit budget used ${(strategy.budgetUsed() * 100).toFixed(1)} %; stored ${stored.total} bytes (quantised weights ${stored.quantized}, bit counts ${stored.bitCounts}, heads and other float32 ${stored.float}, header ${stored.header}); one dense float32 model ${stored.denseModel} bytes (${(stored.denseModel / stored.total).toFixed(2)}x)`
      : `masks ${line.maskBytes} bytes`;
  console.log(`RESULT ${name}: train ${trainSeconds.toFixed(1)} s  ${extra}; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  strategy.dispose();
}
if (values.json !== undefined) {
  await writeFileAtomic(values.json, JSON.stringify({ scenario: scenario.name, source: scenario.source, epochs, batchSize, hiddenSizes, seed, results }, null, 2));
}
