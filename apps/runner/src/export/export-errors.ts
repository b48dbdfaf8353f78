import { RetainError } from '@retain/core';

/** The export's output directory exists and is not empty, and `force` was not given. Nothing was written. */
export class ExportTargetExistsError extends RetainError {
  /** The directory. */
  readonly path: string;

  constructor(path: string) {
    super('ERR_EXPORT_TARGET_EXISTS', `${path}: exists and is not empty (pass --force to replace it)`);
    this.path = path;
  }
}

/** An exported model directory cannot be read back: a missing or malformed model.json or weights file. */
export class ExportedModelFormatError extends RetainError {
  /** The file at fault. */
  readonly path: string;

  constructor(path: string, message: string) {
    super('ERR_EXPORTED_MODEL_FORMAT', `${path}: ${message}`);
    this.path = path;
  }
}
