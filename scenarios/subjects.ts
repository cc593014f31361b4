/**
 * The subjects every built-in suite judges, and what each is known to lack: a subject's shortfall
 * in a given case is an expected finding (shown in the results, not a suite failure).
 */
export const SUBJECTS = ['tcp', 'ws'] as const;

export type BuiltInSubject = (typeof SUBJECTS)[number];

/** Known shortfalls, by subject and case; undefined means the subject is expected to pass. */
export const FINDINGS: Partial<Record<string, Partial<Record<string, string>>>> = {};

export function findingFor(subject: string, scenarioCase: string): string | undefined {
  return FINDINGS[subject]?.[scenarioCase];
}
