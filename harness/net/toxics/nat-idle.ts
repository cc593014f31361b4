import type { TimerHandle } from '../../clock/clock.ts';
import { durationMs, type Stream, type ToxicStage, type ToxicType } from '../toxic.ts';

export type NatRefresh = 'both' | 'upstream' | 'downstream';
/** drop: silent blackhole both ways; reset: the client gets an RST when it next sends; reset_both: both ends do when a packet next crosses. */
export type NatExpiry = 'drop' | 'reset' | 'reset_both';

export interface NatIdleAttributes {
  timeout: number;
  refresh: NatRefresh;
  on_expiry: NatExpiry;
}

/**
 * The mapping of one connection: when traffic last refreshed it, and whether it expired. It
 * outlives the stages an update swaps in: a new timeout counts from the last traffic, and an
 * expired mapping stays expired.
 */
export interface NatMapping {
  lastTraffic: number;
  expired: boolean;
}

/**
 * A NAT (or load balancer, or firewall) mapping that expires after `timeout` ms without traffic
 * in a refreshing direction. After expiry nothing crosses in either direction, closes included,
 * so neither end learns of it unless on_expiry sends resets. One timer per idle deadline:
 * traffic only moves the deadline, and the timer re-arms itself when it finds it moved.
 */
export const natIdle: ToxicType<NatIdleAttributes, NatMapping> = {
  type: 'nat_idle',
  description: 'expire the connection mapping after timeout ms idle',
  bidirectional: true,
  attributes: {
    timeout: durationMs(undefined, 1),
    refresh: { kind: 'enum', default: 'both', values: ['both', 'upstream', 'downstream'] },
    on_expiry: { kind: 'enum', default: 'drop', values: ['drop', 'reset', 'reset_both'] },
  },
  newState: ({ now }) => ({ lastTraffic: now, expired: false }),
  attach({ state, clock, link, attributes, outputs }) {
    let deadline = state.lastTraffic + attributes.timeout;
    let timer: TimerHandle | undefined = state.expired ? undefined : clock.setTimeout(check, Math.max(0, deadline - clock.now()));

    function check(): void {
      timer = undefined;
      const now = clock.now();
      if (now < deadline) {
        timer = clock.setTimeout(check, deadline - now);
        return;
      }
      state.expired = true;
      link.trace('nat.expired', { idleMs: now - state.lastTraffic, timeoutMs: attributes.timeout });
    }

    const refreshes = (stream: Stream) => attributes.refresh === 'both' || attributes.refresh === stream;
    const afterExpiry = (stream: Stream) => {
      if (attributes.on_expiry === 'reset_both') link.reset();
      else if (attributes.on_expiry === 'reset' && stream === 'upstream') link.resetEnd('client');
    };
    const stage = (stream: Stream): ToxicStage => ({
      data: (chunk) => {
        if (state.expired) return afterExpiry(stream);
        if (refreshes(stream)) {
          state.lastTraffic = clock.now();
          deadline = state.lastTraffic + attributes.timeout;
        }
        outputs[stream].data(chunk);
      },
      end: (kind) => {
        if (!state.expired) outputs[stream].end(kind);
      },
      detach: () => clock.clearTimeout(timer),
      dispose: () => clock.clearTimeout(timer),
    });
    return { upstream: stage('upstream'), downstream: stage('downstream') };
  },
};
