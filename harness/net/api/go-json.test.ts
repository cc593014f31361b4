import { describe, expect, it } from 'vitest';
import { decodeGo, parseGoJson, type GoType } from './go-json.ts';

/** What Go's json.Decoder says for each body (Go's encoding/json, run on these very inputs). */
const syntax: [string, string][] = [
  ['', 'EOF'],
  ['   ', 'EOF'],
  ['{"name": "x",', 'unexpected EOF'],
  ['{x}', "invalid character 'x' looking for beginning of object key string"],
  ['{"a" 1}', "invalid character '1' after object key"],
  ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
  ['[1 2]', "invalid character '2' after array element"],
  ['tru', 'unexpected EOF'],
  ['trux', "invalid character 'x' in literal true (expecting 'e')"],
  ['"abc', 'unexpected EOF'],
  ['"a\\qb"', "invalid character 'q' in string escape code"],
  ['{"name":-}', "invalid character '}' in numeric literal"],
  ['{"name":1.}', "invalid character '}' after decimal point in numeric literal"],
  ['{"name":1e}', "invalid character '}' in exponent of numeric literal"],
  ['{"name":01}', "invalid character '1' after object key:value pair"],
  ['{"name":"\\u12"}', `invalid character '"' in \\u hexadecimal character escape`],
  ['{"name":"a\tb"}', "invalid character '\\t' in string literal"],
  ['nul', 'unexpected EOF'],
  ['@', "invalid character '@' looking for beginning of value"],
];

const PROXY: GoType = {
  kind: 'struct',
  name: 'toxiproxy.Proxy',
  short: 'Proxy',
  fields: { name: { kind: 'string' }, upstream: { kind: 'string' }, enabled: { kind: 'bool' } },
};
const LATENCY: GoType = {
  kind: 'struct',
  name: 'struct {...}',
  short: '',
  fields: { attributes: { kind: 'struct', name: 'toxics.LatencyToxic', short: 'LatencyToxic', fields: { latency: { kind: 'int64' } } } },
};

describe('Go-compatible JSON', () => {
  it.each(syntax)('%j: %s', (body, error) => {
    expect(() => parseGoJson(body)).toThrow(error);
    try {
      parseGoJson(body);
    } catch (err) {
      expect((err as Error).message).toBe(error);
    }
  });

  it('reads the first value only, as Go\'s Decoder does', () => {
    expect(parseGoJson('{"name":"x"} garbage')).toEqual({ kind: 'object', entries: [['name', { kind: 'string', value: 'x' }]] });
  });

  it.each<[string, GoType, string]>([
    ['[]', PROXY, 'json: cannot unmarshal array into Go value of type toxiproxy.Proxy'],
    ['"x"', PROXY, 'json: cannot unmarshal string into Go value of type toxiproxy.Proxy'],
    ['{"name": 5}', PROXY, 'json: cannot unmarshal number into Go struct field Proxy.name of type string'],
    ['{"enabled": "yes"}', PROXY, 'json: cannot unmarshal string into Go struct field Proxy.enabled of type bool'],
    ['{"name": {"a": 1}}', PROXY, 'json: cannot unmarshal object into Go struct field Proxy.name of type string'],
    ['{"NAME": "x", "Upstream": 5}', PROXY, 'json: cannot unmarshal number into Go struct field Proxy.upstream of type string'],
    ['{"name": "a", "name": 5}', PROXY, 'json: cannot unmarshal number into Go struct field Proxy.name of type string'],
    ['{"attributes": {"latency": 1.0}}', LATENCY, 'json: cannot unmarshal number 1.0 into Go struct field LatencyToxic.attributes.latency of type int64'],
    ['{"attributes": {"latency": 99999999999999999999}}', LATENCY, 'json: cannot unmarshal number 99999999999999999999 into Go struct field LatencyToxic.attributes.latency of type int64'],
    ['{"attributes": {"latency": true}}', LATENCY, 'json: cannot unmarshal bool into Go struct field LatencyToxic.attributes.latency of type int64'],
    ['{"attributes": 5}', LATENCY, 'json: cannot unmarshal number into Go struct field .attributes of type toxics.LatencyToxic'],
  ])('%s: %s', (body, type, error) => {
    expect(() => decodeGo(parseGoJson(body), type)).toThrow(error);
  });

  it('matches fields case-insensitively, ignores unknown ones, and lets null keep a value', () => {
    const decoded = decodeGo(parseGoJson('{"NAME": "x", "other": 1, "enabled": null, "attributes": {"Latency": -7}}'), PROXY, { enabled: true });
    expect(decoded).toEqual({ name: 'x', enabled: true });
    expect(decodeGo(parseGoJson('{"attributes": {"Latency": -7}}'), LATENCY, {})).toEqual({ attributes: { latency: -7 } });
  });
});
