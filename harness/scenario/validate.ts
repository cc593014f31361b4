import { toMs } from '../util/duration.ts';
import { FlatlineError } from '../util/errors.ts';
import type { CheckSpec, Scenario, Step } from './scenario.ts';
import { findSubject } from './subjects.ts';

const STEPS: readonly Step['do'][] = ['connect', 'disconnect', 'send', 'add-toxic', 'remove-toxic', 'stop-server', 'start-server', 'disable-proxy', 'enable-proxy'];
const CHECKS: readonly CheckSpec['check'][] = ['detection', 'no-false-alarm', 'keepalive', 'backoff', 'delivery'];

/**
 * Checks a scenario before anything starts, so a mistake is reported with its place
 * ("scenario \"nat/tcp\": timeline[2].at \"9h\" is after the horizon 8h") instead of as a strange run.
 */
export function validateScenario(s: Scenario): void {
  const bad = (what: string) => new FlatlineError('FLATLINE_ERR_SCENARIO', `scenario ${JSON.stringify(s?.name ?? '(unnamed)')}: ${what}`);
  if (typeof s !== 'object' || s === null) throw new FlatlineError('FLATLINE_ERR_SCENARIO', 'a scenario must be an object; use defineScenario({...})');
  if (typeof s.name !== 'string' || s.name.trim() === '') throw bad('name must be a non-empty string');
  if (typeof s.subject !== 'object' || typeof s.subject?.kind !== 'string') throw bad('subject must be { kind: "tcp" | "ws" | ... , options? }');
  try {
    findSubject(s.subject.kind);
  } catch (err) {
    throw bad((err as Error).message);
  }
  const horizon = withPlace(() => toMs(s.horizon, 'horizon'), bad);
  if (horizon <= 0) throw bad('horizon must be longer than 0; write it like "24h"');
  if (!Array.isArray(s.timeline)) throw bad('timeline must be an array of steps like { at: "1m", do: "connect" }');
  s.timeline.forEach((step, i) => {
    const where = `timeline[${i}]`;
    if (!STEPS.includes(step?.do)) throw bad(`${where}.do ${JSON.stringify(step?.do)} is not a step; use one of ${STEPS.join(', ')}`);
    const at = withPlace(() => toMs(step.at, `${where}.at`), bad);
    if (at > horizon) throw bad(`${where}.at ${JSON.stringify(step.at)} is after the horizon ${JSON.stringify(s.horizon)}; move it earlier or extend the horizon`);
    if (step.do === 'send') {
      if (step.count !== undefined && !(Number.isInteger(step.count) && step.count > 0)) throw bad(`${where}.count must be a positive whole number`);
      if (step.every !== undefined) withPlace(() => toMs(step.every!, `${where}.every`), bad);
    }
    if (step.do === 'add-toxic' && (typeof step.toxic !== 'object' || typeof step.toxic?.type !== 'string')) throw bad(`${where}.toxic must be a toxic like { type: "latency", attributes: { latency: 100 } }`);
    if (step.do === 'remove-toxic' && typeof step.name !== 'string') throw bad(`${where}.name must name the toxic to remove`);
  });
  if (!Array.isArray(s.checks) || s.checks.length === 0) throw bad('checks must list at least one check; a scenario that judges nothing cannot pass or fail');
  s.checks.forEach((c, i) => {
    if (!CHECKS.includes(c?.check)) throw bad(`checks[${i}].check ${JSON.stringify(c?.check)} is not a check; use one of ${CHECKS.join(', ')}`);
  });
  if (s.seed !== undefined && !Number.isInteger(s.seed)) throw bad('seed must be a whole number');
}

function withPlace<T>(fn: () => T, bad: (what: string) => Error): T {
  try {
    return fn();
  } catch (err) {
    throw bad((err as Error).message);
  }
}
