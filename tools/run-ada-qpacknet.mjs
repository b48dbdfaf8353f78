#!/usr/bin/env node
// Runs Ada-QPacknet (@retain/strategies) on pfmnist-10 (permuted Fashion-MNIST,
// 10 tasks, task-incremental, full data) on the wasm backend and prints ACC and
// BWT (@retain/evaluation's averageAccuracy / backwardTransfer) of the
// task-incremental accuracy matrix and of the class-incremental ones (task
// inferred among the tasks so far after each task, per score and mode; see
// tools/bench/class-incremental.mjs), the bits and sparsities each task chose,
// the sub-network store's bytes against the float sub-networks and one dense
// float32 model, and time.
//
// Build first (dist outputs, git-ignored):
//   for p in scenarios evaluation strategies; do (cd packages/$p && npx tsc -p tsconfig.build.json); done
// Usage: node tools/run-ada-qpacknet.mjs [--epochs 1] [--batch 64] [--hidden 100,100] [--lr 0.001]
//        [--sparsity search|0.5] [--search-epochs 1] [--bits search|4] [--quant kmeans|linear]
//        [--pruning dynamic|post] [--prune-interval 1] [--seed 0] [--scenario pfmnist-10|sfmnist-5|...] [--tasks N] [--store out.rtn] [--json out.json]
//        [--cil all|none|entropy,energy,...]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createModel, initBackend } from '../packages/core/dist/index.js';
import { createRunScenario } from './bench/run-scenario.mjs';
import { createAccuracyMatrices, formatAccuracyMatrices, parseCilScores } from './bench/class-incremental.mjs';
import { writeFileAtomic } from '../packages/evaluation/dist/index.js';
import { writeStoreFile } from '../packages/masks/dist/index.js';
import { AdaQPacknetStrategy } from '../packages/strategies/dist/index.js';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '1' },
    batch: { type: 'string', default: '64' },
    hidden: { type: 'string', default: '100,100' },
    lr: { type: 'string', default: '0.001' },
    sparsity: { type: 'string', default: 'search' },
    'search-epochs': { type: 'string', default: '1' },
    bits: { type: 'string', default: 'search' },
    quant: { type: 'string', default: 'kmeans' },
    pruning: { type: 'string', default: 'dynamic' },
    'prune-interval': { type: 'string', default: '1' },
    seed: { type: 'string', default: '0' },
    scenario: { type: 'string', default: 'pfmnist-10' },
    tasks: { type: 'string' },
    store: { type: 'string' },
    json: { type: 'string' },
    cil: { type: 'string', default: 'all' },
  },
});
const epochs = Number(values.epochs);
const batchSize = Number(values.batch);
const hiddenSizes = values.hidden.split(',').map(Number);
const learningRate = Number(values.lr);
const seed = Number(values.seed);
const started = performance.now();

const backend = await initBackend('wasm');
const scenario = await createRunScenario(values.scenario, seed, values.tasks);
const kind = scenario.kind;
const experiences = scenario.experiences;
console.log(`load average at start ${loadavg().map((v) => v.toFixed(2)).join(' ')} (2 cores)`);
console.log(`backend ${backend.name}; scenario ${scenario.name} (${kind}), ${experiences.length} tasks, ${experiences[0].train.size} train / ${experiences[0].test.size} test per task; source: ${scenario.source}`);
const options = {
  training: { epochs, batchSize, optimizer: { kind: 'adam', learningRate } },
  sparsity: values.sparsity === 'search' ? 'search' : Number(values.sparsity),
  sparsitySearch: { trialEpochs: Number(values['search-epochs']) },
  bits: values.bits === 'search' ? 'search' : Number(values.bits),
  quantization: values.quant,
  pruning: values.pruning,
  pruneInterval: Number(values['prune-interval']),
};
console.log(`mlp 784-${hiddenSizes.join('-')} per-task heads, seed ${seed}; ada-qpacknet ${JSON.stringify(options)}`);

const strategy = new AdaQPacknetStrategy(createModel('mlp', { inputShape: [784], classesPerTask: [], multiHead: true, hiddenSizes, seed }), options);
const matrices = createAccuracyMatrices({ scores: parseCilScores(values.cil) });
let trainSeconds = 0;
for (const experience of experiences) {
  const { adaQPacknet: r, seconds } = await strategy.train(experience, { scenarioKind: kind, seed });
  trainSeconds += seconds;
  const accs = await matrices.afterExperience(strategy, experiences, experience.index, kind);
  const sparsity = Object.entries(r.layers).map(([n, l]) => `${n.split('/')[0]} ${l.sparsity.toFixed(3)} (${l.kept}/${l.candidates}, ${l.sharedWithEarlier} shared)`).join(', ');
  console.log(
    `task ${experience.index}: test acc ${accs.at(-1).accuracy.toFixed(4)} (task 0 now ${accs[0].accuracy.toFixed(4)}); ${r.bits} bits` +
      ` [${(r.bitSearch ?? []).map((t) => `${t.bits}:${t.accuracy.toFixed(4)}`).join(' ')}]; held-out float ${r.accuracy.float.toFixed(4)} quantised ${r.accuracy.quantized.toFixed(4)};` +
      ` sparsity ${sparsity}; kernel bits free ${(100 * r.capacity.freeFraction).toFixed(1)} %, shared slots ${r.capacity.sharedSlots}; store ${r.storedBytes.total} bytes; ${seconds.toFixed(1)} s`,
  );
}
const reports = strategy.taskReports();
const last = reports.at(-1);
const summary = matrices.summary();
const { acc, bwt } = summary.taskIncremental;
const wall = (performance.now() - started) / 1000;
for (const line of formatAccuracyMatrices('ada-qpacknet', summary)) console.log(line);
console.log(`bits per task: ${reports.map((r) => r.bits).join(', ')}; bits charged per task: ${reports.map((r) => r.bitsCharged).join(', ')}`);
console.log(
  `stored: ${last.storedBytes.total} bytes (codes ${last.storedBytes.codes}, codebooks ${last.storedBytes.codebooks}); float sub-networks ${last.storedBytes.floatSubnetworks} bytes` +
    ` (${(last.storedBytes.floatSubnetworks / last.storedBytes.total).toFixed(2)}x); one dense float32 model ${last.storedBytes.denseModel} bytes (${(last.storedBytes.denseModel / last.storedBytes.total).toFixed(2)}x)`,
);
console.log(`kernel capacity: ${last.capacity.usedBits} of ${last.capacity.totalBits} bits used, ${last.capacity.sharedSlots} slots hold several tasks' codes, ${last.capacity.fullSlots} full`);
console.log(`time: train ${trainSeconds.toFixed(1)} s, wall ${wall.toFixed(1)} s; load average at end ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
if (values.store !== undefined) await writeStoreFile(values.store, strategy.subnetworkStore());
if (values.json !== undefined) {
  await writeFileAtomic(values.json, JSON.stringify({ scenario: scenario.name, source: scenario.source, options, hiddenSizes, seed, acc, bwt, ...summary, reports, trainSeconds, wallSeconds: wall }, null, 2));
}
strategy.dispose();
