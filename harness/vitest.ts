/**
 * flatline inside your own vitest tests:
 *
 *   import { expect, it } from 'vitest';
 *   import { flatlineMatchers, runFlatline } from 'flatline/vitest';
 *   expect.extend(flatlineMatchers);
 *
 *   it('notices a blackhole within H + T', async () => {
 *     const run = await runFlatline({ ...scenario });
 *     expect(run).toDetectDeadLinkWithin('3m10s');
 *     expect(run).toFollowBackoff();
 *     expect(run).toDeliver('at-least-once');
 *   });
 *
 * The matchers judge the run's trace with the same checks `flatline run` uses; a failure message
 * carries the verdict's numbers and the replay line.
 */
import { checkBackoff } from './checks/backoff.ts';
import { checkDelivery } from './checks/delivery.ts';
import { checkDetection } from './checks/detection.ts';
import { isLiveExpiry } from './checks/keepalive.ts';
import type { Verdict } from './checks/verdict.ts';
import type { Guarantee } from './trace/events.ts';
import { backoffExpectationSchema, toBackoffExpectation, toMoment, type BackoffExpectationSpec } from './scenario/judge.ts';
import { parseOrThrow } from './schema/issues.ts';
import type { RunResult } from './scenario/results.ts';
import { runFlatline } from './scenario/run-flatline.ts';
import { SUBJECT } from './scenario/runner.ts';
import type { MomentSpec, Scenario } from './scenario/scenario.ts';
import { toMs, type Duration } from './util/duration.ts';

export type { RunResult, Scenario };
export type { RunFlatlineOptions } from './scenario/run-flatline.ts';
export { runFlatline };

const CLIENT = `client:${SUBJECT}`;

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function fromVerdict(run: RunResult, verdict: Verdict, what: string): MatcherResult {
  const pass = verdict.status === 'pass';
  return {
    pass,
    message: () =>
      pass
        ? `expected ${run.scenario} not to ${what}, but it did: ${verdict.summary}`
        : `expected ${run.scenario} to ${what}: ${verdict.summary}${run.error ? ` (run error: ${run.error.message})` : ''}\nreplay: ${run.replay}`,
  };
}

/**
 * The default death moment: the first fault the trace shows, a NAT mapping expiring or a toxic
 * added. A NAT toxic is no fault when it is added, only when its mapping expires.
 */
function firstFault(run: RunResult): MomentSpec | undefined {
  const fault = run.trace.find((e) => isLiveExpiry(e) || (e.type === 'toxic.added' && e.toxicType !== 'nat_idle'));
  return fault === undefined ? undefined : fault.t;
}

export const flatlineMatchers = {
  /** The client declared the link dead within `bound` of `death` (default: the first fault in the trace). */
  toDetectDeadLinkWithin(run: RunResult, bound: Duration, death?: MomentSpec): MatcherResult {
    const moment = death ?? firstFault(run);
    if (moment === undefined) return { pass: false, message: () => `expected ${run.scenario} to detect a dead link, but no fault happened in the run` };
    const verdict = checkDetection(run.trace, { client: CLIENT, death: toMoment(moment, 'death'), boundMs: toMs(bound, 'bound') });
    return fromVerdict(run, verdict, `detect the dead link within ${String(bound)}`);
  },

  /** Reconnect delays follow `expect`, a schedule or a policy as in a backoff check (default: the schedule the subject promised). */
  toFollowBackoff(run: RunResult, expect?: BackoffExpectationSpec): MatcherResult {
    const expectation = expect === undefined ? run.promised?.backoff : toBackoffExpectation(parseOrThrow(backoffExpectationSchema, expect, 'toFollowBackoff(expect)', { code: 'FLATLINE_ERR_USAGE' }));
    if (!expectation) return { pass: false, message: () => `${run.subject} promises no reconnect schedule; pass one to toFollowBackoff` };
    return fromVerdict(run, checkBackoff(run.trace, { client: CLIENT, expect: expectation, endAt: run.virtualMs }), 'follow its backoff schedule');
  },

  /** Every message was delivered as `guarantee` promises. */
  toDeliver(run: RunResult, guarantee: Guarantee, options: { ordered?: boolean } = {}): MatcherResult {
    return fromVerdict(run, checkDelivery(run.trace, { guarantee, ordered: options.ordered }), `deliver ${guarantee}`);
  },

  /** Every verdict of the scenario's own checks held. */
  toPassItsChecks(run: RunResult): MatcherResult {
    const failed = run.verdicts.filter((v) => v.status !== 'pass');
    const pass = run.status === 'pass';
    return {
      pass,
      message: () =>
        pass
          ? `expected ${run.scenario} to fail a check, but every verdict held`
          : `expected ${run.scenario} to pass its checks: ${run.error?.message ?? failed.map((v) => `${v.check}: ${v.summary}`).join('; ')}\nreplay: ${run.replay}`,
    };
  },
};

declare module 'vitest' {
  interface Matchers<T = any> {
    toDetectDeadLinkWithin(bound: Duration, death?: MomentSpec): T;
    toFollowBackoff(expect?: BackoffExpectationSpec): T;
    toDeliver(guarantee: Guarantee, options?: { ordered?: boolean }): T;
    toPassItsChecks(): T;
  }
}
