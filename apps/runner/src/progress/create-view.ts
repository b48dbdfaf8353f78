import { PlainView } from './plain-view.js';
import { QuietView, type ProgressView } from './progress-view.js';
import { TerminalView } from './terminal-view.js';

/** Bars on a terminal, plain lines otherwise (pipes, logs, CI), nothing with `quiet`. */
export function createProgressView(options: { readonly quiet?: boolean; readonly stream?: NodeJS.WriteStream } = {}): ProgressView {
  if (options.quiet === true) return new QuietView();
  const stream = options.stream ?? process.stdout;
  return stream.isTTY ? new TerminalView(stream) : new PlainView((text) => void stream.write(text));
}
