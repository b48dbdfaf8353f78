// The scenario every tools/run-*.mjs script trains on: a preset on the full
// data (never the embedded subset), flattened inputs for the MLPs, no progress bar.
import { createScenario } from '../../packages/scenarios/dist/index.js';

/** `preset` with `seed`, and `tasks` when given (else the preset's count). */
export function createRunScenario(preset, seed, tasks) {
  return createScenario(preset, {
    seed,
    ...(tasks !== undefined ? { tasks: Number(tasks) } : {}),
    allowEmbedded: false,
    layout: 'flat',
    progressBar: false,
  });
}
