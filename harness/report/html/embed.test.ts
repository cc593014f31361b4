import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cspHash, jsonForScript, scriptForInline } from './embed.ts';

describe('embedding in a script element', () => {
  it('JSON data has no "<", ">" or "&" left, and reads back unchanged', () => {
    const value = { name: '</script><img src=x onerror=alert(1)>', body: '<!-- a & b -->', lines: 'a\u2028b\u2029c' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('script source keeps its meaning but can no longer end the element', () => {
    const source = 'const a = "</script>"; const b = "<!--"; const c = /<\\/SCRIPT/i;';
    const inlined = scriptForInline(source);
    expect(inlined).not.toMatch(/<\/script|<!--/i);
    const run = (js: string) => new Function(`${js} return [a, b, c.source];`)();
    expect(run(inlined)).toEqual(run(source));
  });

  it('hashes the script for the Content-Security-Policy', () => {
    expect(cspHash('alert(1)')).toBe(`'sha256-${createHash('sha256').update('alert(1)').digest('base64')}'`);
  });
});
