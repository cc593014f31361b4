import type { TimerHandle } from '../../clock/clock.ts';
import { durationMs, only, type StageOutput, type ToxicType } from '../toxic.ts';

export interface ResetPeerAttributes {
  timeout: number;
}

/**
 * Whether the toxic was there when the connection opened (Toxiproxy's SO_LINGER 0 stays on the
 * sockets for good), keyed by the toxic's output on the connection, which outlives the stages an
 * update swaps in: an updated reset_peer still resets.
 */
const lingering = new WeakMap<StageOutput, boolean>();

/**
 * Toxiproxy's `reset_peer`: when the first chunk arrives in this direction it is swallowed, and
 * `timeout` ms later the connection closes: with an RST when the toxic existed before the
 * connection opened (Toxiproxy sets SO_LINGER 0 only then), with a FIN on a connection it joined
 * live. An idle connection is never reset. The close travels through the toxics after this one.
 */
export const resetPeer: ToxicType<ResetPeerAttributes> = {
  type: 'reset_peer',
  goName: 'ResetToxic', // toxics/reset_peer.go
  description: 'reset the connection timeout ms after data arrives',
  attributes: { timeout: durationMs(0) },
  attach({ clock, attributes, stream, outputs, atLinkStart }) {
    if (!lingering.has(outputs[stream])) lingering.set(outputs[stream], atLinkStart);
    const closeWith = lingering.get(outputs[stream]) ? 'reset' : 'fin';
    let timer: TimerHandle | undefined;
    let triggered = false;
    const stop = () => clock.clearTimeout(timer);
    return only(stream, {
      data: () => {
        if (triggered) return;
        triggered = true;
        timer = clock.setTimeout(() => outputs[stream].end(closeWith), attributes.timeout);
      },
      end: (kind) => {
        if (!triggered) outputs[stream].end(kind);
      },
      detach: stop,
      dispose: stop,
    });
  },
};
