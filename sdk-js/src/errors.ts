/** Which part of the client failed. */
export type HalyardErrorKind =
  | 'init' // the WebAssembly engine could not be loaded
  | 'datafile' // a datafile fetch failed or answered something that is not a valid datafile
  | 'stream' // the revision stream dropped or could not connect
  | 'events' // an events batch could not be delivered
  | 'heartbeat'; // a heartbeat could not be delivered

/**
 * The one error type the client reports (through `on('error')` and rejected
 * `ready()` promises). Evaluation never throws it: evaluations answer with an
 * `ERROR` reason instead.
 */
export class HalyardError extends Error {
  /** Which part of the client failed. */
  readonly kind: HalyardErrorKind;
  /** HTTP status when the server answered, otherwise undefined. */
  readonly status: number | undefined;

  /** Creates an error of `kind`; `status` is the HTTP status when there was a response. */
  constructor(kind: HalyardErrorKind, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options); // Error takes `cause` from it, when present
    this.name = 'HalyardError';
    this.kind = kind;
    this.status = options.status;
  }
}

/** Wraps anything thrown into a HalyardError of `kind`, keeping HalyardErrors as they are. */
export function toHalyardError(kind: HalyardErrorKind, error: unknown): HalyardError {
  if (error instanceof HalyardError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new HalyardError(kind, `${kind}: ${message}`, { cause: error });
}
