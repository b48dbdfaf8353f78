import { performance } from 'node:perf_hooks';
import { InvalidArgumentError, RetainError, tf } from '@retain/core';

/** Time, throughput and memory of one experience. Machine-dependent: lives under `timing`. */
export interface ExperienceTiming {
  /** Index of the experience. */
  readonly experience: number;
  /** Wall time of training, in seconds. */
  readonly trainSeconds: number;
  /** Wall time from the end of training to the end of the experience (evaluation), in seconds. */
  readonly evalSeconds: number;
  /** Training samples processed (summed over epochs). */
  readonly samples: number;
  /** `samples / trainSeconds`; null when no time elapsed. */
  readonly samplesPerSecond: number | null;
  /** Highest resident set size sampled during the experience, in bytes. */
  readonly peakRssBytes: number;
  /** `tf.memory().numTensors` at the end of the experience. */
  readonly tfNumTensors: number;
  /** `tf.memory().numBytes` at the end of the experience. */
  readonly tfNumBytes: number;
  /** Highest `tf.memory().numBytes` sampled during the experience. */
  readonly tfPeakNumBytes: number;
}

/** Resource use of a whole run. Machine-dependent: lives under `timing`. */
export interface RunTiming {
  /** One entry per finished experience, in the order they ran. */
  readonly experiences: readonly ExperienceTiming[];
  /** Wall time from the monitor's creation to the last finished experience, in seconds. */
  readonly totalSeconds: number;
  /** Peak RSS of the whole process so far (`process.resourceUsage().maxRSS`), in bytes. */
  readonly processPeakRssBytes: number;
}

/** Where a {@link ResourceMonitor} reads time and memory; replaceable in tests. */
export interface ResourceProbes {
  /** Milliseconds from an arbitrary origin (default `performance.now`). */
  readonly now: () => number;
  /** Current resident set size in bytes (default `process.memoryUsage.rss`). */
  readonly rss: () => number;
  /** Peak RSS of the process in bytes (default `process.resourceUsage().maxRSS * 1024`). */
  readonly processPeakRss: () => number;
  /** Live tfjs tensors and bytes (default `tf.memory()`). */
  readonly tfMemory: () => { numTensors: number; numBytes: number };
}

/** Options of {@link ResourceMonitor}. */
export interface ResourceMonitorOptions {
  /**
   * Also sample memory on a timer every `intervalMs` milliseconds while an
   * experience runs (the timer is unref'd and only fires when the event loop
   * is free, e.g. between awaited batches); 0 turns it off. Default 100 (ours).
   */
  readonly intervalMs?: number;
  /** Replacement probes (tests). */
  readonly probes?: Partial<ResourceProbes>;
}

/** {@link ResourceMonitor} was called out of order (e.g. endTraining before beginExperience). */
export class MonitorStateError extends RetainError {
  constructor(message: string) {
    super('ERR_MONITOR_STATE', message);
  }
}

const defaultProbes: ResourceProbes = {
  now: () => performance.now(),
  rss: () => process.memoryUsage.rss(),
  processPeakRss: () => process.resourceUsage().maxRSS * 1024,
  tfMemory: () => {
    const memory = tf.memory();
    return { numTensors: memory.numTensors, numBytes: memory.numBytes };
  },
};

interface Current {
  experience: number;
  started: number;
  trainEnded: number | undefined;
  samples: number;
  peakRss: number;
  peakTfBytes: number;
}

/**
 * Measures wall time per experience, training throughput, peak RSS and tfjs
 * memory. Use: `beginExperience(i)`, train (calling `sample()` from batch
 * hooks if you like), `endTraining(samples)`, evaluate, `endExperience()`;
 * `timing()` gives the run's {@link RunTiming}. Call `dispose()` if a run is
 * abandoned mid-experience, to stop the sampling timer.
 */
export class ResourceMonitor {
  readonly #probes: ResourceProbes;
  readonly #intervalMs: number;
  readonly #created: number;
  readonly #finished: ExperienceTiming[] = [];
  #current: Current | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastEnd: number;

  constructor(options: ResourceMonitorOptions = {}) {
    const intervalMs = options.intervalMs ?? 100;
    if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new InvalidArgumentError('intervalMs', intervalMs, 'a number >= 0');
    this.#probes = { ...defaultProbes, ...options.probes };
    this.#intervalMs = intervalMs;
    this.#created = this.#probes.now();
    this.#lastEnd = this.#created;
  }

  /** Starts timing experience `experience`. */
  beginExperience(experience: number): void {
    if (this.#current !== undefined) {
      throw new MonitorStateError(`beginExperience(${experience}): experience ${this.#current.experience} has not ended`);
    }
    if (!Number.isInteger(experience) || experience < 0) throw new InvalidArgumentError('experience', experience, 'a non-negative integer');
    this.#current = { experience, started: this.#probes.now(), trainEnded: undefined, samples: 0, peakRss: 0, peakTfBytes: 0 };
    this.sample();
    if (this.#intervalMs > 0) {
      this.#timer = setInterval(() => this.sample(), this.#intervalMs);
      this.#timer.unref();
    }
  }

  /** Samples RSS and tfjs bytes now, keeping the peaks of the current experience. No-op between experiences. */
  sample(): void {
    const current = this.#current;
    if (current === undefined) return;
    current.peakRss = Math.max(current.peakRss, this.#probes.rss());
    current.peakTfBytes = Math.max(current.peakTfBytes, this.#probes.tfMemory().numBytes);
  }

  /** Marks the end of training for the current experience, after `samples` training samples. */
  endTraining(samples: number): void {
    const current = this.#current;
    if (current === undefined) throw new MonitorStateError('endTraining: no experience has begun');
    if (current.trainEnded !== undefined) throw new MonitorStateError(`endTraining: experience ${current.experience} already ended training`);
    if (!Number.isInteger(samples) || samples < 0) throw new InvalidArgumentError('samples', samples, 'a non-negative integer');
    this.sample();
    current.trainEnded = this.#probes.now();
    current.samples = samples;
  }

  /** Ends the current experience (after its evaluation) and returns its measurements. */
  endExperience(): ExperienceTiming {
    const current = this.#current;
    if (current === undefined) throw new MonitorStateError('endExperience: no experience has begun');
    if (current.trainEnded === undefined) throw new MonitorStateError(`endExperience: call endTraining for experience ${current.experience} first`);
    this.sample();
    this.#stopTimer();
    const ended = this.#probes.now();
    const memory = this.#probes.tfMemory();
    const trainSeconds = (current.trainEnded - current.started) / 1000;
    const timing: ExperienceTiming = {
      experience: current.experience,
      trainSeconds,
      evalSeconds: (ended - current.trainEnded) / 1000,
      samples: current.samples,
      samplesPerSecond: trainSeconds > 0 ? current.samples / trainSeconds : null,
      peakRssBytes: current.peakRss,
      tfNumTensors: memory.numTensors,
      tfNumBytes: memory.numBytes,
      tfPeakNumBytes: current.peakTfBytes,
    };
    this.#finished.push(timing);
    this.#current = undefined;
    this.#lastEnd = ended;
    return timing;
  }

  /** Measurements of the finished experiences and the run so far. */
  timing(): RunTiming {
    return {
      experiences: [...this.#finished],
      totalSeconds: (this.#lastEnd - this.#created) / 1000,
      processPeakRssBytes: this.#probes.processPeakRss(),
    };
  }

  /** Stops the sampling timer and drops an unfinished experience. */
  dispose(): void {
    this.#stopTimer();
    this.#current = undefined;
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
