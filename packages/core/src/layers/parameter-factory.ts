import { InvalidArgumentError } from '../errors/retain-error.js';
import { fans, initialValues } from '../random/initializers.js';
import { Rng } from '../random/rng.js';
import { Parameter, type ParameterRole } from './parameter.js';

/**
 * How kernels and biases start:
 * - `glorot` (default, Keras' defaults): kernels glorot-uniform, biases zero;
 * - `he`: kernels he-uniform (PyTorch's kaiming_uniform_ with a = 0), biases zero;
 * - `torch`: PyTorch's nn.Linear / nn.Conv2d defaults, kernels and biases
 *   uniform in +-1/sqrt(fan_in), for parity runs against PyTorch references.
 * Batch-norm scale starts at 1, shift, running mean at 0, running variance at 1.
 */
export type InitScheme = 'glorot' | 'he' | 'torch';

/** The initialisation schemes {@link ParameterFactory} accepts. */
export const INIT_SCHEMES: readonly InitScheme[] = ['glorot', 'he', 'torch'];

/**
 * Creates a network's parameters with seeded values. Each parameter draws from
 * its own stream, `Rng.fromSeed(seed).stream('init').stream(name)`, so its
 * initial values depend only on the seed and its name: not on the order in
 * which layers, heads or per-task state are created.
 */
export class ParameterFactory {
  readonly scheme: InitScheme;
  private readonly root: Rng;

  constructor(seed: number, scheme: InitScheme = 'glorot') {
    if (!INIT_SCHEMES.includes(scheme)) throw new InvalidArgumentError('init', scheme, `one of ${INIT_SCHEMES.join(', ')}`);
    this.root = Rng.fromSeed(seed).stream('init');
    this.scheme = scheme;
  }

  /** A weight kernel: dense [in, out] or convolution [kh, kw, in, out]. */
  kernel(name: string, layer: string, shape: readonly number[], taskId?: number): Parameter {
    const rng = this.root.stream(name);
    const { fanIn } = fans(shape);
    const values =
      this.scheme === 'glorot'
        ? initialValues('glorotUniform', shape, rng)
        : this.scheme === 'he'
          ? initialValues('heUniform', shape, rng)
          : initialValues({ name: 'uniform', limit: 1 / Math.sqrt(fanIn) }, shape, rng);
    return new Parameter({ name, layer, role: 'kernel', shape, taskId }, values);
  }

  /** A bias of `units` values for a layer whose kernel has fan-in `fanIn`. */
  bias(name: string, layer: string, units: number, fanIn: number, taskId?: number): Parameter {
    const values =
      this.scheme === 'torch'
        ? initialValues({ name: 'uniform', limit: 1 / Math.sqrt(fanIn) }, [units], this.root.stream(name))
        : new Float32Array(units);
    return new Parameter({ name, layer, role: 'bias', shape: [units], taskId }, values);
  }

  /** A parameter filled with one value (batch-norm scale, shift and statistics). */
  constant(name: string, layer: string, role: ParameterRole, units: number, value: number, taskId?: number): Parameter {
    return new Parameter({ name, layer, role, shape: [units], taskId }, new Float32Array(units).fill(value));
  }
}
