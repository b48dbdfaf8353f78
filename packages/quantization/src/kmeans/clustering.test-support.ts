// Test-only helpers for the clustering tests (excluded from the build by tsconfig.build.json).

/** Exact float64 SSE of a clustering given by codes: each group measured against its own mean. */
export function partitionSse(values: ArrayLike<number>, codes: ArrayLike<number>): number {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < values.length; i++) {
    const code = codes[i] as number;
    const group = groups.get(code) ?? [];
    group.push(values[i] as number);
    groups.set(code, group);
  }
  let sse = 0;
  for (const group of groups.values()) sse += groupSse(group);
  return sse;
}

function groupSse(group: readonly number[]): number {
  const mean = group.reduce((a, b) => a + b, 0) / group.length;
  return group.reduce((a, v) => a + (v - mean) ** 2, 0);
}

/** Least SSE over every partition of the sorted values into exactly k contiguous non-empty runs. */
export function bruteForceContiguousSse(values: readonly number[], k: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  let best = Infinity;
  const cuts: number[] = [];
  const walk = (from: number, left: number): void => {
    if (left === 0) {
      const bounds = [0, ...cuts, n];
      let sse = 0;
      for (let c = 0; c + 1 < bounds.length; c++) sse += groupSse(sorted.slice(bounds[c], bounds[c + 1]));
      best = Math.min(best, sse);
      return;
    }
    for (let cut = from; cut <= n - left; cut++) {
      cuts.push(cut);
      walk(cut + 1, left - 1);
      cuts.pop();
    }
  };
  walk(1, k - 1);
  return best;
}

/** Least SSE over every partition (contiguous or not) of the values into at most k groups. */
export function bruteForceAnySse(values: readonly number[], k: number): number {
  let best = Infinity;
  const labels: number[] = [];
  const walk = (i: number, used: number): void => {
    if (i === values.length) {
      best = Math.min(best, partitionSse(values, labels));
      return;
    }
    for (let g = 0; g <= Math.min(used, k - 1); g++) {
      labels[i] = g;
      walk(i + 1, Math.max(used, g + 1));
    }
  };
  walk(0, 0);
  return best;
}

/** 1 + the sum of squares: the scale for float-rounding tolerances on SSE comparisons. */
export function sampleScale(values: ArrayLike<number>): number {
  let s = 1;
  for (let i = 0; i < values.length; i++) s += (values[i] as number) ** 2;
  return s;
}
