import { createRequire } from 'node:module';
import type * as RwsModule from 'reconnecting-websocket';
import { Rng, withSeededMathRandom } from '../util/rng.ts';

/** The class: module.exports of the CJS build (its typings' `export default`, seen from ESM, is one `.default` deeper). */
type RwsClass = typeof RwsModule.default.default;
export type ReconnectingWebSocket = InstanceType<RwsClass>;

/**
 * reconnecting-websocket 4.4.0 draws its default minReconnectionDelay, 1000 + Math.random() * 4000,
 * once, when the module is evaluated: every instance in a process shares it. This module evaluates
 * its own copy with Math.random drawing from Rng(RWS_LOAD_SEED): the draw is the library's, the
 * number (2548.9 ms) is the same in every process and for every scenario seed.
 */
export const RWS_LOAD_SEED = 0x5eed;

/** The private state this adapter reads: the retry counter and the library's own delay formula. */
export interface RwsInternals {
  _retryCount: number;
  _getNextDelay(): number;
}

const require = createRequire(import.meta.url);

function load(): RwsClass {
  const path = require.resolve('reconnecting-websocket');
  // A copy evaluated earlier (unseeded elsewhere, or by an earlier evaluation of this module) is not reused.
  delete require.cache[path];
  return withSeededMathRandom(new Rng(RWS_LOAD_SEED), () => require(path) as RwsClass);
}

export const ReconnectingWebSocket = load();

/**
 * The delay before retry `retry` (1 = the first after a stable connection) with `options` (the
 * library's defaults for any not given), from the library's own _getNextDelay, truncated as timers
 * truncate a fractional delay.
 */
export function rwsDelay(retry: number, options: object = {}): number {
  const state = { _options: options, _retryCount: retry, _debug: () => {} };
  return Math.trunc((ReconnectingWebSocket.prototype as unknown as RwsInternals)._getNextDelay.call(state as unknown as RwsInternals));
}

/** The default minReconnectionDelay as this process loaded it, truncated. */
export const RWS_MIN_RECONNECTION_DELAY = rwsDelay(1);
