import type { Rng } from '@retain/core';

/** Indices 0..n-1 of the samples whose label is in `classes` (all samples when `classes` is undefined). */
export function indicesOfClasses(labels: Int32Array, classes?: ReadonlySet<number>): Uint32Array {
  if (classes === undefined) {
    const all = new Uint32Array(labels.length);
    for (let i = 0; i < all.length; i++) all[i] = i;
    return all;
  }
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (classes.has(labels[i] ?? -1)) n++;
  const out = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < labels.length; i++) if (classes.has(labels[i] ?? -1)) out[k++] = i;
  return out;
}

/** `indices` grouped by label, each group shuffled by `rng` (groups in ascending label order). */
function shuffledByClass(indices: Uint32Array, labels: Int32Array, rng: Rng): Uint32Array[] {
  const groups = new Map<number, number[]>();
  for (const i of indices) {
    const label = labels[i] ?? -1;
    let g = groups.get(label);
    if (g === undefined) groups.set(label, (g = []));
    g.push(i);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((label) => rng.shuffle(Uint32Array.from(groups.get(label) ?? [])));
}

function sorted(values: number[]): Uint32Array {
  return Uint32Array.from(values).sort();
}

/**
 * A class-balanced seeded subset of at most `cap` of `indices`: classes take
 * turns (in label order) giving a random sample of theirs until `cap` are
 * taken or all are used. Returned in ascending order.
 */
export function stratifiedSubset(indices: Uint32Array, labels: Int32Array, cap: number, rng: Rng): Uint32Array {
  if (cap >= indices.length) return indices;
  const groups = shuffledByClass(indices, labels, rng);
  const taken: number[] = [];
  for (let round = 0; taken.length < cap; round++) {
    for (const g of groups) {
      if (round < g.length && taken.length < cap) taken.push(g[round] ?? 0);
    }
  }
  return sorted(taken);
}

/**
 * Seeded class-stratified split of `indices`: from each class,
 * round(fraction x its count) samples go to `held`, the rest to `kept`.
 * Both in ascending order and disjoint.
 */
export function stratifiedSplit(indices: Uint32Array, labels: Int32Array, fraction: number, rng: Rng): { kept: Uint32Array; held: Uint32Array } {
  const kept: number[] = [];
  const held: number[] = [];
  for (const g of shuffledByClass(indices, labels, rng)) {
    const h = Math.round(fraction * g.length);
    for (let i = 0; i < g.length; i++) (i < h ? held : kept).push(g[i] ?? 0);
  }
  return { kept: sorted(kept), held: sorted(held) };
}
