// Tests on the real Fashion-MNIST installed by Debian's dataset-fashion-mnist
// (present on the development machines and installed by .ci/run). They skip,
// saying why, only when that directory is missing.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readFileBytes } from '../formats/file-bytes.js';
import { loadEmbeddedFashionMnist, readEmbeddedSubsetRecord } from './embedded-subset.js';
import { KNOWN_DATASETS } from './known-datasets.js';
import { loadDataset } from './load-dataset.js';
import { createScenario } from '../presets/create-scenario.js';

const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';
const present = existsSync(DEBIAN_DIR);
if (!present) console.warn(`SKIPPED real Fashion-MNIST tests: ${DEBIAN_DIR} is missing (apt-get install dataset-fashion-mnist; .ci/run installs it)`);

function perClass(labels: Int32Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
}

describe('embedded Fashion-MNIST subset (always present)', () => {
  it('is class-balanced, 600 per class train and 100 per class test, checksums as recorded', () => {
    const subset = loadEmbeddedFashionMnist();
    expect(subset.train.count).toBe(6000);
    expect(subset.test.count).toBe(1000);
    expect(perClass(subset.train.labels)).toEqual(new Array(10).fill(600));
    expect(perClass(subset.test.labels)).toEqual(new Array(10).fill(100));
    expect(subset.source).toMatch(/^embedded fashion-mnist subset \(6000 train \/ 1000 test, class-balanced, seed \d+;/);
    const record = readEmbeddedSubsetRecord();
    expect(record.indices.train).toHaveLength(6000);
    expect(new Set(record.indices.train).size).toBe(6000);
    expect(record.drawnFrom['train-images-idx3-ubyte.gz']).toBe(KNOWN_DATASETS['fashion-mnist']!.files[0]!.contentSha256);
  });

  it('ships inside the package (data/ is in package.json files)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('data');
    expect(existsSync(new URL('../../data/fashion-mnist-subset/NOTICE.md', import.meta.url))).toBe(true);
  });
});

describe.skipIf(!present)(`real Fashion-MNIST from ${DEBIAN_DIR}`, () => {
  it('reads 60,000 + 10,000 images, 6,000/1,000 per class, identified by the content SHA-256', async () => {
    const full = await loadDataset('fashion-mnist', { systemDirs: [DEBIAN_DIR], env: {}, cacheDir: '/nonexistent-cache', download: false });
    expect(full.origin).toBe('system');
    expect([full.train.count, full.test.count]).toEqual([60000, 10000]);
    expect(full.train.shape).toEqual([28, 28, 1]);
    expect(perClass(full.train.labels)).toEqual(new Array(10).fill(6000));
    expect(perClass(full.test.labels)).toEqual(new Array(10).fill(1000));
    // Debian re-gzipped the upstream files, so the gz SHA-256 differs and the content SHA-256 identifies them.
    expect(full.verification.map((v) => v.method)).toEqual(['content-sha256', 'content-sha256', 'content-sha256', 'content-sha256']);
    expect(readFileBytes(`${DEBIAN_DIR}/t10k-labels-idx1-ubyte.gz`).fileSha256).not.toBe(KNOWN_DATASETS['fashion-mnist']!.files[3]!.sha256);
  });

  it('the embedded subset holds exactly the real pixels and labels of its recorded indices', async () => {
    const full = await loadDataset('fashion-mnist', { systemDirs: [DEBIAN_DIR], env: {}, cacheDir: '/nonexistent-cache', download: false });
    const subset = loadEmbeddedFashionMnist();
    const record = readEmbeddedSubsetRecord();
    for (const split of ['train', 'test'] as const) {
      const indices = record.indices[split];
      const from = full[split];
      const to = subset[split];
      for (let i = 0; i < indices.length; i++) {
        const k = indices[i]!;
        if (to.labels[i] !== from.labels[k] || Buffer.compare(to.images.subarray(i * 784, (i + 1) * 784) as Uint8Array, from.images.subarray(k * 784, (k + 1) * 784) as Uint8Array) !== 0) {
          throw new Error(`${split} subset image ${i} differs from the real image ${k}`);
        }
      }
    }
  });

  it('pfmnist-10 and sfmnist-5 build on the real data (not the embedded subset) and say so', async () => {
    const options = { seed: 4, env: {}, cacheDir: '/nonexistent-cache', download: false } as const;
    const permuted = await createScenario('pfmnist-10', options);
    expect(permuted.source).toMatch(new RegExp(`^fashion-mnist from ${DEBIAN_DIR} \\(system; files identified by content-sha256\\)$`));
    expect(permuted.experiences.map((e) => e.train.size)).toEqual(new Array(10).fill(60000));
    let seen = 0;
    for (const b of permuted.experiences[9]!.test.arrayBatches({ batchSize: 1000, shuffle: true, seed: 1 })) seen += b.size;
    expect(seen).toBe(10000);
    const split = await createScenario('sfmnist-5', { ...options, kind: 'class-incremental', validationFraction: 0.1 });
    expect(split.experiences[0]!.train.size + split.experiences[0]!.validation!.size).toBe(12000);
    expect(split.experiences[4]!.test.size).toBe(2000);
  });
});
