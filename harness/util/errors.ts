/**
 * Errors a user can cause carry a stable, machine-readable code (in the manner of undici's
 * UND_ERR_* and fastify's FST_ERR_*) and a message that says what was wrong, where, and what to do.
 */
export type FlatlineErrorCode =
  | 'FLATLINE_ERR_DURATION'
  | 'FLATLINE_ERR_CLOCK_BUSY'
  | 'FLATLINE_ERR_CLOCK_STUCK'
  | 'FLATLINE_ERR_CLOCK_LIMIT'
  | 'FLATLINE_ERR_CLOCK_STALL'
  | 'FLATLINE_ERR_CLOCK_UNSUPPORTED'
  | 'FLATLINE_ERR_TOXIC_TYPE'
  | 'FLATLINE_ERR_TOXIC_ATTRIBUTE'
  | 'FLATLINE_ERR_TOXIC_STREAM'
  | 'FLATLINE_ERR_TOXIC_EXISTS'
  | 'FLATLINE_ERR_TOXIC_NOT_FOUND'
  | 'FLATLINE_ERR_PROXY_EXISTS'
  | 'FLATLINE_ERR_PROXY_NOT_FOUND'
  | 'FLATLINE_ERR_PROXY_FIELD'
  | 'FLATLINE_ERR_LISTEN'
  | 'FLATLINE_ERR_CLOSED'
  | 'FLATLINE_ERR_USAGE'
  | 'FLATLINE_ERR_CONFIG'
  | 'FLATLINE_ERR_SCENARIO'
  | 'FLATLINE_ERR_CLIENT'
  | 'FLATLINE_ERR_SERVER'
  | 'FLATLINE_ERR_EXTERNAL_PEER'
  | 'FLATLINE_ERR_CLOSE'
  | 'FLATLINE_ERR_CRASH';

export class FlatlineError extends Error {
  readonly code: FlatlineErrorCode;
  /** HTTP status the Toxiproxy API answers with when this error reaches it. */
  readonly status: number;
  /** What Toxiproxy's API says for this error, when it says something else than `message`. */
  readonly apiText: string | undefined;

  constructor(code: FlatlineErrorCode, message: string, options: { status?: number; cause?: unknown; apiText?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FlatlineError';
    this.code = code;
    this.status = options.status ?? 500;
    this.apiText = options.apiText;
  }
}

/** By shape, not class: a user's file may have loaded its own copy of this module. */
export function isFlatlineError(err: unknown, code?: FlatlineErrorCode): err is FlatlineError {
  if (!(err instanceof Error) || err.name !== 'FlatlineError' || typeof (err as FlatlineError).code !== 'string') return false;
  return code === undefined || (err as FlatlineError).code === code;
}
