import { taskNetworkWeights, type Strategy } from '@retain/strategies';
import { buildLayersModel } from './build-layers-model.js';
import { saveModelFiles } from './model-files.js';

/** Options of {@link exportTaskModel}. */
export interface ExportOptions {
  /** Replace an existing non-empty output directory. Default false. */
  readonly force?: boolean;
}

/** What {@link exportTaskModel} wrote. */
export interface ExportSummary {
  /** The output directory (absolute). */
  readonly dir: string;
  readonly modelJson: string;
  readonly weights: string;
  readonly weightBytes: number;
  readonly strategy: string;
  /** The task id given (undefined for a single-head network outside task-incremental scenarios). */
  readonly taskId: number | undefined;
  /** The network task whose head and batch-norm statistics were exported. */
  readonly networkTask: number;
  /** The zoo architecture, for example `mlp`. */
  readonly architecture: string;
  readonly inputShape: readonly number[];
  /** Logits the model outputs (the task head's classes). */
  readonly classes: number;
  /** Weight values written (batch-norm statistics included). */
  readonly parameters: number;
  /** Keras layers of the model, in order (for example `dense`, `batchNormalization`). */
  readonly layers: readonly string[];
  /** Single head with class masking: the classes the model can predict (the others' bias is -Infinity). */
  readonly allowedClasses?: readonly number[];
}

/** What the model.json records of where it came from (its userDefinedMetadata.retain). */
export interface ExportMetadata {
  readonly strategy: string;
  readonly taskId: number | null;
  readonly networkTask: number;
  readonly architecture: string;
  readonly classes: number;
  readonly allowedClasses: readonly number[] | null;
}

/**
 * Writes task `taskId`'s sub-network of `strategy` as a plain tfjs
 * LayersModel (`outDir/model.json` + `outDir/weights.bin`) whose
 * `predict(x)` equals `strategy.predict(x, taskId)` (float rounding aside):
 * the effective weights predict uses (masks, WSN / Ada-QPacknet / BLIP
 * transforms applied), the task's head and its batch-norm statistics
 * (batch norm kept as a layer). `taskId` follows predict's rules (omit it
 * for single-head networks in class- or domain-incremental runs).
 * Every zoo architecture is supported (residual blocks become add + relu in
 * a functional graph). Throws UnsupportedExportError (from
 * @retain/strategies, naming the architecture and layer) for batch norm
 * without running statistics (trackRunningStats false: it normalises with
 * batch statistics at inference), ExportTargetExistsError for a non-empty
 * `outDir` without `force`. Leaves no tensor behind.
 */
export async function exportTaskModel(strategy: Strategy, taskId: number | undefined, outDir: string, options: ExportOptions = {}): Promise<ExportSummary> {
  const net = taskNetworkWeights(strategy, taskId);
  const model = buildLayersModel(net);
  try {
    const metadata: ExportMetadata = {
      strategy: net.strategy,
      taskId: net.taskId ?? null,
      networkTask: net.networkTask,
      architecture: net.model.zoo,
      classes: net.classes,
      allowedClasses: net.allowedClasses ?? null,
    };
    model.setUserDefinedMetadata({ retain: metadata });
    const files = await saveModelFiles(model, outDir, options.force === true ? { force: true } : {});
    return {
      ...files,
      strategy: net.strategy,
      taskId: net.taskId,
      networkTask: net.networkTask,
      architecture: net.model.zoo,
      inputShape: [...net.inputShape],
      classes: net.classes,
      parameters: model.countParams(),
      layers: model.layers.map((l) => l.getClassName()).filter((name) => name !== 'InputLayer'),
      ...(net.allowedClasses !== undefined ? { allowedClasses: [...net.allowedClasses] } : {}),
    };
  } finally {
    model.dispose();
  }
}
