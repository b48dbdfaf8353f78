import type { ScenarioKind } from '../scenarios/types.js';

/** The preset names {@link createScenario} accepts. */
export const PRESET_NAMES = ['pmnist-10', 'pfmnist-10', 'rfmnist-10', 'sfmnist-5', 'scifar100-10', 'cifar10-5', '5-datasets'] as const;

/** A preset name. */
export type PresetName = (typeof PRESET_NAMES)[number];

/** What a preset is: its data, its builder and the paper convention it follows. */
export interface PresetInfo {
  /** Registry names of the datasets it reads. */
  readonly datasets: readonly string[];
  /** Scenario builder. */
  readonly builder: 'permuted' | 'rotated' | 'split' | 'multi-dataset';
  /** Default number of tasks. */
  readonly tasks: number;
  /** Default kind. */
  readonly kind: ScenarioKind;
  /** Kinds it may be built as. */
  readonly kinds: readonly ScenarioKind[];
  /** Whether the embedded Fashion-MNIST subset may stand in for the full data. */
  readonly embeddable: boolean;
  /** The convention followed, with its source. */
  readonly convention: string;
}

const SHARED: readonly ScenarioKind[] = ['task-incremental', 'domain-incremental'];
const ALL: readonly ScenarioKind[] = ['task-incremental', 'class-incremental', 'domain-incremental'];

/** Every preset, with the paper convention it follows. */
export const PRESETS: Readonly<Record<PresetName, PresetInfo>> = {
  'pmnist-10': {
    datasets: ['mnist'],
    builder: 'permuted',
    tasks: 10,
    kind: 'task-incremental',
    kinds: SHARED,
    embeddable: false,
    convention:
      'Permuted MNIST (Goodfellow et al. 2013; Kirkpatrick et al. 2017): 10 tasks, each a fixed random permutation of the 784 pixels ' +
      '(every task permuted; firstTaskUnpermuted gives the variant with the original images first), the 10 digit classes shared, ' +
      'full 60,000/10,000 splits. Task-incremental (task id given, one head per task) as in PackNet, WSN and Ada-QPacknet.',
  },
  'pfmnist-10': {
    datasets: ['fashion-mnist'],
    builder: 'permuted',
    tasks: 10,
    kind: 'task-incremental',
    kinds: SHARED,
    embeddable: true,
    convention: 'Permuted Fashion-MNIST: the permuted-MNIST protocol of pmnist-10 applied to Fashion-MNIST (Xiao et al. 2017).',
  },
  'rfmnist-10': {
    datasets: ['fashion-mnist'],
    builder: 'rotated',
    tasks: 10,
    kind: 'task-incremental',
    kinds: SHARED,
    embeddable: true,
    convention:
      'Rotated Fashion-MNIST: 10 tasks, task t rotates every image by t x 18 degrees (0 to 162, evenly spaced over the [0, 180) ' +
      'range of rotated MNIST in GEM, Lopez-Paz and Ranzato 2017, which drew its angles at random), nearest neighbour, zero fill. ' +
      'The even spacing is ours; pass angles to change it.',
  },
  'sfmnist-5': {
    datasets: ['fashion-mnist'],
    builder: 'split',
    tasks: 5,
    kind: 'task-incremental',
    kinds: ALL,
    embeddable: true,
    convention:
      'Split Fashion-MNIST: the split-MNIST protocol (Zenke et al. 2017; van de Ven and Tolias 2019) on Fashion-MNIST: 5 tasks of ' +
      'the class pairs {0,1}, {2,3}, {4,5}, {6,7}, {8,9} in label order. task-incremental: labels 0/1 within each task, one head ' +
      'per task; class-incremental: global labels 0-9, no task id at test.',
  },
  'scifar100-10': {
    datasets: ['cifar100'],
    builder: 'split',
    tasks: 10,
    kind: 'task-incremental',
    kinds: ALL,
    embeddable: false,
    convention:
      'Split CIFAR-100 (as in HAT, Serra et al. 2018, and WSN, Kang et al. 2022): 10 tasks of 10 fine classes each, classes dealt ' +
      'in label order (0-9, 10-19, ...); classOrder: "shuffled" gives a seeded order. Task-incremental, labels 0-9 within each task.',
  },
  'cifar10-5': {
    datasets: ['cifar10'],
    builder: 'split',
    tasks: 5,
    kind: 'task-incremental',
    kinds: ALL,
    embeddable: false,
    convention: 'Split CIFAR-10: 5 tasks of 2 classes in label order ({airplane, automobile}, {bird, cat}, ...), task-incremental by default.',
  },
  '5-datasets': {
    datasets: ['cifar10', 'mnist', 'svhn', 'notmnist', 'fashion-mnist'],
    builder: 'multi-dataset',
    tasks: 5,
    kind: 'task-incremental',
    kinds: ['task-incremental', 'class-incremental'],
    embeddable: false,
    convention:
      '5-datasets (Ebrahimi et al. 2020; GPM, Saha et al. 2021): one 10-class task per dataset, CIFAR-10, MNIST, SVHN, notMNIST, ' +
      'Fashion-MNIST, all brought to 32x32x3 (the 28x28 grey sets padded by 2 pixels and replicated to RGB). Task-incremental. ' +
      'SVHN (.mat) and notMNIST (PNG folders) are not read by this package: provide them as retain image folders named svhn and notmnist.',
  },
};
