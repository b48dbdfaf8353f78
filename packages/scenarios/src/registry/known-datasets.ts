import {
  CIFAR10_CLASSES,
  CIFAR100_COARSE_CLASSES,
  CIFAR100_FINE_CLASSES,
  EMNIST_SPLIT_CLASSES,
  FASHION_MNIST_CLASSES,
  KMNIST_CLASSES,
  MNIST_CLASSES,
} from '../datasets/class-names.js';

/**
 * A file a dataset needs, with the checksums that identify it. Checksums are
 * hex strings; every SHA-256 here is published (see each dataset's
 * `checksumSource`) or, for `contentSha256`, derived as documented there.
 */
export interface KnownFile {
  /** File name in the dataset's directory (and, for plain downloads, in the mirror). */
  readonly name: string;
  /** Other names accepted in a local directory (e.g. the decompressed copy without .gz). */
  readonly alternateNames?: readonly string[];
  /** SHA-256 of the file exactly as the official mirror serves it. */
  readonly sha256?: string;
  /** SHA-256 of the decompressed content, which identifies re-compressed or decompressed copies. */
  readonly contentSha256?: string;
  /** The MD5 the dataset's authors publish (reference only; SHA-256 is what is checked). */
  readonly md5?: string;
  /** Size in bytes as served. */
  readonly bytes?: number;
}

/** How a dataset's files are fetched when no local copy exists. */
export type DownloadSpec =
  | {
      /** Each file is fetched as `<mirror><file name>`, tried mirror by mirror. */
      readonly kind: 'files';
      readonly mirrors: readonly string[];
    }
  | {
      /** One archive (tar.gz or zip) at one of `urls`, from which `members` are extracted. */
      readonly kind: 'tar.gz' | 'zip';
      readonly urls: readonly string[];
      readonly archive: KnownFile;
      /** Archive member path -> local file name. */
      readonly members: Readonly<Record<string, string>>;
    }
  | {
      /** No download: the user provides the files (the message says how). */
      readonly kind: 'none';
      readonly reason: string;
    };

/** How the files of a dataset are read once found. */
export type DatasetFormat =
  | { readonly kind: 'idx'; readonly trainImages: string; readonly trainLabels: string; readonly testImages: string; readonly testLabels: string; readonly transpose?: boolean; readonly labelOffset?: number }
  | { readonly kind: 'cifar'; readonly train: readonly string[]; readonly test: readonly string[]; readonly labels: 'cifar10' | 'fine' | 'coarse'; readonly namesFile: string }
  | { readonly kind: 'image-folder' };

/** A dataset the registry knows: files, checksums, mirrors, where systems install it. */
export interface KnownDataset {
  /** Registry name, also the sub-directory name under data and cache directories. */
  readonly name: string;
  /** Full title and citation. */
  readonly title: string;
  /** License of the data. */
  readonly license: string;
  /** Class names by label. */
  readonly classNames: readonly string[];
  /** Image shape [H, W, C]. */
  readonly shape: readonly [number, number, number];
  /** Files that must be present (for 'image-folder', the manifest only). */
  readonly files: readonly KnownFile[];
  /** How the files are read. */
  readonly format: DatasetFormat;
  /** How to fetch them. */
  readonly download: DownloadSpec;
  /** Directories where operating-system packages install the files. */
  readonly systemDirs: readonly string[];
  /** Where the checksums in `files` come from. */
  readonly checksumSource: string;
  /** An extra hint for the "how to provide it" part of a not-found error. */
  readonly provideHint?: string;
}

const TFDS = 'SHA-256 and sizes: TensorFlow Datasets url_checksums (computed by TFDS from the official mirrors)';

function idxFiles(
  digests: Readonly<Record<'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', { sha256: string; bytes: number; md5?: string; contentSha256?: string }>>,
  prefix = '',
): KnownFile[] {
  const names = {
    trainImages: `${prefix}train-images-idx3-ubyte.gz`,
    trainLabels: `${prefix}train-labels-idx1-ubyte.gz`,
    testImages: `${prefix}t10k-images-idx3-ubyte.gz`,
    testLabels: `${prefix}t10k-labels-idx1-ubyte.gz`,
  };
  return (Object.keys(names) as (keyof typeof names)[]).map((k) => ({
    name: names[k],
    alternateNames: [names[k].replace(/\.gz$/, '')],
    ...digests[k],
  }));
}

