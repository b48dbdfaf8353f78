import cliProgress from 'cli-progress';
import type { DownloadProgress } from './download.js';

/**
 * A progress callback drawing one cli-progress bar per file on stderr when
 * stderr is a terminal; returns undefined otherwise (logs and CI stay clean).
 * Call `stop()` when the downloads are done.
 */
export function terminalProgressBar(stream: NodeJS.WriteStream = process.stderr): { onProgress: (p: DownloadProgress) => void; stop: () => void } | undefined {
  if (!stream.isTTY) return undefined;
  const multi = new cliProgress.MultiBar(
    { stream, format: '{name} [{bar}] {percentage}% | {value}/{total} bytes', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    onProgress(p) {
      let bar = bars.get(p.url);
      if (bar === undefined) {
        bar = multi.create(p.total ?? 0, 0, { name: p.url.split('/').pop() ?? p.url });
        bars.set(p.url, bar);
      }
      if (p.total !== undefined) bar.setTotal(p.total);
      bar.update(p.received);
    },
    stop() {
      multi.stop();
    },
  };
}
