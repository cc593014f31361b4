import type { Verdict } from '../checks/verdict.ts';
import { realTimePeerCaveat, type OutsideParty } from '../clock/liveness.ts';
import type { Pause } from '../clock/scaled-clock.ts';
import { formatMs } from '../util/duration.ts';

/** What a run's verdicts must carry besides their numbers. */
export interface CaveatInputs {
  /** External parties judged in virtual time because the user opted in: every verdict says so. */
  realTimePeers: readonly OutsideParty[];
  /** Pauses of this process that a scaled clock skipped (none in virtual time). */
  pauses: readonly Pause[];
  /** Real ms of pause the verdicts tolerate; a longer pause is reported. */
  toleranceRealMs: number;
  /** Clock time the run began at, so a pause reads in scenario time. */
  origin: number;
  /** Parties outside this process in a real-time run: they kept running while this process was paused. */
  outside: readonly OutsideParty[];
}

/**
 * Marks a run's verdicts with what they were judged under. A pause of this process longer than the
 * tolerance is said in every verdict; the scaled clock skipped it, so in-process timings stand, but
 * an outside party did not pause, so with one a failing verdict cannot be trusted and becomes an
 * error ("not judged") instead of a failure.
 */
export function applyCaveats(verdicts: Verdict[], inputs: CaveatInputs): Verdict[] {
  const notes = inputs.realTimePeers.map(realTimePeerCaveat);
  const beyond = inputs.pauses.filter((p) => p.realMs > inputs.toleranceRealMs);
  const longest = beyond.reduce<Pause | undefined>((a, p) => (a && a.realMs >= p.realMs ? a : p), undefined);
  let unjudged: string | undefined;
  if (longest) {
    const pause =
      `the process was paused for ${longest.realMs} ms of real time at ${formatMs(longest.at - inputs.origin)}` +
      `${beyond.length > 1 ? ` (${beyond.length} pauses)` : ''}, beyond the ${inputs.toleranceRealMs} ms tolerance`;
    if (inputs.outside.length > 0) unjudged = `${pause}, while ${inputs.outside.map((p) => p.what).join(' and ')} kept running`;
    else notes.push(`${pause}; the clock skipped it, so timings inside this process stand`);
  }
  return verdicts.map((verdict) => {
    const caveats = [...notes];
    let marked = verdict;
    if (unjudged) {
      caveats.push(unjudged);
      if (verdict.status === 'fail') marked = { ...verdict, status: 'error', summary: `not judged: ${verdict.summary}` };
    }
    return caveats.length ? { ...marked, caveats, summary: `${marked.summary} [${caveats.join('; ')}]` } : marked;
  });
}
