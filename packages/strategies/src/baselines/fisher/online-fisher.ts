import { InvalidArgumentError } from '@retain/core';
import { WeightLayoutMismatchError } from '../errors/baseline-errors.js';
import type { NamedArrays } from '../named-arrays.js';

/**
 * Online EWC's running Fisher (Schwarz et al. 2018, "Progress & Compress",
 * Sec. 2.2): F*_t = gamma * F*_{t-1} + F_t. `gamma` in [0, 1] decays the
 * importance of older tasks; gamma = 1 sums the Fishers (Huszár's 2018 note
 * on EWC with several tasks). By parameter name: a parameter only in
 * `running` (an earlier task's head) is decayed, one only in `fresh` starts
 * at its fresh value. Returns new arrays; the inputs are not modified.
 */
export function onlineFisherUpdate(running: NamedArrays | undefined, fresh: NamedArrays, gamma: number): Map<string, Float32Array> {
  if (!Number.isFinite(gamma) || gamma < 0 || gamma > 1) throw new InvalidArgumentError('gamma', gamma, 'a number in [0, 1]');
  const out = new Map<string, Float32Array>();
  for (const [name, f] of fresh) {
    const r = running?.get(name);
    if (r !== undefined && r.length !== f.length) throw new WeightLayoutMismatchError(`running[${JSON.stringify(name)}].length`, f.length, r.length);
    const next = new Float32Array(f.length);
    for (let i = 0; i < f.length; i++) next[i] = (r === undefined ? 0 : gamma * (r[i] as number)) + (f[i] as number);
    out.set(name, next);
  }
  for (const [name, r] of running ?? []) {
    if (!fresh.has(name)) out.set(name, Float32Array.from(r, (v) => gamma * v));
  }
  return out;
}