const IDX_FORMAT = {
  kind: 'idx',
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

const MNIST: KnownDataset = {
  name: 'mnist',
  title: 'MNIST handwritten digits (LeCun, Cortes and Burges, 1998)',
  license: 'no explicit licence on the original page (yann.lecun.com/exdb/mnist); cite LeCun et al. 1998',
  classNames: MNIST_CLASSES,
  shape: [28, 28, 1],
  files: idxFiles({
    trainImages: { sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609', bytes: 9912422, md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' },
    trainLabels: { sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c', bytes: 28881, md5: 'd53e105ee54ea40749a09fcbcd1e9432' },
    testImages: { sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6', bytes: 1648877, md5: '9fb629c4189551a2d022fa330f9573f3' },
    testLabels: { sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6', bytes: 4542, md5: 'ec29112dd5afa0611ce80d1b7f02629c' },
  }),
  format: IDX_FORMAT,
  download: {
    kind: 'files',
    mirrors: ['https://storage.googleapis.com/cvdf-datasets/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://yann.lecun.com/exdb/mnist/'],
  },
  systemDirs: [],
  checksumSource: `${TFDS}; MD5: torchvision's MNIST resources`,
};

const FASHION_MNIST: KnownDataset = {
  name: 'fashion-mnist',
  title: 'Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017, arXiv:1708.07747), Zalando Research',
  license: 'MIT',
  classNames: FASHION_MNIST_CLASSES,
  shape: [28, 28, 1],
  files: idxFiles({
    trainImages: {
      sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
      bytes: 26421880,
      md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      contentSha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    },
    trainLabels: {
      sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
      bytes: 29515,
      md5: '25c81989df183df01b3e8a0aad5dffbe',
      contentSha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    },
    testImages: {
      sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
      bytes: 4422102,
      md5: 'bef4ecab320f06d8554ea6380940ec79',
      contentSha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    },
    testLabels: {
      sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
      bytes: 5148,
      md5: 'bb300cfdad3c16e7a12a480ee83cd310',
      contentSha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
    },
  }),
  format: IDX_FORMAT,
  download: { kind: 'files', mirrors: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'] },
  systemDirs: ['/usr/share/datasets/fashion-mnist'],
  checksumSource:
    `${TFDS}; MD5: the Fashion-MNIST README. contentSha256 (of the decompressed IDX) was computed from Debian's ` +
    'dataset-fashion-mnist 0.0~git20200523.55506a9-1, whose .gz files hold the upstream deflate streams with the gzip ' +
    'header rewritten (name and mtime stripped): restoring the upstream header (FNAME, mtime 2017-08-31) reproduces the ' +
    'published MD5 and the SHA-256 above byte for byte, so the decompressed content is the upstream content.',
  provideHint: "on Debian/Ubuntu, 'apt-get install dataset-fashion-mnist' installs it in /usr/share/datasets/fashion-mnist",
};

const KMNIST: KnownDataset = {
  name: 'kmnist',
  title: 'Kuzushiji-MNIST (Clanuwat et al., 2018, arXiv:1812.01718), ROIS-DS CODH',
  license: 'CC BY-SA 4.0',
  classNames: KMNIST_CLASSES,
  shape: [28, 28, 1],
  files: idxFiles({
    trainImages: { sha256: '51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4', bytes: 18165135 },
    trainLabels: { sha256: 'e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17', bytes: 29497 },
    testImages: { sha256: 'edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5', bytes: 3041136 },
    testLabels: { sha256: '20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c', bytes: 5120 },
  }),
  format: IDX_FORMAT,
  download: { kind: 'files', mirrors: ['http://codh.rois.ac.jp/kmnist/dataset/kmnist/'] },
  systemDirs: [],
  checksumSource: TFDS,
};

const CIFAR10: KnownDataset = {
  name: 'cifar10',
  title: 'CIFAR-10 binary version (Krizhevsky, 2009, "Learning Multiple Layers of Features from Tiny Images")',
  license: 'no explicit licence; cite the technical report',
  classNames: CIFAR10_CLASSES,
  shape: [32, 32, 3],
  files: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'].map((name) => ({ name })),
  format: {
    kind: 'cifar',
    train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
    test: ['test_batch.bin'],
    labels: 'cifar10',
    namesFile: 'batches.meta.txt',
  },
  download: {
    kind: 'tar.gz',
    urls: ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'],
    archive: {
      name: 'cifar-10-binary.tar.gz',
      sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
      bytes: 170052171,
      md5: 'c32a1d4ab5d03f1284b67883e8d87530',
    },
    members: Object.fromEntries(
      ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin', 'batches.meta.txt'].map((f) => [
        `cifar-10-batches-bin/${f}`,
        f,
      ]),
    ),
  },
  systemDirs: [],
  checksumSource: `${TFDS}; MD5: the CIFAR page. Members extracted from a verified archive are recorded with their SHA-256 in the cache's retain-verified.json`,
};

function cifar100(labels: 'fine' | 'coarse'): KnownDataset {
  return {
    name: labels === 'fine' ? 'cifar100' : 'cifar100-coarse',
    title: `CIFAR-100 binary version, ${labels} labels (Krizhevsky, 2009)`,
    license: 'no explicit licence; cite the technical report',
    classNames: labels === 'fine' ? CIFAR100_FINE_CLASSES : CIFAR100_COARSE_CLASSES,
    shape: [32, 32, 3],
    files: [{ name: 'train.bin' }, { name: 'test.bin' }],
    format: { kind: 'cifar', train: ['train.bin'], test: ['test.bin'], labels, namesFile: `${labels}_label_names.txt` },
    download: {
      kind: 'tar.gz',
      urls: ['https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz'],
      archive: {
        name: 'cifar-100-binary.tar.gz',
        sha256: '58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec',
        bytes: 168513733,
        md5: '03b5dce01913d631647c71ecec9e9cb8',
      },
      members: Object.fromEntries(['train.bin', 'test.bin', 'fine_label_names.txt', 'coarse_label_names.txt'].map((f) => [`cifar-100-binary/${f}`, f])),
    },
    systemDirs: [],
    checksumSource: CIFAR10.checksumSource,
  };
}

/** The EMNIST splits (Cohen, Afshar, Tapson and van Schaik, 2017). */
export const EMNIST_SPLITS = ['balanced', 'byclass', 'bymerge', 'digits', 'letters', 'mnist'] as const;

function emnist(split: (typeof EMNIST_SPLITS)[number]): KnownDataset {
  const prefix = `emnist-${split}-`;
  const files = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map((f) => ({
    name: `${prefix}${f}`,
    alternateNames: [`${prefix}${f}`.replace(/\.gz$/, '')],
  }));
  return {
    name: `emnist-${split}`,
    title: `EMNIST ${split} (Cohen et al., 2017, arXiv:1702.05373), NIST`,
    license: 'NIST public data (see the EMNIST page)',
    classNames: EMNIST_SPLIT_CLASSES[split] ?? [],
    shape: [28, 28, 1],
    files,
    format: {
      kind: 'idx',
      trainImages: `${prefix}train-images-idx3-ubyte.gz`,
      trainLabels: `${prefix}train-labels-idx1-ubyte.gz`,
      testImages: `${prefix}t10k-images-idx3-ubyte.gz`,
      testLabels: `${prefix}t10k-labels-idx1-ubyte.gz`,
      transpose: true,
      labelOffset: split === 'letters' ? 1 : 0,
    },
    download: {
      kind: 'zip',
      urls: ['https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip', 'https://www.itl.nist.gov/iaui/vip/cs_links/EMNIST/gzip.zip'],
      archive: { name: 'emnist-gzip.zip', sha256: 'fb9bb67e33772a9cc0b895e4ecf36d2cf35be8b709693c3564cea2a019fcda8e', bytes: 561753746 },
      members: Object.fromEntries(files.map((f) => [`gzip/${f.name}`, f.name])),
    },
    systemDirs: [],
    checksumSource: `${TFDS} (the archive); members extracted from a verified archive are recorded in retain-verified.json`,
  };
}

function userFolder(name: string, title: string, why: string): KnownDataset {
  return {
    name,
    title,
    license: 'see the dataset authors',
    classNames: [],
    shape: [0, 0, 0],
    files: [{ name: 'manifest.json' }],
    format: { kind: 'image-folder' },
    download: { kind: 'none', reason: why },
    systemDirs: [],
    checksumSource: 'none: a user-provided retain image folder',
    provideHint: `convert it to a retain image folder (manifest.json + .npy files, see the @retain/scenarios README) in <dataDir>/${name}/ or $RETAIN_DATA_DIR/${name}/`,
  };
}

/** Every dataset the registry knows, by name. */
export const KNOWN_DATASETS: Readonly<Record<string, KnownDataset>> = Object.fromEntries(
  [
    MNIST,
    FASHION_MNIST,
    KMNIST,
    CIFAR10,
    cifar100('fine'),
    cifar100('coarse'),
    ...EMNIST_SPLITS.map(emnist),
    userFolder('svhn', 'SVHN cropped digits (Netzer et al., 2011)', 'SVHN is distributed as MATLAB .mat files, which this package does not read'),
    userFolder('notmnist', 'notMNIST (Bulatov, 2011)', 'notMNIST is distributed as folders of PNG files, which this package does not read'),
  ].map((d) => [d.name, d]),
);
