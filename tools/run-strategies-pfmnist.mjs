#!/usr/bin/env node
// Runs Naive, PackNet, WSN and the baselines (EWC, online EWC, SI, LwF, Replay, Joint) of @retain/strategies on pfmnist-10 (permuted
// Fashion-MNIST, 10 tasks, task-incremental, full data) on the wasm backend and
// prints the accuracy matrix's ACC and BWT per strategy (computed by
// @retain/evaluation's averageAccuracy / backwardTransfer), plus time and,
// for the mask strategies, what the sub-networks hold and the class-incremental
// matrices (task inferred per score and mode after each task; see
// tools/bench/class-incremental.mjs). --scenario picks another preset (sfmnist-5).
//
// Build first (dist outputs, git-ignored):
//   for p in scenarios evaluation strategies; do (cd packages/$p && npx tsc -p tsconfig.build.json); done
// Usage: node tools/run-strategies-pfmnist.mjs [--epochs 1] [--batch 64] [--hidden 100,100] [--lr 0.001]
//        [--strategies naive,packnet,wsn,ewc,online-ewc,si,lwf,replay,joint] [--prune 0.5|equal] [--capacity 0.5] [--seed 1] [--tasks 10] [--json out.json]
//        [--scenario pfmnist-10|sfmnist-5] [--cil all|none|entropy,energy,...] (class-incremental matrices: PackNet and WSN only)
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createModel, initBackend } from '../packages/core/dist/index.js';
import { createRunScenario } from './bench/run-scenario.mjs';
import { createAccuracyMatrices, formatAccuracyMatrices, parseCilScores } from './bench/class-incremental.mjs';
import { writeFileAtomic } from '../packages/evaluation/dist/index.js';
import {
  EwcStrategy,
  JointStrategy,
  LwfStrategy,
  NaiveStrategy,
  OnlineEwcStrategy,
  PackNetStrategy,
  ReplayStrategy,
  SiStrategy,
  WsnStrategy,
  packNetEqualShares,
} from '../packages/strategies/dist/index.js';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '1' },
    batch: { type: 'string', default: '64' },
    hidden: { type: 'string', default: '100,100' },
    lr: { type: 'string', default: '0.001' },
    strategies: { type: 'string', default: 'naive,packnet,wsn' },
    prune: { type: 'string', default: '0.5' },
    capacity: { type: 'string', default: '0.5' },
    seed: { type: 'string', default: '1' },
    tasks: { type: 'string' },
    scenario: { type: 'string', default: 'pfmnist-10' },
    cil: { type: 'string', default: 'all' },
    json: { type: 'string' },
  },
});
const epochs = Number(values.epochs);
const batchSize = Number(values.batch);
const hiddenSizes = values.hidden.split(',').map(Number);
const learningRate = Number(values.lr);
const seed = Number(values.seed);

const backend = await initBackend('wasm');
console.log(`load average at start ${loadavg().map((v) => v.toFixed(2)).join(' ')} (2 cores)`);
const scenario = await createRunScenario(values.scenario, seed, values.tasks);
const kind = scenario.kind;
const experiences = scenario.experiences;
console.log(`backend ${backend.name}; scenario ${scenario.name} (${kind}), ${experiences.length} tasks, ${experiences[0].train.size} train / ${experiences[0].test.size} test per task; source: ${scenario.source}`);
console.log(`mlp 784-${hiddenSizes.join('-')} per-task heads, Adam lr ${learningRate}, batch ${batchSize}, ${epochs} epoch(s) per task, seed ${seed}`);

const training = { epochs, batchSize, optimizer: { kind: 'adam', learningRate } };
const net = (bias) => createModel('mlp', { inputShape: [784], classesPerTask: [], multiHead: true, hiddenSizes, bias, seed });
const makers = {
  naive: () => new NaiveStrategy(net(true), { training }),
  packnet: () =>
    new PackNetStrategy(net(true), {
      training,
      pruneFraction: values.prune === 'equal' ? packNetEqualShares(experiences.length) : Number(values.prune),
      retrainEpochs: epochs,
    }),
  wsn: () => new WsnStrategy(net(false), { training, capacity: Number(values.capacity) }),
  // The baselines, each with its paper defaults (see the package README).
  ewc: () => new EwcStrategy(net(true), { training }),
  'online-ewc': () => new OnlineEwcStrategy(net(true), { training }),
  si: () => new SiStrategy(net(true), { training }),
  lwf: () => new LwfStrategy(net(true), { training }),
  replay: () => new ReplayStrategy(net(true), { training }),
  joint: () => new JointStrategy(net(true), { training }),
};

const results = [];
for (const name of values.strategies.split(',')) {
  const strategy = makers[name]();
  // Task inference needs per-task sub-networks: PackNet and WSN; the baselines get the task-incremental matrix only.
  const matrices = createAccuracyMatrices({ scores: name === 'packnet' || name === 'wsn' ? parseCilScores(values.cil) : [] });
  const started = performance.now();
  let trainSeconds = 0;
  for (const experience of experiences) {
    const report = await strategy.train(experience, { scenarioKind: kind, seed });
    trainSeconds += report.seconds;
    const accs = await matrices.afterExperience(strategy, experiences, experience.index, kind);
    const samples = report.phases.reduce((n, p) => n + p.samples, 0);
    console.log(`${name} task ${experience.index}: acc ${accs.at(-1).accuracy.toFixed(4)} (task 0 now ${accs[0].accuracy.toFixed(4)}), ${(samples / report.seconds).toFixed(0)} samples/s`);
  }
  const summary = matrices.summary();
  const { acc, bwt } = summary.taskIncremental;
  const extra = name === 'wsn' ? `, kernel weights used ${(strategy.usedFraction() * 100).toFixed(1)} %, masks ${experiences.reduce((n, e) => n + strategy.maskBytes(e.taskId), 0)} bytes` : '';
  const line = { strategy: name, acc, bwt, trainSeconds, totalSeconds: (performance.now() - started) / 1000 };
  results.push({ ...line, ...summary });
  for (const l of formatAccuracyMatrices(name, summary)) console.log(l);
  console.log(`RESULT ${name}: train ${trainSeconds.toFixed(1)} s${extra}; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  strategy.dispose();
}
if (values.json !== undefined) {
  await writeFileAtomic(values.json, JSON.stringify({ scenario: scenario.name, source: scenario.source, epochs, batchSize, hiddenSizes, learningRate, seed, results }, null, 2));
}
