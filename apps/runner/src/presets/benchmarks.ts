import type { RunConfigInput } from '../config/schema.js';

/** A benchmark of the preset catalog: the scenario, the network and the training budget every method shares. */
export interface BenchmarkPreset {
  /** Suffix of the preset names, e.g. `pfmnist-10` in `packnet-pfmnist-10`. */
  readonly name: string;
  /** One line for `retain presets`. */
  readonly description: string;
  /** True for the paper-scale presets (full data and budgets; for a GPU or a lot of patience). */
  readonly paperScale: boolean;
  /** Number of tasks (decides PackNet's equal shares). */
  readonly tasks: number;
  readonly backend: NonNullable<RunConfigInput['backend']>;
  readonly scenario: RunConfigInput['scenario'];
  readonly model: RunConfigInput['model'];
  readonly training: NonNullable<RunConfigInput['training']>;
  /** BLIP's plain-SGD learning rate on this benchmark (BLIP trains with SGD; the others with the Adam above). */
  readonly blipLearningRate: number;
}

const ADAM_1E3 = { kind: 'adam', learningRate: 1e-3 } as const;

/**
 * The benchmarks. Paper values: MLP 784-100-100 with per-task heads, Adam lr
 * 1e-3 (WSN, Ada-QPacknet on permuted MNIST); WSN's permuted-MNIST budget of 5
 * epochs at batch 10; AlexNet-like CNN, 200 epochs, batch 64 on split
 * CIFAR-100 (WSN); reduced ResNet-18 on 5-datasets (GPM, Ada-QPacknet), 100
 * epochs at batch 64 (GPM's epochs); BLIP's SGD lr 0.01 for MLPs and 0.05 for
 * CNNs. Ours, to run on 2 CPU cores in minutes: 1 epoch at batch 64 on the
 * full pfmnist-10 (60,000 images per task), 2 epochs on sfmnist-5 (12,000 per
 * task), and BLIP's lr 0.05 on the MLP (with 1 epoch instead of BLIP's 200,
 * 0.01 barely moves the weights). The wasm backend everywhere on CPU;
 * `auto` (tensorflow / tensorflow-gpu when installed) for the paper scale.
 */
export const BENCHMARKS: readonly BenchmarkPreset[] = [
  {
    name: 'pfmnist-10',
    description: 'permuted Fashion-MNIST, 10 tasks, task-incremental, MLP 784-100-100 per-task heads, 1 epoch (CPU scale)',
    paperScale: false,
    tasks: 10,
    backend: 'wasm',
    scenario: { preset: 'pfmnist-10', kind: 'task-incremental' },
    model: { architecture: 'mlp', hiddenSizes: [100, 100] },
    training: { epochs: 1, batchSize: 64, optimizer: ADAM_1E3 },
    blipLearningRate: 0.05,
  },
  {
    name: 'sfmnist-5-til',
    description: 'split Fashion-MNIST, 5 tasks of 2 classes, task-incremental, MLP 784-100-100 per-task heads, 2 epochs (CPU scale)',
    paperScale: false,
    tasks: 5,
    backend: 'wasm',
    scenario: { preset: 'sfmnist-5', kind: 'task-incremental' },
    model: { architecture: 'mlp', hiddenSizes: [100, 100] },
    training: { epochs: 2, batchSize: 64, optimizer: ADAM_1E3 },
    blipLearningRate: 0.05,
  },
  {
    name: 'sfmnist-5-cil',
    description: 'split Fashion-MNIST, 5 tasks, class-incremental (no task id at test), MLP 784-100-100, 2 epochs (CPU scale)',
    paperScale: false,
    tasks: 5,
    backend: 'wasm',
    scenario: { preset: 'sfmnist-5', kind: 'class-incremental' },
    model: { architecture: 'mlp', hiddenSizes: [100, 100] },
    training: { epochs: 2, batchSize: 64, optimizer: ADAM_1E3 },
    blipLearningRate: 0.05,
  },
  {
    name: 'pmnist-10',
    description: 'permuted MNIST, 10 tasks, MLP 784-100-100, 5 epochs at batch 10 (paper scale: needs MNIST)',
    paperScale: true,
    tasks: 10,
    backend: 'auto',
    scenario: { preset: 'pmnist-10', kind: 'task-incremental' },
    model: { architecture: 'mlp', hiddenSizes: [100, 100] },
    training: { epochs: 5, batchSize: 10, optimizer: ADAM_1E3 },
    blipLearningRate: 0.01,
  },
  {
    name: 'scifar100-10',
    description: 'split CIFAR-100, 10 tasks of 10 classes, alexnet-cl, 200 epochs at batch 64 (paper scale: needs CIFAR-100 and a GPU)',
    paperScale: true,
    tasks: 10,
    backend: 'auto',
    scenario: { preset: 'scifar100-10', kind: 'task-incremental' },
    model: { architecture: 'alexnet-cl' },
    training: { epochs: 200, batchSize: 64, optimizer: ADAM_1E3 },
    blipLearningRate: 0.05,
  },
  {
    name: '5-datasets',
    description: '5-datasets (CIFAR-10, MNIST, SVHN, notMNIST, Fashion-MNIST), resnet18-reduced, 100 epochs (paper scale: needs the data and a GPU)',
    paperScale: true,
    tasks: 5,
    backend: 'auto',
    scenario: { preset: '5-datasets', kind: 'task-incremental' },
    model: { architecture: 'resnet18-reduced' },
    training: { epochs: 100, batchSize: 64, optimizer: ADAM_1E3 },
    blipLearningRate: 0.05,
  },
];
