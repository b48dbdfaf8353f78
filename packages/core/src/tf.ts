/**
 * The one TensorFlow.js instance every retain package uses. Import `tf` from
 * '@retain/core' rather than from '@tensorflow/tfjs' so that kernels
 * registered by initBackend and tensors created anywhere share one engine.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
