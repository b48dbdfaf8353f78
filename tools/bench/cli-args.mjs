// Command-line parsing shared by the benchmark tools: node:util parseArgs, with
// --help printing the tool's usage (its own header comment, so the text lives
// in one place) and exiting 0, and a bad command line printing a one-line
// error plus the usage and exiting 2 (instead of parseArgs' stack trace).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The leading `//` comment block of the script at `scriptUrl` (after the shebang), without the `// ` prefixes. */
export function headerComment(scriptUrl) {
  const lines = readFileSync(fileURLToPath(scriptUrl), 'utf8').split('\n');
  const out = [];
  for (const line of lines.slice(lines[0]?.startsWith('#!') ? 1 : 0)) {
    if (!line.startsWith('//')) break;
    out.push(line.replace(/^\/\/ ?/, ''));
  }
  return out.join('\n');
}

/**
 * parseArgs({ options, strict: true }) for the script at `scriptUrl` (pass
 * import.meta.url), plus `--help`/`-h`. Returns the parsed values; on --help
 * prints the usage and exits 0; on an unknown option, a missing value or a
 * positional argument prints `<tool>: <error>` and the usage to stderr and exits 2.
 */
export function parseToolArgs(scriptUrl, options) {
  const tool = basename(fileURLToPath(scriptUrl));
  let values;
  try {
    ({ values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h', default: false } }, strict: true, allowPositionals: false }));
  } catch (error) {
    console.error(`${tool}: ${error.message.split('\n')[0]}`);
    console.error(headerComment(scriptUrl));
    process.exit(2);
  }
  if (values.help) {
    console.log(headerComment(scriptUrl));
    process.exit(0);
  }
  delete values.help;
  return values;
}

/** Exits 2 after `<tool>: <message>` and the usage when an option's value is invalid (e.g. not a number). */
export function usageError(scriptUrl, message) {
  console.error(`${basename(fileURLToPath(scriptUrl))}: ${message}`);
  console.error(headerComment(scriptUrl));
  process.exit(2);
}
