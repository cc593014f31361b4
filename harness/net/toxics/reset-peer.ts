import type { TimerHandle } from '../../clock/clock.ts';
import { only, type ToxicType } from '../toxic.ts';

export interface ResetPeerAttributes {
  timeout: number;
}

/**
 * Toxiproxy's `reset_peer`: when the first chunk arrives in this direction it is swallowed, and
 * `timeout` ms later the connection closes: with an RST when the toxic existed before the
 * connection opened (Toxiproxy sets SO_LINGER 0 only then), with a FIN on a connection it joined
 * live. An idle connection is never reset. The close travels through the toxics after this one.
 */
export const resetPeer: ToxicType<ResetPeerAttributes> = {
  type: 'reset_peer',
  description: 'reset the connection timeout ms after data arrives',
  attributes: { timeout: { kind: 'number', default: 0, min: 0, unit: 'ms' } },
  attach({ clock, attributes, stream, outputs, atLinkStart }) {
    let timer: TimerHandle | undefined;
    let triggered = false;
    const stop = () => clock.clearTimeout(timer);
    return only(stream, {
      data: () => {
        if (triggered) return;
        triggered = true;
        timer = clock.setTimeout(() => outputs[stream].end(atLinkStart ? 'reset' : 'fin'), attributes.timeout);
      },
      end: (kind) => {
        if (!triggered) outputs[stream].end(kind);
      },
      detach: stop,
      dispose: stop,
    });
  },
};
