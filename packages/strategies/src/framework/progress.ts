/** Where in training a progress event comes from. */
export interface ProgressPosition {
  /** Experience index in the scenario. */
  readonly experience: number;
  /** Task id of the experience. */
  readonly taskId: number;
  /** The strategy's phase, for example `train`, `retrain` (PackNet after pruning), `joint`. */
  readonly phase: string;
}

/** Progress of training, for a runner to show. Numbers are measured, never estimated from a model. */
export type ProgressEvent =
  | (ProgressPosition & {
      readonly type: 'phase-start';
      /** Epochs planned in this phase. */
      readonly epochs: number;
      /** Batches per epoch. */
      readonly batchesPerEpoch: number;
      /** Training samples per epoch. */
      readonly samplesPerEpoch: number;
    })
  | (ProgressPosition & {
      readonly type: 'batch';
      /** 0-based epoch. */
      readonly epoch: number;
      readonly epochs: number;
      /** 0-based batch in the epoch. */
      readonly batch: number;
      readonly batches: number;
      /** Loss of this batch (task loss plus plugin penalties). */
      readonly loss: number;
      /** Samples per second since the phase started. */
      readonly samplesPerSecond: number;
      /** Seconds left in the phase at that rate (validation passes not counted). */
      readonly etaSeconds: number;
    })
  | (ProgressPosition & {
      readonly type: 'epoch-end';
      readonly epoch: number;
      readonly epochs: number;
      /** Mean training loss over the epoch. */
      readonly loss: number;
      /** Validation loss and accuracy when a validation split is used. */
      readonly validationLoss?: number;
      readonly validationAccuracy?: number;
      /** Learning rate used in this epoch. */
      readonly learningRate: number;
      /** Seconds this epoch took. */
      readonly seconds: number;
    })
  | (ProgressPosition & {
      readonly type: 'phase-end';
      /** Epochs run (fewer than planned after an early stop). */
      readonly epochsRun: number;
      /** Why the phase ended early, if it did. */
      readonly stopReason?: string;
      readonly seconds: number;
    })
  | (ProgressPosition & {
      /** A strategy step that is not a training epoch (pruning, mask selection, ...). */
      readonly type: 'note';
      readonly message: string;
    });

/** Receives progress events; must not throw. */
export type ProgressSink = (event: ProgressEvent) => void;

/** Measures throughput and remaining time of a phase from wall-clock time. */
export class ThroughputMeter {
  private readonly start = performance.now();
  private samples = 0;
  private readonly totalSamples: number;

  /** @param totalSamples samples the phase will process in all (epochs x samples per epoch). */
  constructor(totalSamples: number) {
    this.totalSamples = totalSamples;
  }

  /** Records `n` processed samples. */
  add(n: number): void {
    this.samples += n;
  }

  /** Seconds since construction. */
  get seconds(): number {
    return (performance.now() - this.start) / 1000;
  }

  /** Samples per second so far (0 before any time passed). */
  get samplesPerSecond(): number {
    const s = this.seconds;
    return s > 0 ? this.samples / s : 0;
  }

  /** Seconds left at the current rate (0 when done or no rate yet). */
  get etaSeconds(): number {
    const rate = this.samplesPerSecond;
    return rate > 0 ? Math.max(0, this.totalSamples - this.samples) / rate : 0;
  }
}
