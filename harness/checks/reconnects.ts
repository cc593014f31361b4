import type { TraceEvent } from '../trace/trace.ts';

/** One reconnect attempt as the trace shows it. */
export interface ReconnectAttempt {
  /** The number the client gave it (`attempt` of connect.attempt / reconnect.scheduled). */
  attempt: number;
  /** When it began. */
  at: number;
  /** The wait before it: from the failure before it to `at`. */
  delayMs: number;
  /** The delay the client announced in reconnect.scheduled, if it did. */
  announcedMs: number | null;
  /** It led to `connected`. */
  connected: boolean;
}

/**
 * How an episode ended: a connection that stayed up, a reconnect.gave_up, the user's disconnect,
 * or still trying when the trace ends.
 */
export type EpisodeEnd = 'connected' | 'gave_up' | 'user_disconnect' | 'trying';

/** The reconnect attempts between losing a connection and having a stable one again. */
export interface ReconnectEpisode {
  /** When the connection was lost (or the first connect failed). */
  lostAt: number;
  attempts: ReconnectAttempt[];
  end: EpisodeEnd;
  /** Still trying at the end of the trace and between attempts: the failure it has waited since. */
  waitingSince: number | null;
}

export interface ReconnectHistory {
  episodes: ReconnectEpisode[];
  /** Reconnect attempts made after the user asked to disconnect: there must be none. */
  afterUserDisconnect: number;
}

export interface ReconnectHistoryOptions {
  /**
   * A connection must last this long to end an episode (and reset the attempt counter); shorter
   * ones are part of the outage. Default 0: any connection counts.
   */
  stableMs?: number;
}

/** A failure: the point a following attempt's delay is measured from. */
const isDown = (e: TraceEvent) =>
  e.type === 'link.dead' || e.type === 'reconnect.scheduled' || (e.type === 'state' && (e.state === 'closed' || e.state === 'waiting'));

/**
 * Splits one client's reconnects into episodes. Works from connect.attempt times alone (adapters
 * for off-the-shelf clients) and uses reconnect.scheduled where the client announces its delays.
 */
export function reconnectHistory(events: readonly TraceEvent[], client: string, options: ReconnectHistoryOptions = {}): ReconnectHistory {
  const stableMs = options.stableMs ?? 0;
  const episodes: ReconnectEpisode[] = [];
  let afterUserDisconnect = 0;
  let episode: ReconnectEpisode | undefined;
  let connectedAt: number | undefined;
  let downAt: number | undefined;
  /** An attempt has begun and has not failed (yet). */
  let inFlight = false;
  /** A failure came after the last attempt: the client is waiting to try again. */
  let waiting = false;
  let announced: { attempt: number; delayMs: number } | undefined;
  let userDisconnected = false;

  const open = (t: number): ReconnectEpisode => {
    if (!episode) {
      episode = { lostAt: t, attempts: [], end: 'trying', waitingSince: null };
      episodes.push(episode);
    }
    return episode;
  };
  const close = (end: EpisodeEnd) => {
    if (episode) episode.end = end;
    episode = undefined;
  };

  for (const e of events) {
    if (e.source !== client) continue;
    if (e.type === 'disconnect.requested') {
      userDisconnected = true;
      announced = undefined; // cancelled
      close('user_disconnect');
    } else if (e.type === 'connect.attempt' && e.attempt === 0) {
      userDisconnected = false; // the user connects (again)
      inFlight = true;
    } else if (userDisconnected) {
      if (e.type === 'connect.attempt') afterUserDisconnect++;
    } else if (e.type === 'connected') {
      connectedAt = e.t;
      const last = episode?.attempts.at(-1);
      if (last) last.connected = true;
    } else if (e.type === 'connect.attempt') {
      open(downAt ?? e.t).attempts.push({
        attempt: Number(e.attempt),
        at: e.t,
        delayMs: e.t - (downAt ?? e.t),
        announcedMs: announced && announced.attempt === e.attempt ? announced.delayMs : null,
        connected: false,
      });
      announced = undefined;
      inFlight = true;
      waiting = false;
    } else if (e.type === 'reconnect.gave_up') {
      close('gave_up');
    } else if (isDown(e)) {
      // A lost connection or a failed attempt starts an outage (or continues it: a connection
      // shorter than stableMs does not end the outage it belongs to).
      if (connectedAt !== undefined && e.t - connectedAt >= stableMs) close('connected');
      if (connectedAt !== undefined || inFlight) open(e.t);
      connectedAt = undefined;
      inFlight = false;
      if (e.type === 'reconnect.scheduled') announced = { attempt: Number(e.attempt), delayMs: Number(e.delayMs) };
      downAt = e.t;
      waiting = true;
    }
  }

  if (episode?.attempts.at(-1)?.connected) close('connected');
  if (episode && waiting) episode.waitingSince = downAt ?? null;
  return { episodes, afterUserDisconnect };
}
