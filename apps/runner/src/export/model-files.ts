import { mkdtemp, readFile, readdir, rename, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { tf } from '@retain/core';
import { ExportTargetExistsError, ExportedModelFormatError } from './export-errors.js';

/** The topology file of an exported model (tfjs' LayersModel format). */
export const MODEL_JSON_FILE = 'model.json';
/** The one weights file model.json's manifest points at. */
export const WEIGHTS_FILE = 'weights.bin';

/** What {@link saveModelFiles} wrote. */
export interface SavedModelFiles {
  readonly dir: string;
  readonly modelJson: string;
  readonly weights: string;
  /** Size of the weights file. */
  readonly weightBytes: number;
}

async function isNonEmptyDir(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    if (!s.isDirectory()) return true;
    return (await readdir(path)).length > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Saves `model` as `dir/model.json` + `dir/weights.bin` (tfjs' LayersModel
 * format, what `tf.loadLayersModel` reads) through a custom tf.io save
 * handler, since pure tfjs has no `file://` handler in Node. Atomic: the
 * files go to a temporary directory beside `dir`, renamed to `dir` at the
 * end. Refuses a `dir` that exists and is not empty unless `force` (then it
 * is replaced). Nothing is left behind on failure.
 */
export async function saveModelFiles(model: tf.LayersModel, dir: string, options: { readonly force?: boolean } = {}): Promise<SavedModelFiles> {
  const target = resolve(dir);
  if (options.force !== true && (await isNonEmptyDir(target))) throw new ExportTargetExistsError(target);
  await mkdir(dirname(target), { recursive: true });
  const temporary = await mkdtemp(join(dirname(target), `.${basename(target)}.tmp-`));
  let weightBytes = 0;
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
        weightBytes = weights.byteLength;
        const modelJson: tf.io.ModelJSON = {
          modelTopology: artifacts.modelTopology as object,
          format: artifacts.format ?? 'layers-model',
          generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
          convertedBy: artifacts.convertedBy ?? null,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
          ...(artifacts.userDefinedMetadata !== undefined ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
        };
        await writeFile(join(temporary, WEIGHTS_FILE), weights);
        await writeFile(join(temporary, MODEL_JSON_FILE), `${JSON.stringify(modelJson, null, 1)}\n`);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightBytes } };
      }),
    );
    await replaceDir(temporary, target);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  return { dir: target, modelJson: join(target, MODEL_JSON_FILE), weights: join(target, WEIGHTS_FILE), weightBytes };
}

/** Moves the finished `temporary` directory to `target`, replacing what is there (an old target is removed only once the new one is in place). */
async function replaceDir(temporary: string, target: string): Promise<void> {
  const old = `${temporary}.old`;
  let moved = false;
  try {
    await rename(target, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await rename(temporary, target);
  } catch (error) {
    if (moved) await rename(old, target);
    throw error;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}

async function readJson(path: string): Promise<tf.io.ModelJSON> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ExportedModelFormatError(path, `cannot read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ExportedModelFormatError(path, `not JSON: ${(error as Error).message}`);
  }
  const o = json as Partial<tf.io.ModelJSON> | null;
  if (o === null || typeof o !== 'object' || typeof o.modelTopology !== 'object' || !Array.isArray(o.weightsManifest)) {
    throw new ExportedModelFormatError(path, 'expected a tfjs model.json with modelTopology and weightsManifest');
  }
  return o as tf.io.ModelJSON;
}

/**
 * A tf.io load handler reading `dir/model.json` and the weight files its
 * manifest names, for `tf.loadLayersModel(loadModelFiles(dir))` in Node
 * without tfjs-node (whose `file://` scheme does the same). Weight file paths
 * must stay inside `dir`.
 */
export function loadModelFiles(dir: string): tf.io.IOHandler {
  const root = resolve(dir);
  return {
    load: async () => {
      const modelJson = await readJson(join(root, MODEL_JSON_FILE));
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const p of group.paths) {
            const file = resolve(root, p);
            if (dirname(file) !== root) throw new ExportedModelFormatError(join(root, MODEL_JSON_FILE), `weights path ${JSON.stringify(p)} is not a file in ${root}`);
            let bytes: Buffer;
            try {
              bytes = await readFile(file);
            } catch (error) {
              throw new ExportedModelFormatError(file, `cannot read: ${(error as Error).message}`);
            }
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        return [tf.io.getWeightSpecs(manifest), tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}
