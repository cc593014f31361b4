import type { ProxyInput } from '../network.ts';
import type { AttributeSpec, ToxicType } from '../toxic.ts';
import type { ToxicInput } from '../toxic-collection.ts';
import { decodeGo, type GoDecoded, type GoJsonValue, type GoType } from './go-json.ts';
import { badRequestBody } from './http-io.ts';

/**
 * The Go types Toxiproxy decodes its request bodies into (api.go, proxy.go, proxy_collection.go,
 * toxic_collection.go, toxics/toxic.go), so a body of the wrong shape gets Go's own text:
 * "bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string".
 * What the values mean (known type, valid stream, attribute bounds) the fault network checks.
 */
const str: GoType = { kind: 'string' };
const proxyFields = { name: str, listen: str, upstream: str };
const PROXY: GoType = { kind: 'struct', name: 'toxiproxy.Proxy', short: 'Proxy', fields: { ...proxyFields, enabled: { kind: 'bool' } } };
const POPULATE_ENTRY: GoType = {
  kind: 'struct',
  name: 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }',
  short: '',
  fields: { ...proxyFields, enabled: { kind: 'pointer', elem: { kind: 'bool' } } },
};
const POPULATE: GoType = { kind: 'slice', name: `[]${(POPULATE_ENTRY as { name: string }).name}`, elem: POPULATE_ENTRY };
/** While Toxiproxy reads a new toxic's name, type and stream, its attributes go into a NoopToxic. */
const TOXIC_WRAPPER: GoType = {
  kind: 'struct',
  name: 'toxics.ToxicWrapper',
  short: 'ToxicWrapper',
  fields: { attributes: { kind: 'struct', name: 'toxics.NoopToxic', short: 'NoopToxic', fields: {} }, name: str, type: str, stream: str, toxicity: { kind: 'float32' } },
};

function decode(body: GoJsonValue, type: GoType, into: GoDecoded): Record<string, GoDecoded> {
  try {
    return decodeGo(body, type, into) as Record<string, GoDecoded>;
  } catch (err) {
    throw badRequestBody(err);
  }
}

/** POST /proxies: a Proxy whose `enabled` defaults to true. */
export function proxyCreateInput(body: GoJsonValue): ProxyInput {
  return decode(body, PROXY, { name: '', listen: '', upstream: '', enabled: true });
}

/** POST|PATCH /proxies/{proxy}: a Proxy over the existing one's listen, upstream and enabled. */
export function proxyUpdateInput(body: GoJsonValue, current: { listen: string; upstream: string; enabled: boolean }): ProxyInput {
  return decode(body, PROXY, { name: '', ...current });
}

/** POST /populate: a list of proxies whose `enabled` is absent unless given. */
export function populateInput(body: GoJsonValue): ProxyInput[] {
  try {
    return (decodeGo(body, POPULATE) ?? []) as ProxyInput[];
  } catch (err) {
    throw badRequestBody(err);
  }
}

/** POST /proxies/{proxy}/toxics, first pass: everything but the attributes, whose type is not known yet. */
export function toxicHeader(body: GoJsonValue): Omit<ToxicInput, 'attributes'> {
  const { name, type, stream, toxicity } = decode(body, TOXIC_WRAPPER, { name: '', type: '', stream: 'downstream', toxicity: 1 });
  return { name: name as string, type: type as string, stream: stream as string, toxicity: toxicity as number };
}

/** The attributes of a toxic of `type`, decoded into its Go struct (toxic_collection.go AddToxicJson's second pass). */
export function toxicAttributes(body: GoJsonValue, type: ToxicType<any>): Record<string, unknown> {
  const wrapper: GoType = { kind: 'struct', name: 'struct { Attributes interface {} "json:\\"attributes\\"" }', short: '', fields: { attributes: goStruct(type) } };
  return (decode(body, wrapper, {}).attributes ?? {}) as Record<string, unknown>;
}

/** POST|PATCH /proxies/{proxy}/toxics/{toxic}: attributes over the current ones, and toxicity. */
export function toxicUpdateInput(body: GoJsonValue, type: ToxicType<any>): Pick<ToxicInput, 'attributes' | 'toxicity'> {
  const wrapper: GoType = {
    kind: 'struct',
    name: 'struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 "json:\\"toxicity\\"" }',
    short: '',
    fields: { attributes: goStruct(type), toxicity: { kind: 'float32' } },
  };
  const { attributes, toxicity } = decode(body, wrapper, {});
  return { attributes: (attributes ?? {}) as Record<string, unknown>, toxicity: toxicity as number | undefined };
}

/** A toxic type's attributes as the Go struct Toxiproxy has for it (toxics/*.go). */
function goStruct(type: ToxicType<any>): GoType {
  const name = type.goName ?? `${type.type.replace(/(^|_)(\w)/g, (_m, _s, c: string) => c.toUpperCase())}Toxic`;
  const fields = Object.fromEntries(
    (Object.entries(type.attributes) as [string, AttributeSpec][]).map(([key, spec]) => [key, { kind: spec.kind === 'enum' ? 'string' : (spec.goType ?? 'int64') } as GoType]),
  );
  return { kind: 'struct', name: `toxics.${name}`, short: name, fields };
}
