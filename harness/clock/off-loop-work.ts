import { webcrypto } from 'node:crypto';
import zlib from 'node:zlib';
import { FlatlineError } from '../util/errors.ts';
import type { IoSource } from './io-tracker.ts';

/**
 * Work node does off the event loop, in libuv's thread pool, where no socket and no queued callback
 * shows it: zlib's compression (ws's permessage-deflate, engine.io's HTTP compression), WebCrypto,
 * and file-system and getaddrinfo requests. In real time it takes microseconds to milliseconds; a
 * virtual clock that counted the world as quiet meanwhile would jump to its next timer and deliver
 * the result there (a ws message through permessage-deflate on the sim arrived never, or at the
 * next heartbeat). While any of it is in flight, this source is busy and time stands still.
 *
 * zlib and WebCrypto are counted by wrapping their prototypes (every stream, and every caller of
 * `crypto.subtle`, however it got hold of it); the requests are read from
 * `process._getActiveRequests()` (see activeRequests). Node's callback functions on the
 * crypto module (pbkdf2, scrypt, randomBytes with a callback) are not counted: a library can hold
 * them from before the clock was installed.
 */
export type OffLoopWatch = IoSource & { dispose(): void };

export function watchOffLoopWork(): OffLoopWatch {
  if (!activeRequests) throw new FlatlineError('FLATLINE_ERR_CLOCK_UNSUPPORTED', `node ${process.version} has no process._getActiveRequests(), which flatline's virtual clock reads to wait for file-system and DNS requests in flight; run on a node that has it (node 20 and 22 do)`);
  if (users++ === 0) wrap();
  let disposed = false;
  return {
    name: 'work off the event loop (zlib, WebCrypto, file system or DNS)',
    busy: () => inFlight() > 0,
    progress: () => finished,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      if (--users === 0) unwrap();
    },
  };
}

/** Clocks watching: the wrappers stay while one does (one clock per process, but copies of flatline can each have one). */
let users = 0;
/** Operations that ended, for the settle's progress. */
let finished = 0;
/** zlib streams with a chunk in the thread pool. A stream destroyed on an error never calls back: it no longer counts. */
const compressing = new Set<zlib.Zlib & { destroyed: boolean }>();
let subtleCalls = 0;

/** Requests of libuv's thread pool, by their classes' names (node src/node_file.h, src/cares_wrap.h). */
const THREAD_POOL_REQUESTS = new Set(['FSReqCallback', 'FSReqPromise', 'FileHandleCloseReq', 'GetAddrInfoReqWrap', 'GetNameInfoReqWrap']);

/**
 * node's requests in flight. `_getActiveRequests()` lists requests alone, where the public
 * `getActiveResourcesInfo()` lists every handle as well: 75-100 µs a call with 1,000 kernel
 * connections open, at every settle round (a 300-client kernel hour took 20 % more CPU).
 */
const activeRequests = (process as unknown as { _getActiveRequests?: () => object[] })._getActiveRequests;

function inFlight(): number {
  for (const stream of compressing) if (stream.destroyed) compressing.delete(stream);
  let n = compressing.size + subtleCalls;
  if (n > 0) return n;
  for (const request of activeRequests!.call(process)) if (THREAD_POOL_REQUESTS.has(request.constructor.name)) n++;
  return n;
}

type Transform = (this: zlib.Zlib & { destroyed: boolean }, chunk: unknown, encoding: string, cb: (...args: unknown[]) => void) => void;
/** The prototype every zlib and brotli stream's `_transform` comes from (node lib/zlib.js: ZlibBase). */
const zlibBase = ownerOf(zlib.Deflate.prototype, '_transform') as { _transform: Transform };
const originalTransform = zlibBase._transform;
const subtle = Object.getPrototypeOf(webcrypto.subtle) as Record<string, unknown>;
const SUBTLE_METHODS = ['encrypt', 'decrypt', 'sign', 'verify', 'digest', 'generateKey', 'deriveKey', 'deriveBits', 'importKey', 'exportKey', 'wrapKey', 'unwrapKey'] as const;
const originalSubtle = new Map(SUBTLE_METHODS.map((name) => [name, subtle[name] as (...args: unknown[]) => Promise<unknown>]));

function wrap(): void {
  zlibBase._transform = function (chunk, encoding, cb) {
    compressing.add(this);
    originalTransform.call(this, chunk, encoding, (...args) => {
      compressing.delete(this);
      finished++;
      cb(...args);
    });
  };
  for (const [name, original] of originalSubtle) {
    subtle[name] = function (this: unknown, ...args: unknown[]) {
      const result = original.apply(this, args);
      subtleCalls++;
      const done = () => {
        subtleCalls--;
        finished++;
      };
      result.then(done, done);
      return result;
    };
  }
}

function unwrap(): void {
  zlibBase._transform = originalTransform;
  for (const [name, original] of originalSubtle) subtle[name] = original;
  compressing.clear();
}

function ownerOf(proto: object, key: string): object {
  for (let p: object | null = proto; p; p = Object.getPrototypeOf(p) as object | null) if (Object.hasOwn(p, key)) return p;
  throw new Error(`node:zlib has no ${key} on its streams`);
}
