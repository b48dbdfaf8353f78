/** Exit codes of the retain CLI (see the README). */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** The run (or report) failed. */
  failure: 1,
  /** Usage or config error: one line naming the field. */
  usage: 2,
  /** Interrupted (Ctrl-C); the checkpoint is kept and the resume command printed. */
  interrupted: 130,
} as const;
