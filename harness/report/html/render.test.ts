import { describe, expect, it } from 'vitest';
import { summarize, type RunResult } from '../../scenario/results.ts';
import { fakeRun } from '../../../test/support/fake-run.ts';
import { cspHash } from './embed.ts';
import { renderHtml } from './render.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';

function page(runs: RunResult[]): string {
  return renderHtml({ flatline: '0.1.0', seed: 1, summary: summarize(runs, 1), runs });
}

/** The inline scripts and JSON blocks, as the HTML parser would cut them out. */
function scripts(html: string) {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map(([, attributes, body]) => ({ attributes: attributes!, body: body! }));
}

describe('renderHtml', () => {
  const html = page([
    fakeRun({ scenario: HOSTILE, status: 'fail', verdicts: [{ check: 'detection', status: 'fail', summary: `${HOSTILE} not detected`, measured: {} }] }),
    fakeRun({ scenario: 'error run', status: 'error', error: { code: 'FLATLINE_ERR_RUN', message: '</script><script>alert(2)</script>' } }),
    fakeRun({
      scenario: 'messages',
      trace: [
        { t: 1, source: 'client:subject', type: 'message.sent', id: '<b>id</b>' },
        { t: 2, source: 'server:server', type: 'message.delivered', id: '<b>id</b>', body: '<iframe src=//evil>' },
      ],
    }),
  ]);

  it('puts names, messages and errors only in the JSON data, where no "<" survives', () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('alert(2)</script>');
    expect(html).not.toContain('<iframe');
    const [data, script, ...rest] = scripts(html);
    expect(rest).toEqual([]);
    expect(data!.attributes).toBe(' type="application/json" id="flatline-data"');
    expect(data!.body).not.toContain('<');
    const parsed = JSON.parse(data!.body);
    expect(parsed.runs.map((r: { scenario: string }) => r.scenario)).toEqual([HOSTILE, 'error run', 'messages']);
    expect(parsed.runs[1].error.message).toBe('</script><script>alert(2)</script>');
    expect(script!.attributes).toBe('');
  });

  it('allows exactly its own script and no network through its Content-Security-Policy', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const script = scripts(html)[1]!.body;
    expect(csp).toBe(`default-src 'none'; script-src ${cspHash(script)}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`);
  });

  it('is one file: no external script, stylesheet, image or font', () => {
    const markup = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '<script></script>');
    expect(markup).not.toMatch(/<(link|img|iframe)\b/i);
    expect(markup).not.toMatch(/\s(src|href)=/i);
    expect(markup).not.toMatch(/@import|url\(/i);
    expect(scripts(html)[1]!.body).toContain('uPlot');
  });

  it('says the counts in its title', () => {
    expect(html).toContain('<title>flatline report: 1 failed, 1 errors, 0 findings, 1 passed</title>');
  });
});
