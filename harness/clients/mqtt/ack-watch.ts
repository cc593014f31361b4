import type { Clock } from '../../clock/clock.ts';

/** A running watch; stop() when the ack came (or the message failed). */
export interface AckWatch {
  stop(): void;
}

/** Calls `overdue` when `ms` passed without stop(), and again every `ms` until it is stopped. */
export function watchAck(clock: Clock, ms: number, overdue: () => void): AckWatch {
  let timer = clock.setTimeout(function fire() {
    overdue();
    timer = clock.setTimeout(fire, ms);
  }, ms);
  return { stop: () => clock.clearTimeout(timer) };
}
