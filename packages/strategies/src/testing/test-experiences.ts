import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Rng } from '@retain/core';
import type { Experience } from '@retain/scenarios';
import { ArraySplit } from './array-split.js';

/** Labelled samples: n x features inputs and n labels. */
export interface LabelledArrays {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly features: number;
}

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * The first `count` images of Fashion-MNIST's t10k file (28x28 pixels scaled
 * to [0, 1], flat 784 features) with their labels, read with node:zlib.
 */
export function readFashionMnist(count: number, dir = FASHION_DIR): LabelledArrays {
  const images = gunzipSync(readFileSync(`${dir}/t10k-images-idx3-ubyte.gz`));
  const labels = gunzipSync(readFileSync(`${dir}/t10k-labels-idx1-ubyte.gz`));
  if (images.readUInt32BE(0) !== 0x803 || labels.readUInt32BE(0) !== 0x801) throw new Error('not Fashion-MNIST IDX files');
  const n = Math.min(count, images.readUInt32BE(4));
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) x[i] = (images[16 + i] ?? 0) / 255;
  const y = Int32Array.from({ length: n }, (_, i) => labels[8 + i] ?? 0);
  return { x, y, features: 784 };
}

/**
 * A synthetic, linearly separable-ish dataset: `classes` Gaussian prototypes
 * in `features` dimensions (unit normal) plus noise of std `noise`.
 */
export function gaussianClasses(samplesPerClass: number, classes: number, features: number, seed: number, noise = 0.5): LabelledArrays {
  const rng = Rng.fromSeed(seed).stream('sampling');
  const protos = Float32Array.from({ length: classes * features }, () => rng.nextNormal());
  const n = samplesPerClass * classes;
  const x = new Float32Array(n * features);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    for (let f = 0; f < features; f++) x[i * features + f] = (protos[c * features + f] ?? 0) + noise * rng.nextNormal();
  }
  return { x, y, features };
}

function slice(data: LabelledArrays, from: number, to: number, permutation?: Uint32Array): ArraySplit {
  const f = data.features;
  const n = to - from;
  const x = new Float32Array(n * f);
  for (let i = 0; i < n; i++) {
    const row = data.x.subarray((from + i) * f, (from + i + 1) * f);
    if (permutation === undefined) x.set(row, i * f);
    else for (let j = 0; j < f; j++) x[i * f + j] = row[permutation[j] as number] ?? 0;
  }
  return new ArraySplit(x, data.y.slice(from, to), [f]);
}

/**
 * Permuted-input experiences (task-incremental, 10 classes each, task 0 on the
 * identity permutation): the first `train` samples for training, the next
 * `test` for testing, optionally `validation` after those.
 */
export function permutedExperiences(data: LabelledArrays, tasks: number, options: { train: number; test: number; validation?: number; seed: number }): Experience[] {
  const classes = Math.max(...data.y) + 1;
  const rng = Rng.fromSeed(options.seed).stream('permutation');
  const out: Experience[] = [];
  for (let t = 0; t < tasks; t++) {
    const perm = t === 0 ? Uint32Array.from({ length: data.features }, (_, i) => i) : Uint32Array.from(rng.permutation(data.features));
    const v = options.validation ?? 0;
    out.push({
      index: t,
      taskId: t,
      classes: Array.from({ length: classes }, (_, c) => c),
      numClasses: classes,
      description: `permutation ${t}`,
      train: slice(data, 0, options.train, perm),
      test: slice(data, options.train, options.train + options.test, perm),
      ...(v > 0 ? { validation: slice(data, options.train + options.test, options.train + options.test + v, perm) } : {}),
    });
  }
  return out;
}

/**
 * Split experiences: experience t holds the classes `groups[t]`. Labels are
 * local (0..k-1, task-incremental) or global ids (class-incremental). The
 * first `trainFraction` of each class's samples train, the rest test.
 */
export function splitExperiences(data: LabelledArrays, groups: readonly (readonly number[])[], labels: 'local' | 'global', trainFraction = 0.8): Experience[] {
  return groups.map((group, t) => {
    const rows: number[] = [];
    for (let i = 0; i < data.y.length; i++) if (group.includes(data.y[i] as number)) rows.push(i);
    const cut = Math.round(rows.length * trainFraction);
    const make = (part: number[]): ArraySplit => {
      const f = data.features;
      const x = new Float32Array(part.length * f);
      const y = new Int32Array(part.length);
      part.forEach((r, k) => {
        x.set(data.x.subarray(r * f, (r + 1) * f), k * f);
        const label = data.y[r] as number;
        y[k] = labels === 'local' ? group.indexOf(label) : label;
      });
      return new ArraySplit(x, y, [f]);
    };
    const numClasses = labels === 'local' ? group.length : Math.max(...groups.flat()) + 1;
    return { index: t, taskId: t, classes: [...group], numClasses, description: `classes ${group.join(',')}`, train: make(rows.slice(0, cut)), test: make(rows.slice(cut)) };
  });
}
