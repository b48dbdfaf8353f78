import { RetainError } from '../errors/retain-error.js';

/** A task id was used that a network part has no state for (for example a multi-head network without that task's head). */
export class UnknownTaskError extends RetainError {
  /** The layer or head set that was asked. */
  readonly component: string;
  readonly taskId: number;

  constructor(component: string, taskId: number, hint: string) {
    super('ERR_UNKNOWN_TASK', `${component}: no state for task ${taskId} (${hint})`);
    this.component = component;
    this.taskId = taskId;
  }
}

/** A parameter name that the network does not hold. */
export class UnknownParameterError extends RetainError {
  readonly parameter: string;

  constructor(parameter: string, hint: string) {
    super('ERR_UNKNOWN_PARAMETER', `no parameter named ${JSON.stringify(parameter)} (${hint})`);
    this.parameter = parameter;
  }
}

/** A network (or one of its parameters) was used after dispose(). */
export class DisposedError extends RetainError {
  readonly component: string;

  constructor(component: string) {
    super('ERR_DISPOSED', `${component} was used after dispose()`);
    this.component = component;
  }
}
