import { formatConsoleReport, type RunResults } from '@retain/evaluation';
import type { ProgressEvent } from '@retain/strategies';
import { formatSeconds, type ExperienceHeading, type ProgressView } from './progress-view.js';

/** Batch lines per epoch in plain mode (ours: enough to see it move, few enough for a log file). */
export const PLAIN_BATCH_LINES_PER_EPOCH = 4;

/**
 * Progress as plain lines, for logs and pipes (stdout not a terminal): a
 * line per experience, phase, epoch end and note, and a few batch lines per
 * epoch with samples/s and ETA; the console table after each experience.
 */
export class PlainView implements ProgressView {
  readonly #write: (text: string) => void;
  #heading: ExperienceHeading | undefined;

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  #prefix(): string {
    const h = this.#heading;
    return h === undefined ? '' : `[experience ${h.index + 1}/${h.total}] `;
  }

  experienceStarted(heading: ExperienceHeading): void {
    this.#heading = heading;
    this.#write(`experience ${heading.index + 1}/${heading.total} (task ${heading.taskId}, ${heading.description}): training\n`);
  }

  event(event: ProgressEvent): void {
    const p = this.#prefix();
    switch (event.type) {
      case 'phase-start':
        this.#write(`${p}${event.phase}: ${event.epochs} epoch(s) x ${event.batchesPerEpoch} batches (${event.samplesPerEpoch} samples per epoch)\n`);
        break;
      case 'batch': {
        const every = Math.max(1, Math.ceil(event.batches / PLAIN_BATCH_LINES_PER_EPOCH));
        const n = event.batch + 1;
        if (n % every === 0 && n !== event.batches) {
          this.#write(
            `${p}${event.phase} epoch ${event.epoch + 1}/${event.epochs} batch ${n}/${event.batches}: loss ${event.loss.toFixed(4)}, ` +
              `${event.samplesPerSecond.toFixed(0)} samples/s, ETA ${formatSeconds(event.etaSeconds)}\n`,
          );
        }
        break;
      }
      case 'epoch-end': {
        const validation = event.validationAccuracy === undefined ? '' : `, validation accuracy ${event.validationAccuracy.toFixed(4)}`;
        this.#write(`${p}${event.phase} epoch ${event.epoch + 1}/${event.epochs}: loss ${event.loss.toFixed(4)}${validation}, ${event.seconds.toFixed(1)} s\n`);
        break;
      }
      case 'phase-end':
        if (event.stopReason !== undefined) this.#write(`${p}${event.phase} stopped after ${event.epochsRun} epoch(s): ${event.stopReason}\n`);
        break;
      case 'note':
        this.#write(`${p}${event.phase}: ${event.message}\n`);
        break;
    }
  }

  experienceEnded(results: RunResults): void {
    this.#write(formatConsoleReport(results));
  }

  message(line: string): void {
    this.#write(`${line}\n`);
  }

  stop(): void {}
}
