import { fans, tf, type InitializerSpec, type JsonValue, type Parameter } from '@retain/core';
import type { NamedTensor } from '@retain/masks';

/** Installs a constant effective weight on `p` (a transform; it disposes the tensor when replaced if `owned`). */
export function installConstant(p: Parameter, values: Float32Array, owned: boolean): void {
  const t = tf.keep(tf.tensor(values, [...p.shape], 'float32'));
  p.setTransform({ apply: () => t, ...(owned ? { dispose: () => t.dispose() } : {}) });
}

/** Whether `p` is batch-norm state (scale, shift, running statistics). */
export function isBatchNormParameter(p: Parameter): boolean {
  return p.role === 'gamma' || p.role === 'beta' || p.role === 'runningMean' || p.role === 'runningVariance';
}

/** `p`'s values as a named tensor for the sub-network store (a data sync). */
export function namedTensor(p: Parameter): NamedTensor {
  return { name: p.name, shape: [...p.shape], values: p.read() };
}

/** The initialiser of re-initialised kernel slots: the network's own scheme (`init` of its descriptor, as core's ParameterFactory). */
export function reinitSpec(init: JsonValue | undefined, shape: readonly number[]): InitializerSpec {
  if (init === 'he') return { name: 'heUniform' };
  if (init === 'torch') return { name: 'uniform', limit: 1 / Math.sqrt(fans(shape).fanIn) };
  return { name: 'glorotUniform' };
}
