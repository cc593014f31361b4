import type { ResultsFile, RunResult } from '../scenario/results.ts';

/**
 * JUnit XML for CI: one testsuite per scenario file, one testcase per run. A fail is a
 * <failure>, an error an <error>; an expected finding passes, with the finding in system-out.
 */
export function renderJunit(results: ResultsFile): string {
  const byFile = new Map<string, RunResult[]>();
  for (const run of results.runs) byFile.set(run.file, [...(byFile.get(run.file) ?? []), run]);
  const suites = [...byFile].map(([file, runs]) => {
    const failures = runs.filter((r) => r.status === 'fail').length;
    const errors = runs.filter((r) => r.status === 'error').length;
    const time = runs.reduce((sum, r) => sum + r.wallMs, 0) / 1000;
    return [
      `  <testsuite name="${xml(file)}" tests="${runs.length}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">`,
      ...runs.map(testcase),
      '  </testsuite>',
    ].join('\n');
  });
  const s = results.summary;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="flatline" tests="${s.total}" failures="${s.fail}" errors="${s.error}" time="${(s.wallMs / 1000).toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function testcase(run: RunResult): string {
  const open = `    <testcase classname="${xml(run.file)}" name="${xml(run.scenario)}" time="${(run.wallMs / 1000).toFixed(3)}">`;
  const verdicts = run.verdicts.map((v) => `${v.status.toUpperCase()} ${v.check}: ${v.summary}`).join('\n');
  const body: string[] = [];
  if (run.status === 'fail') {
    const failed = run.verdicts.filter((v) => v.status === 'fail');
    body.push(`      <failure message="${xml(failed.map((v) => `${v.check}: ${v.summary}`).join('; '))}">${xml(`${verdicts}\nreplay: ${run.replay}`)}</failure>`);
  }
  if (run.status === 'error') {
    const message = run.error?.message ?? run.verdicts.filter((v) => v.status === 'error').map((v) => `${v.check}: ${v.summary}`).join('; ');
    body.push(`      <error message="${xml(message)}" type="${xml(run.error?.code ?? 'verdict error')}">${xml(`${verdicts}\nreplay: ${run.replay}`)}</error>`);
  }
  if (run.status === 'finding') body.push(`      <system-out>${xml(`expected finding: ${run.finding}\n${verdicts}`)}</system-out>`);
  return body.length ? `${open}\n${body.join('\n')}\n    </testcase>` : `${open.slice(0, -1)}/>`;
}

/**
 * Escapes text for XML attributes and content, and drops characters XML 1.0 cannot hold (its Char
 * production: https://www.w3.org/TR/xml/#charsets). Astral characters (emoji) are legal: the `u`
 * flag reads a surrogate pair as one code point, so only lone surrogates go.
 */
export function xml(text: string): string {
  return String(text)
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
