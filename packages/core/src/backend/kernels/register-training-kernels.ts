import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { transposeFreeMatMul } from './batch-mat-mul.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { fastConv2DBackpropInput } from './conv2d-backprop-input.js';
import { sharedIdentity } from './identity-shared.js';
import { fastMaxPoolGrad } from './max-pool-grad.js';
import { leadingAxesSum } from './sum-leading-axes.js';

/** Kernels of the stock wasm backend, kept before we replace them (we call them). */
const originals = new Map<string, KernelConfig>();

function replace(name: string, make: (original: KernelConfig) => KernelConfig): void {
  const original = originals.get(name) ?? tf.getKernel(name, 'wasm');
  if (original === undefined) return;
  originals.set(name, original);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(make(original));
}

/**
 * Registers retain's training kernels for the wasm backend (idempotent):
 * transposed BatchMatMul and _FusedMatMul through the fast path,
 * Conv2DBackpropFilter, a fast stride-1 Conv2DBackpropInput, and a one-pass
 * MaxPoolGrad, and a Sum that reduces every axis but the last (bias
 * gradients) by average pooling instead of a transpose, and an Identity that
 * shares its input's memory instead of copying it.
 * Returns the names of the kernels it installed.
 */
export function registerWasmTrainingKernels(): string[] {
  replace('BatchMatMul', transposeFreeMatMul);
  replace('_FusedMatMul', transposeFreeMatMul);
  replace('Conv2DBackpropInput', fastConv2DBackpropInput);
  replace('MaxPoolGrad', fastMaxPoolGrad);
  replace('Sum', leadingAxesSum);
  replace('Identity', sharedIdentity);
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
  tf.registerKernel(conv2DBackpropFilterConfig);
  return ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'Sum', 'Identity'];
}
