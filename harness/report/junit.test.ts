import { describe, expect, it } from 'vitest';
import { summarize } from '../scenario/results.ts';
import { fakeRun } from '../../test/support/fake-run.ts';
import { renderJunit, xml } from './junit.ts';

describe('JUnit XML', () => {
  it('keeps emoji and other astral characters, drops what XML 1.0 cannot hold', () => {
    expect(xml('nat 📱 idle')).toBe('nat 📱 idle');
    expect(xml('𝄞 clef, 中文')).toBe('𝄞 clef, 中文');
    // A lone surrogate, a NUL and a form feed are not XML characters.
    expect(xml('a\uD83Db\u0000c\u000Cd')).toBe('abcd');
    expect(xml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
  });

  it('writes a testcase per run with the scenario name as written', () => {
    const runs = [fakeRun({ scenario: 'nat 📱 idle', status: 'fail', verdicts: [{ check: 'keepalive', status: 'fail', summary: 'broke after 5m', measured: {} }] })];
    const text = renderJunit({ flatline: '0.1.0', seed: 1, summary: summarize(runs, 10), runs });
    expect(text).toContain('<testcase classname="fake.scenario.ts" name="nat 📱 idle"');
    expect(text).toContain('<failure message="keepalive: broke after 5m">');
  });
});
