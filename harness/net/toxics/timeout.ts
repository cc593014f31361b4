import type { TimerHandle } from '../../clock/clock.ts';
import { durationMs, only, type ToxicType } from '../toxic.ts';

export interface TimeoutAttributes {
  timeout: number;
}

/**
 * Toxiproxy's `timeout`: every chunk is dropped. With timeout > 0 the connection closes after
 * `timeout` ms with no chunk arriving in this direction (each chunk re-arms it, so steady
 * heartbeats keep it open forever); with 0 it blackholes forever. Removing it closes the
 * connection, as Toxiproxy does, so a timeout blackhole cannot be healed (use `blackhole` for that).
 * The close travels through the toxics after this one (Toxiproxy's stub.Close()). One timer per
 * deadline: a chunk only moves the deadline, and the timer re-arms itself when it finds it moved.
 */
export const timeout: ToxicType<TimeoutAttributes> = {
  type: 'timeout',
  description: 'drop all data; close after timeout ms without data (0: never)',
  attributes: { timeout: durationMs(0) },
  attach({ clock, attributes, stream, outputs }) {
    let deadline = clock.now() + attributes.timeout;
    let timer: TimerHandle | undefined;
    let closed = false;
    const stop = () => clock.clearTimeout(timer);
    const close = () => {
      stop();
      if (closed) return;
      closed = true;
      outputs[stream].end('fin');
    };
    const check = () => {
      timer = undefined;
      if (clock.now() >= deadline) close();
      else timer = clock.setTimeout(check, deadline - clock.now());
    };
    if (attributes.timeout > 0) timer = clock.setTimeout(check, attributes.timeout);
    return only(stream, {
      data: () => {
        deadline = clock.now() + attributes.timeout;
      },
      end: (kind) => {
        stop();
        if (closed) return;
        closed = true;
        outputs[stream].end(kind);
      },
      detach: (why) => {
        stop();
        if (why === 'removed') close();
      },
      dispose: stop,
    });
  },
};
