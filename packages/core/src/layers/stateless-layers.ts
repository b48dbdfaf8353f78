import { InvalidArgumentError } from '../errors/retain-error.js';
import type { Rng } from '../random/rng.js';
import { tf } from '../tf.js';
import type { ForwardContext, Layer } from './layer.js';
import type { Parameter } from './parameter.js';

/** Shared no-op parts of layers without parameters. */
abstract class StatelessLayer implements Layer {
  abstract readonly name: string;
  abstract readonly outputShape: readonly number[];
  abstract apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor;

  parameters(): Parameter[] {
    return [];
  }

  prepareTask(): void {
    // no per-task state
  }

  dispose(): void {
    // no tensors
  }
}

/** Reshapes [batch, ...shape] to [batch, product(shape)]. */
export class Flatten extends StatelessLayer {
  readonly name: string;
  readonly outputShape: readonly number[];

  constructor(name: string, inputShape: readonly number[]) {
    super();
    this.name = name;
    this.outputShape = [inputShape.reduce((a, b) => a * b, 1)];
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.reshape(x, [x.shape[0] ?? -1, this.outputShape[0] ?? -1]);
  }
}

/** max(x, 0). */
export class Relu extends StatelessLayer {
  readonly name: string;
  readonly outputShape: readonly number[];

  constructor(name: string, inputShape: readonly number[]) {
    super();
    this.name = name;
    this.outputShape = [...inputShape];
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
}

/**
 * Inverted dropout in training mode (kept values scaled by 1 / (1 - rate)),
 * identity at inference. Each training call draws the seed of tfjs' random
 * mask from the network's seeded 'dropout' stream, so a run is reproducible.
 */
export class Dropout extends StatelessLayer {
  readonly name: string;
  readonly outputShape: readonly number[];
  readonly rate: number;
  private readonly rng: Rng;

  constructor(name: string, inputShape: readonly number[], rate: number, rng: Rng) {
    super();
    if (!(rate >= 0 && rate < 1)) throw new InvalidArgumentError(`${name}.rate`, rate, 'a number in [0, 1)');
    this.name = name;
    this.outputShape = [...inputShape];
    this.rate = rate;
    this.rng = rng;
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    if (!ctx.training || this.rate === 0) return x;
    return tf.dropout(x, this.rate, undefined, this.rng.nextUint32());
  }
}
