import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend.js';
import { InvalidArgumentError } from '../errors/retain-error.js';
import type { MaskedNetwork } from '../layers/masked-network.js';
import { Rng } from '../random/rng.js';
import { withLeakCheck, withLeakCheckSync } from '../tensors/leak-check.js';
import { tf } from '../tf.js';
import { createModel, createModelFromDescriptor, listModels, UnknownModelError, ZOO_NAMES, type ZooName, type ZooOptions } from './registry.js';

function uniformBatch(seed: number, shape: number[]): tf.Tensor {
  const rng = Rng.fromSeed(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.nextFloat();
  return tf.tensor(v, shape);
}

function sameWeights(a: MaskedNetwork, b: MaskedNetwork): boolean {
  const [wa, wb] = [a.getWeights(), b.getWeights()];
  if (wa.size !== wb.size) return false;
  for (const [name, values] of wa) {
    const other = wb.get(name);
    if (other === undefined || !Buffer.from(values.buffer).equals(Buffer.from(other.buffer))) return false;
  }
  return true;
}

/** The logits' shape for a zero batch of `shape`. */
function logitsShape(net: MaskedNetwork, shape: number[], taskId: number): number[] {
  return tf.tidy(() => net.apply(tf.zeros(shape), { taskId }).shape);
}

function create<N extends ZooName>(name: N, options: ZooOptions[N]): MaskedNetwork {
  return createModel(name, options);
}

describe('model zoo', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('lists its models with a description and a source', () => {
    expect(listModels().map((m) => m.name)).toEqual([...ZOO_NAMES]);
    for (const m of listModels()) {
      expect(m.description.length).toBeGreaterThan(10);
      expect(m.source.length).toBeGreaterThan(10);
    }
    expect(() => createModel('vgg' as ZooName, { inputShape: [1], numClasses: 2 })).toThrow(UnknownModelError);
  });

  describe('parameter counts (worked by hand) and forward shapes at the real input sizes', () => {
    it('mlp 784-400-400-10', () => {
      withLeakCheckSync(() => {
        const net = create('mlp', { inputShape: [28, 28, 1], numClasses: 10 });
        // dense1 784*400 + 400 = 314,000; dense2 400*400 + 400 = 160,400; head 400*10 + 10 = 4,010
        expect(net.countParameters()).toBe(314_000 + 160_400 + 4_010);
        expect(logitsShape(net, [2, 28, 28, 1], 0)).toEqual([2, 10]);
        net.dispose();
        // WSN's permuted-MNIST MLP, 3 task heads of 10: 784*100 + 100 = 78,500; 100*100 + 100 = 10,100; 3 * (100*10 + 10) = 3,030
        const wsn = create('mlp', { inputShape: [784], hiddenSizes: [100, 100], classesPerTask: [10, 10, 10] });
        expect(wsn.countParameters()).toBe(78_500 + 10_100 + 3_030);
        expect(wsn.countParameters(1)).toBe(78_500 + 10_100 + 1_010);
        wsn.dispose();
      });
    });

    it('cnn-small on 28x28x1', () => {
      withLeakCheckSync(() => {
        const net = create('cnn-small', { inputShape: [28, 28, 1], numClasses: 10 });
        // 28 -conv3 valid-> 26 -pool-> 13 -conv3-> 11 -pool-> 5: flatten 5*5*64 = 1,600
        // conv1 3*3*1*32 + 32 = 320; conv2 3*3*32*64 + 64 = 18,496; dense1 1,600*128 + 128 = 204,928; head 128*10 + 10 = 1,290
        expect(net.countParameters()).toBe(320 + 18_496 + 204_928 + 1_290);
        expect(logitsShape(net, [2, 28, 28, 1], 0)).toEqual([2, 10]);
        net.dispose();
      });
    });

    it('alexnet-cl on 32x32x3, 10 tasks of 10 classes', () => {
      withLeakCheckSync(() => {
        const net = create('alexnet-cl', { inputShape: [32, 32, 3], classesPerTask: Array.from({ length: 10 }, () => 10) });
        // 32 -k4-> 29 -pool-> 14 -k3-> 12 -pool-> 6 -k2-> 5 -pool-> 2: flatten 2*2*256 = 1,024. No biases.
        // conv1 4*4*3*64 = 3,072; conv2 3*3*64*128 = 73,728; conv3 2*2*128*256 = 131,072;
        // fc1 1,024*2,048 = 2,097,152; fc2 2,048*2,048 = 4,194,304; heads 10 * 2,048*10 = 204,800
        const shared = 3_072 + 73_728 + 131_072 + 2_097_152 + 4_194_304;
        expect(net.countParameters()).toBe(shared + 204_800);
        expect(net.countParameters(3)).toBe(shared + 20_480);
        expect(logitsShape(net, [2, 32, 32, 3], 9)).toEqual([2, 10]);
        net.dispose();
      });
    });

    it('resnet18-reduced on 32x32x3, 5 tasks of 10 classes, per-task batch norm', () => {
      withLeakCheckSync(() => {
        const net = create('resnet18-reduced', { inputShape: [32, 32, 3], classesPerTask: [10, 10, 10, 10, 10] });
        // Convolutions (no biases): stem 3*3*3*20 = 540
        //   stage1: 4 convs 3*3*20*20 = 4 * 3,600 = 14,400
        //   stage2: 3*3*20*40 = 7,200 + 3 * 3*3*40*40 = 43,200 + shortcut 20*40 = 800 -> 51,200
        //   stage3: 3*3*40*80 = 28,800 + 3 * 3*3*80*80 = 172,800 + shortcut 40*80 = 3,200 -> 204,800
        //   stage4: 3*3*80*160 = 115,200 + 3 * 3*3*160*160 = 691,200 + shortcut 80*160 = 12,800 -> 819,200
        const convs = 540 + 14_400 + 51_200 + 204_800 + 819_200;
        // Batch-norm scale + shift per task: 2 * (stem 20 + stage1 4*20 + stage2 5*40 + stage3 5*80 + stage4 5*160) = 2 * 1,500 = 3,000
        const bnPerTask = 2 * (20 + 4 * 20 + 5 * 40 + 5 * 80 + 5 * 160);
        // Heads after the global average pool: 160*10 each, no bias.
        expect(net.countParameters()).toBe(convs + 5 * bnPerTask + 5 * 1_600);
        expect(net.countParameters(0)).toBe(convs + bnPerTask + 1_600);
        expect(net.countParametersByLayer().get('stage2/block0/shortcut/conv')).toBe(800);
        expect(logitsShape(net, [2, 32, 32, 3], 4)).toEqual([2, 10]);
        net.dispose();
        // GPM's avg_pool2d(out, 2): 4x4x160 -> 2x2x160 = 640 features per head.
        const gpm = create('resnet18-reduced', { inputShape: [32, 32, 3], numClasses: 10, pooling: 'avg2x2', batchNorm: 'shared' });
        expect(gpm.countParameters()).toBe(convs + bnPerTask + 640 * 10);
        gpm.dispose();
      });
    });

    it('tinynet on 64x64x3, 40 tasks of 5 classes', () => {
      withLeakCheckSync(() => {
        const net = create('tinynet', { inputShape: [64, 64, 3], classesPerTask: Array.from({ length: 40 }, () => 5) });
        // 64 -> 32 -> 16 -> 8 -> 4 (k3, stride 2, padding 1): flatten 4*4*160 = 2,560
        // conv1 3*3*3*160 = 4,320; conv2..4 3 * 3*3*160*160 = 691,200 (no biases)
        // fc1 2,560*640 + 640 = 1,639,040; fc2 640*640 + 640 = 410,240; heads 40 * (640*5 + 5) = 128,200
        expect(net.countParameters()).toBe(4_320 + 691_200 + 1_639_040 + 410_240 + 128_200);
        expect(logitsShape(net, [2, 64, 64, 3], 39)).toEqual([2, 5]);
        net.dispose();
      });
    });
  });

  // Small inputs keep these cheap; `evalTraining` measures the loss with batch statistics (batch-norm models).
  const cases: { [N in ZooName]: { options: ZooOptions[N]; evalTraining: boolean } } = {
    mlp: { options: { inputShape: [8, 8, 1], classesPerTask: [2, 3], hiddenSizes: [32, 32] }, evalTraining: false },
    'cnn-small': { options: { inputShape: [12, 12, 1], classesPerTask: [2, 3] }, evalTraining: false },
    'alexnet-cl': { options: { inputShape: [20, 20, 3], classesPerTask: [2, 3] }, evalTraining: false },
    'resnet18-reduced': { options: { inputShape: [8, 8, 3], classesPerTask: [2, 3] }, evalTraining: true },
    tinynet: { options: { inputShape: [16, 16, 3], classesPerTask: [2, 3] }, evalTraining: false },
  };

  describe.each(ZOO_NAMES.map((name) => [name] as const))('%s', (name) => {
    const { options, evalTraining } = cases[name];
    const shape = options.inputShape;

    it('same seed: bit-identical initial weights (also when rebuilt from the JSON descriptor); other seed: different kernels', () => {
      withLeakCheckSync(() => {
        const a = createModel(name, { ...options, seed: 7 } as never);
        const b = createModel(name, { ...options, seed: 7 } as never);
        const c = createModel(name, { ...options, seed: 8 } as never);
        a.addHead(5, 4);
        const rebuilt = createModelFromDescriptor(JSON.parse(JSON.stringify(a.descriptor())));
        expect(rebuilt.descriptor()).toEqual(a.descriptor());
        expect(sameWeights(a, rebuilt)).toBe(true);
        b.addHead(5, 4);
        expect(sameWeights(a, b)).toBe(true);
        const [wa, wc] = [a.getWeights(), c.getWeights()];
        for (const [n, p] of a.parameters()) {
          if (p.role === 'kernel' && wc.has(n)) expect(wa.get(n)).not.toEqual(wc.get(n));
        }
        for (const n of [a, b, c, rebuilt]) n.dispose();
      });
    });

    it('a few SGD steps on the wasm backend reduce the loss on a tiny batch, leaking nothing', async () => {
      await withLeakCheck(() => {
        const net = createModel(name, { ...options, seed: 3 } as never);
        const x = uniformBatch(11, [4, ...shape]);
        const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3));
        const loss = (training: boolean) => tf.losses.softmaxCrossEntropy(labels, net.apply(x, { taskId: 1, training })) as tf.Scalar;
        const measure = () => tf.tidy(() => loss(evalTraining).dataSync()[0] ?? NaN);
        const before = measure();
        const optimizer = tf.train.sgd(0.05);
        const vars = net.trainableVariables(1);
        for (let step = 0; step < 5; step++) optimizer.minimize(() => loss(true), false, vars);
        const after = measure();
        expect(Number.isFinite(before)).toBe(true);
        expect(after).toBeLessThan(before);
        optimizer.dispose();
        tf.dispose([x, labels]);
        net.dispose();
      });
    });
  });

  describe('options', () => {
    it('reject unknown keys, bad values, and inputs too small for the architecture, leaking nothing', () => {
      withLeakCheckSync(() => {
        expect(() => createModel('mlp', { inputShape: [4], numClasses: 2, hiddenSize: [3] } as never)).toThrow(/hiddenSize/);
        expect(() => createModel('mlp', { inputShape: [4], numClasses: 2, classesPerTask: [2] })).toThrow(InvalidArgumentError);
        expect(() => createModel('mlp', { inputShape: [4] })).toThrow(/numClasses/);
        expect(() => createModel('cnn-small', { inputShape: [28, 28], numClasses: 2 })).toThrow(/inputShape/);
        expect(() => createModel('alexnet-cl', { inputShape: [12, 12, 3], numClasses: 2 })).toThrow(InvalidArgumentError);
        expect(() => createModel('resnet18-reduced', { inputShape: [8, 8, 3], numClasses: 2, pooling: 'max' as never })).toThrow(/pooling/);
        expect(() => createModel('tinynet', { inputShape: [8, 8, 3], numClasses: 2, seed: -1 })).toThrow(/seed/);
        expect(() => createModelFromDescriptor({ format: 'retain.model', version: 2, zoo: 'mlp', options: {}, heads: [] })).toThrow(/version/);
      });
    });

    it('record every default in the descriptor', () => {
      withLeakCheckSync(() => {
        const net = createModel('resnet18-reduced', { inputShape: [8, 8, 3], classesPerTask: [2] });
        expect(net.descriptor()).toEqual({
          format: 'retain.model',
          version: 1,
          zoo: 'resnet18-reduced',
          options: {
            inputShape: [8, 8, 3],
            multiHead: true,
            seed: 0,
            init: 'glorot',
            baseFilters: 20,
            stemStride: 1,
            pooling: 'global',
            bias: false,
            batchNorm: 'per-task',
            batchNormAffine: true,
            trackRunningStats: true,
          },
          heads: [{ taskId: 0, classes: 2 }],
        });
        net.dispose();
      });
    });
  });
});
