// The accuracy matrices every tools/run-*.mjs script of a task-conditional
// strategy reports: the task-incremental one (task id given, R[i][j] from
// evaluateExperiences) and, for each task-inference score and mode, the
// class-incremental one (no task id: after training experience i, experiences
// 0..i are evaluated with the task inferred among tasks 0..i by
// evaluateTaskInferenceScores, R[i][j] its class accuracy on experience j).
// ACC and BWT come from @retain/evaluation (averageAccuracy, backwardTransfer).
import { averageAccuracy, backwardTransfer } from '../../packages/evaluation/dist/index.js';
import { DEFAULT_TASK_INFERENCE_SCORE, TASK_INFERENCE_MODES, TASK_INFERENCE_SCORES, evaluateExperiences, evaluateTaskInferenceScores } from '../../packages/strategies/dist/index.js';

/** Parses `--cil` (`all`, `none`, or a comma list of scores) into a score list. */
export function parseCilScores(value) {
  if (value === 'none') return [];
  if (value === 'all' || value === undefined) return [...TASK_INFERENCE_SCORES];
  const scores = value.split(',');
  for (const s of scores) if (!TASK_INFERENCE_SCORES.includes(s)) throw new Error(`unknown task-inference score ${s}: one of ${TASK_INFERENCE_SCORES.join(', ')}, all, none`);
  return scores;
}

/**
 * Tracks the task-incremental matrix and the class-incremental matrices of
 * `scores` x both modes. Call `afterExperience(strategy, experiences, i, kind)`
 * after training experience i; `summary()` gives ACC, BWT and the final
 * task-inference accuracy of each matrix.
 */
export function createAccuracyMatrices({ scores = [...TASK_INFERENCE_SCORES], modes = [...TASK_INFERENCE_MODES], batchSize = 128 } = {}) {
  const til = [];
  const cil = new Map();
  let cilSeconds = 0;
  return {
    async afterExperience(strategy, experiences, i, kind) {
      const seen = experiences.slice(0, i + 1);
      const accs = await evaluateExperiences(strategy, seen, { scenarioKind: kind });
      til.push(accs.map((a) => a.accuracy));
      if (scores.length > 0) {
        const started = performance.now();
        for (const ev of evaluateTaskInferenceScores(strategy, seen, { scores, modes, batchSize })) {
          const key = `${ev.score}/${ev.mode}`;
          if (!cil.has(key)) cil.set(key, { score: ev.score, mode: ev.mode, matrix: [], taskMatrix: [], rows: [] });
          const m = cil.get(key);
          m.matrix.push(ev.experiences.map((e) => e.accuracy));
          m.taskMatrix.push(ev.experiences.map((e) => e.taskAccuracy));
          m.rows.push({ accuracy: ev.accuracy, taskAccuracy: ev.taskAccuracy });
        }
        cilSeconds += (performance.now() - started) / 1000;
      }
      return accs;
    },
    summary() {
      const classIncremental = [...cil.values()].map((m) => ({
        score: m.score,
        mode: m.mode,
        default: m.score === DEFAULT_TASK_INFERENCE_SCORE,
        acc: averageAccuracy(m.matrix),
        bwt: backwardTransfer(m.matrix),
        // Task-inference accuracy over every test row of tasks 0..T-1 after the last task.
        taskAccuracy: m.rows.at(-1).taskAccuracy,
        matrix: m.matrix,
        taskMatrix: m.taskMatrix,
      }));
      return { taskIncremental: { acc: averageAccuracy(til), bwt: backwardTransfer(til), matrix: til }, classIncremental, batchSize, cilSeconds };
    },
  };
}

const pct = (v) => (v === undefined ? 'n/a' : `${(100 * v).toFixed(2)}`);

/** Lines for the log: TIL ACC/BWT and one line per (score, mode) class-incremental matrix. */
export function formatAccuracyMatrices(name, summary) {
  const lines = [`RESULT ${name} TIL: ACC ${pct(summary.taskIncremental.acc)} %  BWT ${pct(summary.taskIncremental.bwt)} points`];
  for (const c of summary.classIncremental) {
    lines.push(
      `RESULT ${name} CIL ${c.score}${c.default ? ' (default)' : ''}, per ${c.mode === 'batch' ? `batch of ${summary.batchSize}` : 'sample'}: ` +
        `ACC ${pct(c.acc)} %  BWT ${pct(c.bwt)} points  task inferred ${pct(c.taskAccuracy)} %`,
    );
  }
  if (summary.classIncremental.length > 0) lines.push(`(class-incremental evaluation took ${summary.cilSeconds.toFixed(1)} s in all)`);
  return lines;
}
