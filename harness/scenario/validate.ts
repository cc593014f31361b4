import { fleetKinds, shareProblem, shareSize } from '../fleet/members.ts';
import { parseOrThrow } from '../schema/issues.ts';
import { formatMs, toMs } from '../util/duration.ts';
import { FlatlineError } from '../util/errors.ts';
import { SINGLE_CLIENT_CHECKS } from './judge.ts';
import { scenarioSchema, type FleetScenario, type Scenario } from './scenario.ts';
import { checkNatSpec, NatSpecProblem } from './nat-spec.ts';
import { findSubject } from './subjects.ts';
import { NAT_PUBLIC_PORTS } from '../sim/nat.ts';

/**
 * Checks a scenario before anything starts, against the schema of every part and the chosen
 * subject's options schema, so a mistake is reported with its file, its path and the name that was
 * probably meant ("nat.scenario.ts: scenario \"nat\": timeline[2].evry: unknown field; did you mean
 * \"every\"?") instead of as a strange run or a silent default.
 */
export function validateScenario(s: Scenario, file?: string): void {
  const name = typeof s === 'object' && s !== null && typeof s.name === 'string' ? s.name : undefined;
  const where = [file, name === undefined ? 'scenario' : `scenario ${JSON.stringify(name)}`].filter(Boolean).join(': ');
  const bad = (what: string) => new FlatlineError('FLATLINE_ERR_SCENARIO', `${where}: ${what}`);
  if (typeof s !== 'object' || s === null || Array.isArray(s)) throw bad('must be an object; use defineScenario({...})');
  const scenario = parseOrThrow(scenarioSchema, s, where) as Scenario;
  const subject = (kind: string, path: string) => {
    try {
      return findSubject(kind);
    } catch (err) {
      throw bad(`${path}: ${(err as Error).message}`);
    }
  };
  const checkOptions = (kind: string, options: Record<string, unknown>, kindPath: string, path = kindPath) => {
    const definition = subject(kind, kindPath);
    if (definition.options) parseOrThrow(definition.options, options, where, { prefix: path });
    else if (Object.keys(options).length > 0) throw bad(`${path}: subject "${definition.kind}" takes no options (got ${Object.keys(options).join(', ')})`);
  };
  if (scenario.fleet) validateFleet(scenario, bad, checkOptions);
  else checkOptions(scenario.subject.kind, (scenario.subject.options ?? {}) as Record<string, unknown>, 'subject.kind', 'subject.options');
  const nat = scenario.network?.nat;
  if (nat !== undefined) natProblems(() => checkNatSpec(nat), where);
  const horizon = toMs(scenario.horizon);
  scenario.timeline.forEach((step, i) => {
    if (toMs(step.at) > horizon) throw bad(`timeline[${i}].at ${JSON.stringify(step.at)} is after the horizon ${JSON.stringify(scenario.horizon)}; move it earlier or extend the horizon`);
  });
}

function validateFleet(scenario: FleetScenario, bad: (what: string) => Error, checkOptions: (kind: string, options: Record<string, unknown>, kindPath: string, path?: string) => void): void {
  const { fleet } = scenario;
  if (fleet.subject) checkOptions(fleet.subject.kind, fleet.subject.options ?? {}, 'fleet.subject.kind', 'fleet.subject.options');
  for (const kind of Object.keys(fleet.mix ?? {})) checkOptions(kind, {}, `fleet.mix.${kind}`);
  scenario.timeline.forEach((step, i) => {
    const problem = 'share' in step && step.share !== undefined ? shareProblem(fleet, step.share) : undefined;
    if (problem) throw bad(`timeline[${i}].share: ${problem}`);
  });
  const nat = scenario.network?.nat;
  if (scenario.network?.toxics?.length) throw bad('network.toxics: a fleet talks to its servers with no proxy for toxics to sit on; shape its members\' paths with partition / heal steps, or put them behind network.nat');
  if (fleet.nats !== undefined && nat === undefined) throw bad('fleet.nats: give network.nat too, the kind of NAT the members stand behind');
  const perNat = Math.ceil(fleet.size / (fleet.nats ?? 1));
  if (nat !== undefined && perNat > NAT_PUBLIC_PORTS) {
    throw bad(`fleet.nats: ${perNat} members behind one NAT is more than its ${NAT_PUBLIC_PORTS} public ports hold, one connection each; give fleet.nats at least ${Math.ceil(fleet.size / NAT_PUBLIC_PORTS)}`);
  }
  const horizon = toMs(scenario.horizon);
  const behind = scenario.network?.behind ?? [];
  behind.forEach((b, i) => {
    const where = `network.behind[${i}]`;
    const problem = shareProblem(fleet, b.share);
    if (problem) throw bad(`${where}.share: ${problem}`);
    if (behind.findIndex((other) => other.share === b.share) < i) throw bad(`${where}.share: ${JSON.stringify(b.share)} stands behind NATs already (network.behind[${behind.findIndex((other) => other.share === b.share)}]); give each share once`);
    try {
      checkNatSpec(b.nat);
    } catch (err) {
      if (err instanceof NatSpecProblem) throw bad(err.message.replace(/^network\.nat/, `${where}.nat`));
      throw err;
    }
    const perShareNat = Math.ceil(shareSize(fleet, b.share) / (b.nats ?? 1));
    if (perShareNat > NAT_PUBLIC_PORTS) throw bad(`${where}.nats: ${perShareNat} members behind one NAT is more than its ${NAT_PUBLIC_PORTS} public ports hold, one connection each; give nats at least ${Math.ceil(shareSize(fleet, b.share) / NAT_PUBLIC_PORTS)}`);
  });
  scenario.timeline.forEach((step, i) => {
    if (step.do === 'nat-flush' && nat === undefined && behind.length === 0) throw bad(`timeline[${i}]: nat-flush needs NATs to flush; give the fleet network.nat or network.behind`);
    const takeover = step.do === 'failover' ? toMs(step.at) + toMs(step.gap ?? 0) : 0;
    if (takeover > horizon) throw bad(`timeline[${i}].gap: the standby would take over at ${formatMs(takeover)}, after the horizon ${JSON.stringify(scenario.horizon)}; shorten the gap or extend the horizon`);
  });
  const kinds = fleetKinds(fleet);
  scenario.checks.forEach((check, i) => {
    if (SINGLE_CLIENT_CHECKS.includes(check.check)) throw bad(`checks[${i}]: the ${check.check} check judges one client; a fleet is judged with herd and delivery`);
    if (check.check === 'herd' && check.subject !== undefined && !kinds.includes(check.subject)) {
      throw bad(`checks[${i}].subject: "${check.subject}" is not a subject kind of this fleet (${kinds.join(', ')})`);
    }
  });
}

/** Runs `check`, turning a problem with network.nat into the scenario's error. */
export function natProblems<T>(check: () => T, where: string): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof NatSpecProblem) throw new FlatlineError('FLATLINE_ERR_SCENARIO', `${where}: ${err.message}`);
    throw err;
  }
}
