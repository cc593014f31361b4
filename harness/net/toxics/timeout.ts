import type { TimerHandle } from '../../clock/clock.ts';
import { only, type ToxicType } from '../toxic.ts';

export interface TimeoutAttributes {
  timeout: number;
}

/**
 * Toxiproxy's `timeout`: every chunk is dropped. With timeout > 0 the connection closes after
 * `timeout` ms with no chunk arriving in this direction (each chunk re-arms it, so steady
 * heartbeats keep it open forever); with 0 it blackholes forever. Removing it closes the
 * connection, as Toxiproxy does, so a timeout blackhole cannot be healed (use `blackhole` for that).
 */
export const timeout: ToxicType<TimeoutAttributes> = {
  type: 'timeout',
  description: 'drop all data; close after timeout ms without data (0: never)',
  attributes: { timeout: { kind: 'number', default: 0, min: 0, unit: 'ms' } },
  attach({ clock, link, attributes, stream, outputs }) {
    let deadline = clock.now() + attributes.timeout;
    let timer: TimerHandle | undefined;
    const check = () => {
      timer = undefined;
      if (clock.now() >= deadline) link.close();
      else timer = clock.setTimeout(check, deadline - clock.now());
    };
    if (attributes.timeout > 0) timer = clock.setTimeout(check, attributes.timeout);
    const stop = () => clock.clearTimeout(timer);
    return only(stream, {
      data: () => {
        deadline = clock.now() + attributes.timeout;
      },
      end: (kind) => outputs[stream].end(kind),
      detach: (why) => {
        stop();
        if (why === 'removed') link.close();
      },
      dispose: stop,
    });
  },
};
