import type { TimerHandle } from '../../clock/clock.ts';
import type { Stream, ToxicStage, ToxicType } from '../toxic.ts';

export type NatRefresh = 'both' | 'upstream' | 'downstream';
/** drop: silent blackhole both ways; reset: the client gets an RST when it next sends; reset_both: both ends do when a packet next crosses. */
export type NatExpiry = 'drop' | 'reset' | 'reset_both';

export interface NatIdleAttributes {
  timeout: number;
  refresh: NatRefresh;
  on_expiry: NatExpiry;
}

/**
 * A NAT (or load balancer, or firewall) mapping that expires after `timeout` ms without traffic
 * in a refreshing direction. After expiry nothing crosses in either direction, closes included,
 * so neither end learns of it unless on_expiry sends resets. One timer per idle deadline:
 * traffic only moves the deadline, and the timer re-arms itself when it finds it moved.
 */
export const natIdle: ToxicType<NatIdleAttributes> = {
  type: 'nat_idle',
  description: 'expire the connection mapping after timeout ms idle',
  bidirectional: true,
  attributes: {
    timeout: { kind: 'number', min: 1, unit: 'ms' },
    refresh: { kind: 'enum', default: 'both', values: ['both', 'upstream', 'downstream'] },
    on_expiry: { kind: 'enum', default: 'drop', values: ['drop', 'reset', 'reset_both'] },
  },
  attach({ clock, link, attributes, outputs }) {
    let deadline = clock.now() + attributes.timeout;
    let lastTraffic = clock.now();
    let expired = false;
    let timer: TimerHandle | undefined = clock.setTimeout(check, attributes.timeout);

    function check(): void {
      timer = undefined;
      const now = clock.now();
      if (now < deadline) {
        timer = clock.setTimeout(check, deadline - now);
        return;
      }
      expired = true;
      link.trace('nat.expired', { idleMs: now - lastTraffic, timeoutMs: attributes.timeout });
    }

    const refreshes = (stream: Stream) => attributes.refresh === 'both' || attributes.refresh === stream;
    const afterExpiry = (stream: Stream) => {
      if (attributes.on_expiry === 'reset_both') link.reset();
      else if (attributes.on_expiry === 'reset' && stream === 'upstream') link.resetEnd('client');
    };
    const stage = (stream: Stream): ToxicStage => ({
      data: (chunk) => {
        if (expired) return afterExpiry(stream);
        if (refreshes(stream)) {
          lastTraffic = clock.now();
          deadline = lastTraffic + attributes.timeout;
        }
        outputs[stream].data(chunk);
      },
      end: (kind) => {
        if (!expired) outputs[stream].end(kind);
      },
      detach: () => clock.clearTimeout(timer),
      dispose: () => clock.clearTimeout(timer),
    });
    return { upstream: stage('upstream'), downstream: stage('downstream') };
  },
};
