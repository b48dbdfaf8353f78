import { InvalidArgumentError } from '../errors/retain-error.js';
import type { Rng } from './rng.js';

/** The weight initialisers of the model zoo, all driven by our own {@link Rng}. */
export type InitializerName = 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'uniform' | 'zeros' | 'ones';

export interface InitializerSpec {
  name: InitializerName;
  /** Half-width for `uniform` (values in [-limit, limit]); default 0.05. */
  limit?: number;
}

/**
 * Fan-in and fan-out of a weight shape as Keras computes them: dense
 * [in, out]; convolution [kh, kw, in, out] with the receptive field folded in.
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0] ?? 1, fanOut: shape[0] ?? 1 };
  if (shape.length === 2) return { fanIn: shape[0] ?? 1, fanOut: shape[1] ?? 1 };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: receptive * (shape[shape.length - 2] ?? 1), fanOut: receptive * (shape[shape.length - 1] ?? 1) };
}

/** Normal sample truncated to two standard deviations, as Keras' truncated normal. */
function truncatedNormal(rng: Rng, std: number): number {
  for (;;) {
    const v = rng.nextNormal();
    if (Math.abs(v) <= 2) return v * std;
  }
}

/**
 * Fills a new Float32Array of `shape`'s size with initial values. The same
 * rng state gives bit-identical values on every platform.
 */
export function initialValues(spec: InitializerSpec | InitializerName, shape: readonly number[], rng: Rng): Float32Array {
  const { name, limit } = typeof spec === 'string' ? { name: spec, limit: undefined } : spec;
  const size = shape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(size) || size < 0) throw new InvalidArgumentError('shape', shape, 'non-negative integer dimensions');
  const out = new Float32Array(size);
  const { fanIn, fanOut } = fans(shape);
  switch (name) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'uniform': {
      const l = limit ?? 0.05;
      for (let i = 0; i < size; i++) out[i] = rng.uniform(-l, l);
      return out;
    }
    case 'glorotUniform': {
      const l = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < size; i++) out[i] = rng.uniform(-l, l);
      return out;
    }
    case 'heUniform': {
      const l = Math.sqrt(6 / fanIn);
      for (let i = 0; i < size; i++) out[i] = rng.uniform(-l, l);
      return out;
    }
    case 'glorotNormal': {
      // 0.8796... corrects the variance lost by truncating at two standard deviations.
      const std = Math.sqrt(2 / (fanIn + fanOut)) / 0.87962566103423978;
      for (let i = 0; i < size; i++) out[i] = truncatedNormal(rng, std);
      return out;
    }
    case 'heNormal': {
      const std = Math.sqrt(2 / fanIn) / 0.87962566103423978;
      for (let i = 0; i < size; i++) out[i] = truncatedNormal(rng, std);
      return out;
    }
    default:
      throw new InvalidArgumentError('initializer', name, 'one of glorotUniform, glorotNormal, heUniform, heNormal, uniform, zeros, ones');
  }
}
