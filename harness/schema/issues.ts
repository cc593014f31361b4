import * as v from 'valibot';
import { FlatlineError, type FlatlineErrorCode } from '../util/errors.ts';

/** "timeline[2].every", "subject.options.heartbeat": where an issue is, written as in the source. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** One line per issue: "timeline[2].evry: unknown field; did you mean "every"? ...". */
export function formatIssues(issues: readonly v.BaseIssue<unknown>[], prefix = ''): string[] {
  return issues.map((issue) => {
    const own = issuePath(issue);
    const path = prefix && own && !own.startsWith('[') ? `${prefix}.${own}` : prefix + own;
    return `${path ? `${path}: ` : ''}${issue.message}`;
  });
}

/**
 * Parses `input` with `schema` or throws one error listing every problem, each with its path.
 * `where` says whose input it was ("scenarios/nat.scenario.ts: scenario \"nat\"").
 */
export function parseOrThrow<S extends v.GenericSchema>(schema: S, input: unknown, where: string, options: { prefix?: string; code?: FlatlineErrorCode } = {}): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const lines = formatIssues(result.issues, options.prefix);
  throw new FlatlineError(options.code ?? 'FLATLINE_ERR_SCENARIO', lines.length === 1 ? `${where}: ${lines[0]}` : `${where}:\n${lines.map((l) => `  - ${l}`).join('\n')}`);
}
