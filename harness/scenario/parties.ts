import type { OutsideParty } from '../clock/liveness.ts';
import { FlatlineError } from '../util/errors.ts';
import type { NetworkSubstrate } from './substrate.ts';

/** The options that bring a party from outside this process into a run. */
export interface OutsideOptions {
  /** MQTT subjects talk to this broker instead of an in-process aedes. */
  mqttUrl?: string;
  /** Faults through this Toxiproxy. */
  remote?: { url: string };
}

/**
 * The parties a run's options bring from outside this process: the broker `--mqtt-url` names, for
 * a subject that talks MQTT (every subject when `protocol` is not known yet), and the Toxiproxy
 * `--toxiproxy` names. Everything else in a world (subject, reference servers, aedes, flatline's
 * proxies) lives in this process.
 */
export function outsideParties(options: OutsideOptions, protocol?: string): OutsideParty[] {
  const parties: OutsideParty[] = [];
  if (options.mqttUrl && (protocol === undefined || protocol === 'mqtt')) parties.push({ what: `the MQTT broker at ${options.mqttUrl} (--mqtt-url)` });
  if (options.remote) parties.push({ what: `the Toxiproxy at ${options.remote.url} (--toxiproxy)` });
  return parties;
}

/**
 * The substrate a run stands on: the simulated network, unless a party lives outside this process
 * or the run is in real time; those need kernel sockets.
 */
export function substrateFor(options: { network?: NetworkSubstrate; timeScale?: number }, outside: readonly OutsideParty[]): NetworkSubstrate {
  const needsKernel = outside[0]?.what ?? (options.timeScale !== undefined ? 'a real-time run (--time-scale)' : undefined);
  if (needsKernel === undefined) return options.network ?? 'sim';
  if (options.network === 'sim') {
    throw new FlatlineError('FLATLINE_ERR_USAGE', `--network sim cannot carry ${needsKernel}: the simulated network exists only inside this process and only in virtual time; use --network kernel (the default for such runs)`);
  }
  return 'kernel';
}
