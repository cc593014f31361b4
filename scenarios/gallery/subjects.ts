import type { BackoffExpectation } from '../../harness/checks/backoff.ts';
import { backoffExpectation, findSubject } from '../../harness/scenario/subjects.ts';

/**
 * The gallery's columns: the reference clients (the baseline), the off-the-shelf clients with their
 * defaults, and the clients of the seed articles as written there (XMPPFramework with its defaults).
 */
export const GALLERY_SUBJECTS = ['tcp', 'ws', 'rws', 'socketio', 'xmpp', 'seed-raw', 'seed-cocoa', 'seed-rocket', 'seed-mqttkit', 'seed-xmppframework'] as const;

export type GallerySubject = (typeof GALLERY_SUBJECTS)[number];

/** The gallery's rows: the same core cases for every subject. */
export type GalleryCase = 'nat-idle' | 'blackhole' | 'half-open' | 'latency' | 'restart' | 'delivery';

/** Where a subject really falls short, measured by the gallery itself (rerun it to see the numbers move). */
const FINDINGS: Record<GalleryCase, Partial<Record<GallerySubject, string>>> = {
  'nat-idle': {
    rws: 'no heartbeat: the 5m NAT mapping expires unnoticed, and all 10 messages sent after 30m of quiet are written into it and lost',
    'seed-raw': 'no heartbeat: the 5m NAT mapping expires unnoticed, and all 10 messages sent after 30m of quiet are written into it and lost',
  },
  blackhole: {
    rws: 'no heartbeat, so only a close event could tell it: the blackhole is never noticed (not in 10m; bound 3m10s)',
    'seed-raw': 'no heartbeat: the blackhole is never noticed (not in 10m; bound 3m10s)',
    'seed-cocoa': 'its 15s heartbeat is write-only and nothing waits for a reply: the blackhole is never noticed (not in 20m)',
    'seed-rocket': 'pings every 3m but ignores the pongs: the blackhole is never noticed (not in 20m)',
  },
  'half-open': {
    rws: 'the close event it relies on never comes: the vanished server is never noticed (not in 10m; bound 3m10s)',
    'seed-raw': 'recv() never returns 0 without a FIN: the vanished server is never noticed (not in 10m)',
    'seed-cocoa': 'the disconnect callback it waits for never fires: the vanished server is never noticed (not in 25m)',
    'seed-rocket': 'pongs are not awaited: the vanished server is never noticed (not in 25m)',
  },
  latency: {
    rws: 'its 4s connectionTimeout is shorter than a handshake round trip at 2s ± 1s each way (up to 6s): with seed 2 the first attempt times out at 4s',
    socketio: "the polling-to-WebSocket upgrade can overrun engine.io's 10s upgradeTimeout at 2s ± 1s each way: seed 1 drops the session 18.4s in (transport close)",
  },
  restart: {
    'seed-raw': 'never reconnects: down for good after the crash (no attempt in 20m; the server was back after 3m)',
    'seed-rocket': 'gives up after 7 tries (at once, then 2..64s), 2m6s into a 3m outage: never back',
    'seed-mqttkit': 'the manager never calls connect again after a drop: down for good after the crash (no attempt in 20m)',
  },
  delivery: {
    rws: 'no acks: the 60 messages written into the 1m blackhole are lost (540 of 600 delivered)',
    socketio: 'at-most-once by default: the 25 messages emitted into the blackhole before the ping timeout are never acked nor sent again (575 of 600 delivered)',
    'seed-raw': 'the 60 messages written into the blackhole are lost, and it never reconnects after the crash (291 of 600 delivered)',
    'seed-cocoa': 'the 60 messages written into the blackhole are lost; sends between its 1s retries are dropped (479 of 600 delivered)',
    'seed-rocket': 'the 60 messages written into the blackhole are lost; sends while it has no socket are dropped (478 of 600 delivered)',
    'seed-mqttkit': 'QoS 2 survives the blackhole, but the crash ends the connection for good: the 309 messages queued after it are never sent (291 of 600 delivered)',
    'seed-xmppframework': 'no acks (neither XEP-0198 nor XEP-0184): the 60 messages written into the blackhole before the ping timeout are never confirmed nor resent, and the 64 sent while disconnected are dropped (476 of 600 delivered)',
  },
};

export function findingFor(subject: GallerySubject, galleryCase: GalleryCase): string | undefined {
  return FINDINGS[galleryCase][subject];
}

/**
 * The subject's own reconnect delays, held to "keeps trying": after a restart the question is
 * whether it comes back, so a client that gives up mid-outage falls short even if it promised to.
 * A subject with no schedule of its own is held to the reference client's.
 */
export function keepsTrying(subject: GallerySubject): BackoffExpectation {
  const { giveUpAfter: _ignored, ...delays } = findSubject(subject).promises({}).backoff ?? backoffExpectation(undefined);
  return delays;
}
