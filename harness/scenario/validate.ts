import { parseOrThrow } from '../schema/issues.ts';
import { toMs } from '../util/duration.ts';
import { FlatlineError } from '../util/errors.ts';
import { scenarioSchema, type Scenario } from './scenario.ts';
import { findSubject } from './subjects.ts';

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
  const scenario = parseOrThrow(scenarioSchema, s, where);
  let subject;
  try {
    subject = findSubject(scenario.subject.kind);
  } catch (err) {
    throw bad(`subject.kind: ${(err as Error).message}`);
  }
  const options = scenario.subject.options ?? {};
  if (subject.options) parseOrThrow(subject.options, options, where, { prefix: 'subject.options' });
  else if (Object.keys(options).length > 0) throw bad(`subject.options: subject "${subject.kind}" takes no options (got ${Object.keys(options).join(', ')})`);
  const horizon = toMs(scenario.horizon);
  scenario.timeline.forEach((step, i) => {
    if (toMs(step.at) > horizon) throw bad(`timeline[${i}].at ${JSON.stringify(step.at)} is after the horizon ${JSON.stringify(scenario.horizon)}; move it earlier or extend the horizon`);
  });
}
