import type { ProxyInput } from '../network.ts';
import type { ToxicInput } from '../toxic-collection.ts';
import { badRequestBody } from './http-io.ts';

/**
 * Checks the JSON types of request bodies, as Go's decoder does for Toxiproxy ("bad request body:
 * json: cannot unmarshal ..."). What the values mean (known type, valid stream, attribute bounds)
 * the fault network checks itself.
 */
export function proxyInput(body: unknown): ProxyInput {
  return jsonObject(body, 'a proxy');
}

export function toxicInput(body: unknown): ToxicInput {
  const fields = jsonObject(body, 'a toxic');
  return {
    name: optionalField(fields, 'name', 'string'),
    type: optionalField(fields, 'type', 'string'),
    stream: optionalField(fields, 'stream', 'string'),
    toxicity: optionalField(fields, 'toxicity', 'number'),
    attributes: optionalField(fields, 'attributes', 'object'),
  };
}

function jsonObject(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequestBody(`expected a JSON object describing ${what} (got ${describe(body)})`);
  }
  return body as Record<string, unknown>;
}

type FieldTypes = { string: string; number: number; object: Record<string, unknown> };

/** A field of the given JSON type, or undefined when absent or null (Go leaves such fields alone). */
function optionalField<K extends keyof FieldTypes>(fields: Record<string, unknown>, key: string, type: K): FieldTypes[K] | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (describe(value) !== type) throw badRequestBody(`field "${key}" must be a JSON ${type} (got ${describe(value)})`);
  return value as FieldTypes[K];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
