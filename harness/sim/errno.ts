import os from 'node:os';

export type SimErrorCode = 'ECONNREFUSED' | 'ECONNRESET' | 'ECONNABORTED' | 'ETIMEDOUT' | 'EPIPE' | 'EHOSTUNREACH' | 'EADDRINUSE' | 'EADDRNOTAVAIL';

/**
 * The error objects node's net module raises for a failed system call, shape for shape
 * (lib/internal/errors.js UVExceptionWithHostPort / ErrnoException): `connect ECONNREFUSED
 * 10.0.0.2:1883` with errno, code, syscall, address and port; `read ECONNRESET` without them.
 */
export function errnoException(code: SimErrorCode, syscall: string, address?: string, port?: number): NodeJS.ErrnoException {
  const where = address === undefined ? '' : port === undefined ? ` ${address}` : ` ${address}:${port}`;
  // No stack frames: node's own come from the event loop's callback (one frame, afterConnect or
  // onStreamRead), where the sim's would be its packet path, a dozen deep. node's stream destroy()
  // reads err.stack (checkError(), lib/internal/streams/destroy.js), and formatting those frames
  // through source maps cost a tenth of a fleet storm's CPU, one error per refused or reset connect.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const err = new Error(`${syscall} ${code}${where}`) as NodeJS.ErrnoException & { address?: string; port?: number };
  Error.stackTraceLimit = limit;
  err.errno = -os.constants.errno[code];
  err.code = code;
  err.syscall = syscall;
  if (address !== undefined) err.address = address;
  if (port !== undefined) err.port = port;
  return err;
}
