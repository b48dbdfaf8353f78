import cliProgress from 'cli-progress';
import { formatConsoleReport, type RunResults } from '@retain/evaluation';
import type { ProgressEvent } from '@retain/strategies';
import { formatSeconds, type ExperienceHeading, type ProgressView } from './progress-view.js';

const FORMAT = 'exp {experience}/{experiences} {phase} epoch {epoch}/{epochs} [{bar}] batch {value}/{total} | {rate} samples/s | ETA {eta_text} | loss {loss}';

/**
 * Progress bars on a terminal (cli-progress): one bar per epoch showing the
 * experience, phase, epoch, batch, samples/s, ETA and loss; the bar is
 * stopped before each console table and message so they print cleanly.
 */
export class TerminalView implements ProgressView {
  readonly #stream: NodeJS.WriteStream;
  #bar: cliProgress.SingleBar | undefined;
  #heading: ExperienceHeading | undefined;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  #stopBar(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }

  experienceStarted(heading: ExperienceHeading): void {
    this.#stopBar();
    this.#heading = heading;
    this.#stream.write(`experience ${heading.index + 1}/${heading.total} (task ${heading.taskId}, ${heading.description})\n`);
  }

  event(event: ProgressEvent): void {
    const h = this.#heading;
    const where = { experience: (h?.index ?? 0) + 1, experiences: h?.total ?? 0, phase: event.phase };
    if (event.type === 'batch') {
      const payload = { ...where, epoch: event.epoch + 1, epochs: event.epochs, rate: event.samplesPerSecond.toFixed(0), eta_text: formatSeconds(event.etaSeconds), loss: event.loss.toFixed(4) };
      if (this.#bar === undefined || event.batch === 0) {
        this.#stopBar();
        this.#bar = new cliProgress.SingleBar({ format: FORMAT, stream: this.#stream, hideCursor: true, barsize: 24, clearOnComplete: false }, cliProgress.Presets.shades_classic);
        this.#bar.start(event.batches, event.batch + 1, payload);
      } else {
        this.#bar.update(event.batch + 1, payload);
      }
    } else if (event.type === 'note') {
      this.#stopBar();
      this.#stream.write(`  ${event.phase}: ${event.message}\n`);
    } else if (event.type === 'phase-end') {
      this.#stopBar();
    }
  }

  experienceEnded(results: RunResults): void {
    this.#stopBar();
    this.#stream.write(formatConsoleReport(results));
  }

  message(line: string): void {
    this.#stopBar();
    this.#stream.write(`${line}\n`);
  }

  stop(): void {
    this.#stopBar();
  }
}
