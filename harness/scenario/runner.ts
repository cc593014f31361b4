import { realTimers } from '../clock/clock.ts';
import { ScaledClock } from '../clock/scaled-clock.ts';
import { toMs } from '../util/duration.ts';
import { FlatlineError, isFlatlineError } from '../util/errors.ts';
import { embeddedFaults, remoteFaults, type FaultSetup, type RemoteToxiproxy } from './fault-setup.ts';
import { applyCaveats } from './caveats.ts';
import { judge } from './judge.ts';
import { outsideParties, substrateFor } from './parties.ts';
import { statusOf, type RunResult } from './results.ts';
import { isFleetScenario, type NetworkSpec, type Scenario, type SingleScenario } from './scenario.ts';
import { playFleet } from './fleet-run.ts';
import { fleetKinds } from '../fleet/members.ts';
import type { FleetRoster } from './judge.ts';
import type { SubjectPromises } from './subjects.ts';
import { natIdleFor } from './nat-spec.ts';
import { simNetworkFaults } from './network-faults.ts';
import { placeSubject } from './topology.ts';
import { applyStep, refuseNetworkStepsOnKernel, type StepTargets } from './steps.ts';
import { findSubject } from './subjects.ts';
import { playTimeline } from './timeline.ts';
import { timeLimitMs } from './time-limit.ts';
import '../subjects/index.ts'; // registers the gallery subjects (rws, socketio, the seed articles' clients)
import { natProblems, validateScenario } from './validate.ts';
import { CLOSE_LIMIT_MS, World, type NetworkSubstrate } from './world.ts';

export interface RunOptions {
  seed: number;
  /** The file the scenario came from (for ids and the replay line). */
  file: string;
  cell?: Record<string, unknown>;
  /**
   * Wall-clock watchdog: a run taking longer is ended and reported as an error. When given it
   * replaces the scenario's own `timeLimit` (`--time-limit`); else that, else 60 s (time-limit.ts).
   */
  wallLimitMs?: number;
  /** Faults through a remote Toxiproxy, in real time (default: the embedded network, in virtual time). */
  remote?: RemoteToxiproxy;
  /** Real-time runs: scenario time runs at this fraction of real speed (default 0.01 with `remote`). */
  timeScale?: number;
  /** Where the reference servers listen (default 127.0.0.1). */
  serverHost?: string;
  /** MQTT subjects talk to this broker instead of an in-process aedes. */
  mqttUrl?: string;
  /** The substrate under the world (default: sim, or kernel where substrateFor says so). */
  network?: NetworkSubstrate;
  /** Run a world with a party outside this process (--mqtt-url) in virtual time anyway; every verdict says so. */
  allowExternalInVirtualTime?: boolean;
}

/**
 * Real-time scheduling noise a verdict allows for, in real ms; scaled into scenario time. Also the
 * pause tolerance: a longer pause of the process is said in the verdicts (caveats.ts).
 */
const REAL_NOISE_MS = 40;

/** Names inside every run's world: the client is "client:subject", the server and its proxy "server". */
export const SUBJECT = 'subject';
export const SERVER = 'server';

/**
 * Runs one scenario in a fresh virtual world: servers, a proxy driven through the Toxiproxy API,
 * the subject, the timeline, then the checks. Never throws: whatever goes wrong becomes an
 * error result, and everything the run opened is closed before it returns.
 */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunResult> {
  const seed = scenario.seed ?? options.seed;
  const wallStart = realTimers.dateNow();
  const base = {
    id: `${options.file}#${scenario?.name}`,
    file: options.file,
    scenario: scenario?.name,
    description: scenario?.description,
    cell: options.cell,
    subject: subjectLabel(scenario),
    seed,
    finding: scenario?.finding,
    replay: `flatline run ${options.file} --filter ${JSON.stringify(scenario?.name)} --seed ${seed}`,
  };
  let world: World | undefined;
  let setup: FaultSetup | undefined;
  let watchdog: ReturnType<typeof realTimers.setTimeout> | undefined;
  let result: RunResult;
  try {
    validateScenario(scenario, options.file);
    const horizon = toMs(scenario.horizon, 'horizon');
    const timeScale = options.timeScale ?? (options.remote ? 0.01 : undefined);
    const wallLimitMs = timeLimitMs(scenario, options.wallLimitMs);
    const outside = outsideParties(options, protocolOf(scenario));
    world = new World({
      seed,
      clock: timeScale === undefined ? 'virtual' : { scale: timeScale },
      serverHost: options.serverHost,
      network: substrateFor({ timeScale, network: scenario.network?.substrate ?? options.network }, outside),
      closeLimitMs: Math.min(CLOSE_LIMIT_MS, wallLimitMs),
      outside,
      allowOutsideInVirtualTime: options.allowExternalInVirtualTime,
    });
    const w = world;
    if (!w.sim) refuseNetworkStepsOnKernel(scenario.timeline);
    watchdog = realTimers.setTimeout(
      () => w.abort(new FlatlineError('FLATLINE_ERR_CLOCK_LIMIT', `watchdog: the run took more than ${wallLimitMs / 1000} s of real time; it hangs or busy-loops, or needs a longer timeLimit (or --time-limit)`)),
      wallLimitMs,
    );
    const played: Played = isFleetScenario(scenario) ? await playFleet(w, scenario, { mqttUrl: options.mqttUrl, remote: options.remote }) : await playSingle(w, scenario, options, (s) => (setup = s));
    await w.idle(horizon - w.elapsed());
    const events = w.trace.events.slice(); // what teardown does afterwards is not part of the run
    const noiseMs = timeScale === undefined ? 0 : REAL_NOISE_MS / timeScale;
    const judged = judge(scenario.checks, events, `client:${SUBJECT}`, played.promised ?? {}, horizon, noiseMs, played.roster);
    const pauses = w.clock instanceof ScaledClock ? w.clock.pauses : [];
    const verdicts = applyCaveats(judged, { realTimePeers: w.realTimePeers, pauses, toleranceRealMs: REAL_NOISE_MS, origin: w.trace.origin, outside: w.outside });
    const { promised } = played;
    result = { ...base, status: statusOf(verdicts, scenario.finding), ...(promised && { promised }), verdicts, virtualMs: horizon, wallMs: 0, trace: events };
  } catch (err) {
    result = {
      ...base,
      status: 'error',
      verdicts: [],
      error: { code: isFlatlineError(err) ? err.code : 'FLATLINE_ERR_RUN', message: errorMessage(err) },
      virtualMs: world ? world.elapsed() : 0,
      wallMs: 0,
      trace: world?.trace.events.slice() ?? [],
    };
  } finally {
    realTimers.clearTimeout(watchdog);
  }
  const closeError = await closeQuietly(world, setup);
  // A world that does not let go is an error even when its verdicts hold: something the run started still runs.
  if (closeError && !result.error) result = { ...result, status: 'error', error: { code: closeError.code, message: closeError.message } };
  return { ...result, wallMs: realTimers.dateNow() - wallStart };
}

