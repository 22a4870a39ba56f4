// The exit codes scripts can rely on.
export const EXIT = {
  /** Done; an operation ended `completed`. */
  ok: 0,
  /** The work failed: an operation ended failed, partial or cancelled, or an import row failed. */
  workFailed: 1,
  /** The command line was wrong (unknown command or option, missing argument, bad value). */
  usage: 2,
  /** The API answered with an error, or could not be reached. */
  api: 3,
} as const;

/** A mistake on the command line; main prints it with the command's usage and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
