#!/usr/bin/env node
// Benchmark of @retain/scenarios: builds pfmnist-10 on the real Fashion-MNIST
// and iterates one epoch of every task's training batches (batch 128), first
// as typed arrays, then as tensors on the wasm backend, printing batches/s and
// peak RSS against the size of the raw dataset.
//
// Usage: (cd packages/scenarios && npx tsc -p tsconfig.build.json) && node tools/bench-scenarios.mjs [--batch 128] [--json]
import { parseArgs } from 'node:util';
import { initBackend, tf } from '../packages/core/dist/index.js';
import { createScenario } from '../packages/scenarios/dist/index.js';

const { values } = parseArgs({ options: { batch: { type: 'string', default: '128' }, json: { type: 'boolean', default: false } } });
const batchSize = Number(values.batch);
const MiB = 1024 * 1024;
const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;

let peakRss = process.memoryUsage().rss;
const sample = () => {
  const rss = process.memoryUsage().rss;
  if (rss > peakRss) peakRss = rss;
  return rss;
};
const rssStart = sample();

const t0 = performance.now();
const scenario = await createScenario('pfmnist-10', { seed: 1, allowEmbedded: false, progressBar: false });
const buildMs = performance.now() - t0;
const rssBuilt = sample();
const first = scenario.experiences[0];
const d = first.train.featureSize;
const trainN = first.train.size;
const testN = first.test.size;
const rawBytes = (trainN + testN) * (d + 1); // uint8 pixels + one label byte per image, as in the IDX files
const tenFloatCopies = 10 * (trainN + testN) * d * 4;

function iterateArrays() {
  let batches = 0;
  let checksum = 0;
  const start = performance.now();
  for (const e of scenario.experiences) {
    for (const b of e.train.arrayBatches({ batchSize, shuffle: true, seed: e.index })) {
      checksum += b.x[0] + b.y[0];
      if (++batches % 64 === 0) sample();
    }
  }
  return { batches, seconds: (performance.now() - start) / 1000, checksum };
}

async function iterateTensors() {
  let batches = 0;
  const start = performance.now();
  for (const e of scenario.experiences) {
    await e.train.forEachBatch({ batchSize, shuffle: true, seed: e.index }, (b) => {
      if (++batches % 64 === 0) sample();
      if (b.x.shape[0] !== b.size) throw new Error('bad batch');
    });
  }
  return { batches, seconds: (performance.now() - start) / 1000, tensorsLeft: tf.memory().numTensors };
}

const arrays = iterateArrays();
const backend = await initBackend('wasm');
const tensors = await iterateTensors();
sample();
const maxRssKiB = process.resourceUsage().maxRSS;

const result = {
  scenario: scenario.name,
  source: scenario.source,
  tasks: scenario.experiences.length,
  batchSize,
  trainPerTask: trainN,
  buildSeconds: +(buildMs / 1000).toFixed(3),
  arrays: { batches: arrays.batches, seconds: +arrays.seconds.toFixed(3), batchesPerSecond: Math.round(arrays.batches / arrays.seconds) },
  tensors: {
    backend: backend.name,
    batches: tensors.batches,
    seconds: +tensors.seconds.toFixed(3),
    batchesPerSecond: Math.round(tensors.batches / tensors.seconds),
    tensorsLeft: tensors.tensorsLeft,
  },
  memory: {
    rawDatasetBytes: rawBytes,
    rssAtStartBytes: rssStart,
    rssAfterBuildBytes: rssBuilt,
    peakRssSampledBytes: peakRss,
    maxRssResourceUsageBytes: maxRssKiB * 1024,
    tenPermutedFloatCopiesBytes: tenFloatCopies,
  },
};

if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`${result.scenario}: ${result.tasks} tasks x ${trainN} training images, batch ${batchSize}`);
  console.log(`data: ${result.source}`);
  console.log(`build (load + verify + scenario): ${result.buildSeconds} s`);
  console.log(`typed-array batches: ${arrays.batches} in ${result.arrays.seconds} s = ${result.arrays.batchesPerSecond} batches/s`);
  console.log(`tensor batches (${backend.name}): ${tensors.batches} in ${result.tensors.seconds} s = ${result.tensors.batchesPerSecond} batches/s, tensors left: ${tensors.tensorsLeft}`);
  console.log(`raw dataset (uint8 train+test): ${mib(rawBytes)}`);
  console.log(`RSS: start ${mib(rssStart)}, after build ${mib(rssBuilt)}, peak sampled ${mib(peakRss)}, maxRSS (resourceUsage) ${mib(maxRssKiB * 1024)}`);
  console.log(`for comparison, 10 permuted float32 copies would take ${mib(tenFloatCopies)}`);
}
