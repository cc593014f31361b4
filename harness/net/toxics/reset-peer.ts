import type { TimerHandle } from '../../clock/clock.ts';
import { durationMs, only, type ToxicType } from '../toxic.ts';

export interface ResetPeerAttributes {
  timeout: number;
}

/**
 * Whether the toxic was there when the connection opened (link.go sets SO_LINGER 0 then, and it
 * stays on the sockets for good): an updated reset_peer still resets.
 */
export interface ResetPeerState {
  lingering: boolean;
}

/**
 * Toxiproxy's `reset_peer`: when the first chunk arrives in this direction it is swallowed, and
 * `timeout` ms later the connection closes: with an RST when the toxic existed before the
 * connection opened (Toxiproxy sets SO_LINGER 0 only then), with a FIN on a connection it joined
 * live. An idle connection is never reset. The close travels through the toxics after this one.
 */
export const resetPeer: ToxicType<ResetPeerAttributes, ResetPeerState> = {
  type: 'reset_peer',
  goName: 'ResetToxic', // toxics/reset_peer.go
  description: 'reset the connection timeout ms after data arrives',
  attributes: { timeout: durationMs(0) },
  newState: ({ atLinkStart }) => ({ lingering: atLinkStart }),
  attach({ state, clock, attributes, stream, outputs }) {
    const closeWith = state.lingering ? 'reset' : 'fin';
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
