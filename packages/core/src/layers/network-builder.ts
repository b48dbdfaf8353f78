import { InvalidArgumentError } from '../errors/retain-error.js';
import { Rng } from '../random/rng.js';
import { TaskBatchNorm, type BatchNormOptions } from './batch-norm.js';
import { MaskedConv2d, type Conv2dOptions } from './conv2d.js';
import { MaskedDense, type DenseOptions } from './dense.js';
import type { Layer } from './layer.js';
import { MaskedNetwork, type MaskedNetworkConfig } from './masked-network.js';
import { ParameterFactory, type InitScheme } from './parameter-factory.js';
import { GlobalAveragePool, Pool2d } from './pooling.js';
import { ResidualBlock, type ResidualBlockOptions } from './residual-block.js';
import { Dropout, Flatten, Relu } from './stateless-layers.js';
import { TaskHeads } from './task-heads.js';

/** How a network's heads are laid out. */
export type HeadsSpec =
  | { readonly multiHead: true; readonly heads: readonly { readonly taskId: number; readonly classes: number }[]; readonly useBias?: boolean }
  | { readonly multiHead: false; readonly numClasses: number; readonly useBias?: boolean };

/**
 * Builds a {@link MaskedNetwork} layer by layer, tracking the per-sample shape
 * so each layer is sized from its input. All parameters come from one seeded
 * {@link ParameterFactory}; dropout layers share the seeded 'dropout' stream.
 */
export class NetworkBuilder {
  readonly factory: ParameterFactory;
  readonly inputShape: readonly number[];
  private readonly dropoutRng: Rng;
  private readonly body: Layer[] = [];
  private shape: readonly number[];
  private built = false;

  constructor(inputShape: readonly number[], seed: number, init: InitScheme = 'glorot') {
    if (inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new InvalidArgumentError('inputShape', inputShape, 'a per-sample shape of positive integers, for example [28, 28, 1]');
    }
    this.inputShape = [...inputShape];
    this.shape = this.inputShape;
    this.factory = new ParameterFactory(seed, init);
    this.dropoutRng = Rng.fromSeed(seed).stream('dropout');
  }

  /** The per-sample shape after the layers added so far. */
  get currentShape(): readonly number[] {
    return this.shape;
  }

  /** Appends a layer built for the current shape. */
  add<L extends Layer>(make: (inputShape: readonly number[]) => L): L {
    const layer = make(this.shape);
    this.body.push(layer);
    this.shape = layer.outputShape;
    return layer;
  }

  dense(name: string, options: DenseOptions): MaskedDense {
    return this.add((s) => new MaskedDense(name, s, options, this.factory));
  }

  conv2d(name: string, options: Conv2dOptions): MaskedConv2d {
    return this.add((s) => new MaskedConv2d(name, s, options, this.factory));
  }

  batchNorm(name: string, options: BatchNormOptions): TaskBatchNorm {
    return this.add((s) => new TaskBatchNorm(name, s, options, this.factory));
  }

  relu(name: string): Relu {
    return this.add((s) => new Relu(name, s));
  }

  maxPool(name: string, poolSize: number, stride?: number): Pool2d {
    return this.add((s) => new Pool2d(name, s, 'max', poolSize, stride));
  }

  avgPool(name: string, poolSize: number, stride?: number): Pool2d {
    return this.add((s) => new Pool2d(name, s, 'avg', poolSize, stride));
  }

  globalAveragePool(name: string): GlobalAveragePool {
    return this.add((s) => new GlobalAveragePool(name, s));
  }

  flatten(name: string): Flatten {
    return this.add((s) => new Flatten(name, s));
  }

  /** A dropout layer; rate 0 adds nothing. */
  dropout(name: string, rate: number): void {
    if (rate !== 0) this.add((s) => new Dropout(name, s, rate, this.dropoutRng));
  }

  residualBlock(name: string, options: ResidualBlockOptions): ResidualBlock {
    return this.add((s) => new ResidualBlock(name, s, options, this.factory));
  }

  /** Adds the heads and returns the network; per-task state is prepared for every head's task. */
  build(heads: HeadsSpec, architecture: MaskedNetworkConfig['architecture']): MaskedNetwork {
    if (this.built) throw new InvalidArgumentError('NetworkBuilder.build', 'called twice', 'one build per builder');
    let taskHeads: TaskHeads | undefined;
    try {
      taskHeads = heads.multiHead
        ? new TaskHeads(this.shape, { multiHead: true, useBias: heads.useBias }, this.factory)
        : new TaskHeads(this.shape, { multiHead: false, numClasses: heads.numClasses, useBias: heads.useBias }, this.factory);
      const network = new MaskedNetwork({ inputShape: this.inputShape, layers: this.body, heads: taskHeads, architecture });
      if (heads.multiHead) for (const h of heads.heads) network.addHead(h.taskId, h.classes);
      else network.prepareTask(0);
      this.built = true;
      return network;
    } catch (error) {
      taskHeads?.dispose();
      this.abandon();
      throw error;
    }
  }

  /** Disposes every layer added so far: call it when building fails, so no variable leaks. */
  abandon(): void {
    for (const layer of this.body) layer.dispose();
    this.body.length = 0;
    this.built = true;
  }
}
