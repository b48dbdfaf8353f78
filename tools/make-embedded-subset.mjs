#!/usr/bin/env node
// Extracts the embedded Fashion-MNIST subset shipped in packages/scenarios/data/:
// a deterministic, class-balanced sample (600 per class train, 100 per class test
// by default) of the full dataset, written as gzip IDX (the format of the
// originals, so the same reader reads it), plus subset.json (seed, indices,
// checksums) and NOTICE.md (licence and citation).
//
// Usage: (cd packages/scenarios && npx tsc -p tsconfig.build.json) &&
//        node tools/make-embedded-subset.mjs [--from DIR] [--seed N] [--train-per-class N] [--test-per-class N]
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Rng } from '../packages/core/dist/index.js';
import { encodeIdx, loadDataset, stratifiedSubset, indicesOfClasses, KNOWN_DATASETS } from '../packages/scenarios/dist/index.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outDir = join(root, 'packages', 'scenarios', 'data', 'fashion-mnist-subset');
const { values } = parseArgs({
  options: {
    from: { type: 'string', default: '/usr/share/datasets/fashion-mnist' },
    seed: { type: 'string', default: '20171' },
    'train-per-class': { type: 'string', default: '600' },
    'test-per-class': { type: 'string', default: '100' },
  },
});
const seed = Number(values.seed);
const perClass = { train: Number(values['train-per-class']), test: Number(values['test-per-class']) };

// The full dataset, identified by its checksums (loadDataset throws on a mismatch).
const full = await loadDataset('fashion-mnist', { dataDir: values.from, systemDirs: [], download: false, env: {} });
console.log(`read ${full.source}`);

const rng = Rng.fromSeed(seed);
function pick(set, cap, stream) {
  return stratifiedSubset(indicesOfClasses(set.labels), set.labels, cap, rng.stream(stream));
}
const chosen = {
  train: pick(full.train, perClass.train * 10, 'embedded-subset/train'),
  test: pick(full.test, perClass.test * 10, 'embedded-subset/test'),
};

function gather(set, indices) {
  const size = set.shape[0] * set.shape[1];
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  indices.forEach((index, i) => {
    images.set(set.images.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = set.labels[index];
  });
  return { images, labels };
}

function writeAtomic(path, data) {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

mkdirSync(outDir, { recursive: true });
const sha256 = {};
for (const [split, prefix] of [['train', 'train'], ['test', 't10k']]) {
  const set = full[split];
  const { images, labels } = gather(set, chosen[split]);
  const files = {
    [`${prefix}-images-idx3-ubyte.gz`]: encodeIdx([chosen[split].length, set.shape[0], set.shape[1]], images),
    [`${prefix}-labels-idx1-ubyte.gz`]: encodeIdx([chosen[split].length], labels),
  };
  for (const [name, raw] of Object.entries(files)) {
    const gz = gzipSync(raw, { level: 9 });
    writeAtomic(join(outDir, name), gz);
    sha256[name] = createHash('sha256').update(gz).digest('hex');
    console.log(`wrote ${name}: ${gz.length} bytes`);
  }
}

const drawnFrom = Object.fromEntries(KNOWN_DATASETS['fashion-mnist'].files.map((f) => [f.name, f.contentSha256]));
const record = {
  description: 'Class-balanced subset of Fashion-MNIST drawn by tools/make-embedded-subset.mjs',
  seed,
  perClass,
  indices: { train: [...chosen.train], test: [...chosen.test] },
  sha256,
  drawnFrom,
};
writeAtomic(join(outDir, 'subset.json'), `${JSON.stringify(record)}\n`);

const notice = `# Embedded Fashion-MNIST subset

These files are a subset of **Fashion-MNIST** by Zalando Research
(https://github.com/zalandoresearch/fashion-mnist), released under the MIT License:

> Copyright (c) 2017 Zalando SE
>
> Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
> associated documentation files (the "Software"), to deal in the Software without restriction,
> including without limitation the rights to use, copy, modify, merge, publish, distribute,
> sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
> furnished to do so, subject to the following conditions:
>
> The above copyright notice and this permission notice shall be included in all copies or
> substantial portions of the Software.
>
> THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
> NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
> NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
> OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
> CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

Cite: Han Xiao, Kashif Rasul, Roland Vollgraf. *Fashion-MNIST: a Novel Image Dataset for
Benchmarking Machine Learning Algorithms.* arXiv:1708.07747, 2017.

## What is here

${perClass.train} images per class from the training set (${perClass.train * 10} in all) and
${perClass.test} per class from the test set (${perClass.test * 10}), drawn class-balanced with
seed ${seed} by \`tools/make-embedded-subset.mjs\` from the original files (identified by the
content SHA-256 in \`subset.json\` \`drawnFrom\`). The files are gzip IDX, the format of the
originals; \`subset.json\` lists the chosen indices into the original train and test sets (in
the subset's order) and the SHA-256 of each file here.
`;
writeAtomic(join(outDir, 'NOTICE.md'), notice);
console.log(`wrote subset.json and NOTICE.md to ${outDir}`);
