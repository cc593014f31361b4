/**
 * 'flatline/toxiproxy': a Toxiproxy-compatible server (the same HTTP API, paths, JSON and status
 * codes) over flatline's fault network, on the real clock, for tests that drive a Toxiproxy client.
 *
 *   const toxiproxy = await startToxiproxy({ port: 0 });
 *   // new Toxiproxy(toxiproxy.url) ...
 *   await toxiproxy.close();
 */
import { RealClock } from './clock/real-clock.ts';
import { startApiServer, type ApiServer } from './net/api/server.ts';
import { FaultNetwork } from './net/network.ts';
import { noTrace } from './trace/trace.ts';
import { Rng } from './util/rng.ts';

export type { ApiServer };
export { toxicTypes } from './net/toxics/index.ts';

export interface ToxiproxyOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8474, Toxiproxy's; 0 picks a free port. */
  port?: number;
  /** Seed of the toxicity rolls and jitter (default 1): same seed, same faults. */
  seed?: number;
}

export function startToxiproxy({ host, port, seed = 1 }: ToxiproxyOptions = {}): Promise<ApiServer> {
  const network = new FaultNetwork({ clock: new RealClock(), rng: new Rng(seed), trace: noTrace });
  return startApiServer({ network, host, port });
}