/** What a played world hands to the judge: the subject's promises, or the fleet's members. */
interface Played {
  promised?: SubjectPromises;
  roster?: FleetRoster;
}

/** The single-subject world: its server behind a proxy driven through the Toxiproxy API, the subject, the timeline. */
async function playSingle(w: World, scenario: SingleScenario, options: RunOptions, onSetup: (setup: FaultSetup) => void): Promise<Played> {
  const subject = findSubject(scenario.subject.kind);
  const subjectOptions = scenario.subject.options ?? {};
  const promises = subject.promises(subjectOptions);
  const server = await w.act(async () =>
    subject.createServer(w.serverContext(SERVER), { ...scenario.server, dedupe: scenario.server?.dedupe ?? promises.guarantee === 'exactly-once', brokerUrl: options.mqttUrl }),
  );
  const setup = options.remote ? await remoteFaults(w, server, SERVER, options.remote) : await embeddedFaults(w, server, SERVER);
  onSetup(setup);
  const { faults } = setup;
  const where = `${options.file}: scenario ${JSON.stringify(scenario.name)}`;
  const sim = w.sim;
  // On the simulated network the NAT is a middlebox in front of the subject's host; on kernel sockets the nat_idle toxic plays it.
  const place = sim && natProblems(() => placeSubject(sim, setup.target.port, scenario.network?.nat, w.trace.sink), where);
  for (const toxic of initialToxics(scenario.network, where, !place)) await w.act(() => faults.addToxic(SERVER, toxic));
  const target = place?.target ?? setup.target;
  const client = w.addClient(() => subject.createClient(w.clientContext(SUBJECT), target, subjectOptions), { host: place?.host });
  const network = place && simNetworkFaults({ network: sim, subject: place.host, server: sim.defaultHost, door: target, nat: place.nat, trace: w.trace.sink });
  const targets: StepTargets = { client, server, faults, proxy: SERVER, network };
  await playTimeline(w, scenario.timeline, (step) => applyStep(w, step, targets));
  return { promised: promises };
}

/** What the run's clients speak: MQTT when any member of a fleet does (an external broker is then a party). */
function protocolOf(scenario: Scenario): string {
  const protocols = (isFleetScenario(scenario) ? fleetKinds(scenario.fleet) : [scenario.subject.kind]).map((kind) => findSubject(kind).protocol);
  return protocols.includes('mqtt') ? 'mqtt' : protocols[0]!;
}

/** The subject kind a result is filed under: a fleet's kinds joined by "+". */
function subjectLabel(scenario: Scenario | undefined): string {
  if (scenario?.fleet && typeof scenario.fleet === 'object') return (scenario.fleet.mix ? Object.keys(scenario.fleet.mix).join('+') : scenario.fleet.subject?.kind) ?? 'unknown';
  return scenario?.subject?.kind as string; // absent in a malformed scenario, whose validation error says so
}

/** The network's starting toxics; on kernel sockets a NAT becomes the nat_idle toxic "nat". */
function initialToxics(network: NetworkSpec | undefined, where: string, natIdle: boolean) {
  const toxics = [...(network?.toxics ?? [])];
  const nat = network?.nat;
  if (nat !== undefined && natIdle) toxics.push({ name: 'nat', type: 'nat_idle', stream: 'downstream', attributes: { ...natProblems(() => natIdleFor(nat), where) } });
  return toxics;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const body = (err as { response?: { data?: { error?: string } } }).response?.data?.error;
    return body ? `${err.message}: ${body}` : err.message;
  }
  return String(err);
}

/** Closes the run's world; resolves with why it could not (it never rejects). */
async function closeQuietly(world: World | undefined, setup: FaultSetup | undefined): Promise<FlatlineError | undefined> {
  if (!world) return undefined;
  try {
    if (setup) await world.act(() => setup.close());
  } catch {
    // the world's close below releases what is left
  }
  try {
    await world.close();
    return undefined;
  } catch (err) {
    return isFlatlineError(err) ? err : new FlatlineError('FLATLINE_ERR_CLOSE', `closing the world failed: ${errorMessage(err)}`);
  }
}
