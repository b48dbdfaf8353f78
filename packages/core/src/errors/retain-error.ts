/**
 * Base class of every error retain throws on purpose. Subclasses carry a
 * stable `code` so callers can branch without parsing messages.
 */
export class RetainError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A value given to a retain API is outside what it accepts. */
export class InvalidArgumentError extends RetainError {
  readonly field: string;
  readonly value: unknown;

  constructor(field: string, value: unknown, expected: string) {
    super('ERR_INVALID_ARGUMENT', `${field}: expected ${expected}, got ${describeValue(value)}`);
    this.field = field;
    this.value = value;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return Object.prototype.toString.call(value);
  return String(value);
}

/** An array argument does not have the length the others imply (for example a mask for other weights). */
export class LengthMismatchError extends RetainError {
  /** The argument whose length is wrong, e.g. `mask`, `eligible` or `gradients`. */
  readonly field: string;
  /** The length it had to have. */
  readonly expected: number;
  /** The length it had (for a shape: the product of its dimensions). */
  readonly actual: number;

  constructor(field: string, expected: number, actual: number) {
    super('ERR_LENGTH_MISMATCH', `${field}: expected length ${expected}, got ${actual}`);
    this.field = field;
    this.expected = expected;
    this.actual = actual;
  }
}
