import { FlatlineError } from '../util/errors.ts';
import type { Clock } from './clock.ts';

/**
 * A party of a world that lives outside this process (a mosquitto binary, a broker given by URL, a
 * remote Toxiproxy). It runs on real time: the virtual clock cannot move its timers (a broker's
 * keepalive, a Toxiproxy's latency), and its answers arrive while the virtual clock waits a few
 * real milliseconds and then jumps. Everything else in a world lives in this process, on its clock.
 */
export interface OutsideParty {
  /** What it is and where, as messages and verdicts name it: "the MQTT broker at mqtt://127.0.0.1:1883 (--mqtt-url)". */
  what: string;
}

/** The sentence every verdict judged against `party` in virtual time carries. */
export function realTimePeerCaveat(party: OutsideParty): string {
  return `judged in virtual time against ${party.what}, which runs on real time: its own timers were not on the virtual clock`;
}

/** How a run of the CLI opts in, and what it then gets. */
export const CLI_OPT_IN = 'pass --allow-external-in-virtual-time to run anyway with every verdict marked';

/**
 * Refuses `party` on a virtual clock unless the user opted in (`optIn` says how). Measured with
 * mosquitto at --mqtt-url in virtual time: healthy links reported `Keepalive timeout`, first
 * CONNACKs came at 1050 ms instead of 100, and two runs of one seed diverged. The remedy is real
 * (scaled) time.
 */
export function refuseOutsideInVirtualTime(clock: Pick<Clock, 'kind'>, party: OutsideParty, optedIn: boolean, optIn = CLI_OPT_IN): void {
  if (clock.kind !== 'virtual' || optedIn) return;
  throw new FlatlineError(
    'FLATLINE_ERR_EXTERNAL_PEER',
    `${party.what} lives outside this process and answers on real time, so virtual time cannot judge it ` +
      '(its timers do not follow the virtual clock, and its late replies become jumps of it). ' +
      `Run in real time with --time-scale 0.01, or ${optIn}`,
  );
}
