import type { Stream, ToxicStage, ToxicType } from '../toxic.ts';

/**
 * A real half-open connection, which Toxiproxy cannot make: when one end closes or resets, the
 * other end is not told, and everything that crosses afterwards in either direction is dropped.
 * The end left behind only finds out through its own heartbeat.
 */
export const halfOpen: ToxicType<Record<string, never>> = {
  type: 'half_open',
  description: 'hide a close or reset from the other end; drop everything after it',
  bidirectional: true,
  attributes: {},
  attach({ link, outputs }) {
    let cut = false;
    const stage = (stream: Stream): ToxicStage => ({
      data: (chunk) => {
        if (!cut) outputs[stream].data(chunk);
      },
      end: () => {
        if (cut) return;
        cut = true;
        link.trace('half_open.cut', { side: stream === 'upstream' ? 'client' : 'server' });
      },
      detach: () => {},
      dispose: () => {},
    });
    return { upstream: stage('upstream'), downstream: stage('downstream') };
  },
};
