import * as v from 'valibot';
import { count, strict, tagged, text, word } from '../schema/kit.ts';
import { STREAMS, type AttributeSpec, type ToxicType } from './toxic.ts';
import { toxicTypes } from './toxics/index.ts';

/**
 * The toxic a scenario adds, checked before the run against the same attribute specs the
 * Toxiproxy API applies (each toxic's `attributes` in harness/net/toxics/): unknown attributes and
 * words are refused with the closest known one, where the API would ignore them.
 */
export interface ScenarioToxic {
  /** Default: "<type>_<stream>", as Toxiproxy names it. */
  name?: string;
  type: string;
  /** upstream = client -> server; default downstream (Toxiproxy's default). */
  stream?: 'upstream' | 'downstream';
  /** 0..1, rolled once per connection; default 1. */
  toxicity?: number;
  attributes?: Record<string, number | string | undefined>;
}

function attributeSchema(spec: AttributeSpec): v.GenericSchema<number | string | undefined> {
  if (spec.kind === 'enum') return word(spec.values as [string, ...string[]], 'an allowed value');
  const schema = count(spec.unit, { min: spec.min ?? 0, max: spec.max, integer: spec.integer ?? false });
  return spec.default === undefined ? schema : v.optional(schema);
}

function toxicSchema(type: ToxicType<Record<string, number | string>, unknown>) {
  const specs = Object.entries(type.attributes) as [string, AttributeSpec][];
  const attributes = strict(Object.fromEntries(specs.map(([key, spec]) => [key, attributeSchema(spec)])), `a ${type.type} toxic's attributes`);
  const required = specs.some(([, spec]) => spec.default === undefined);
  return strict(
    {
      type: v.literal(type.type),
      name: v.optional(text('the toxic name')),
      stream: v.optional(word(STREAMS as ['upstream', 'downstream'], 'a stream')),
      toxicity: v.optional(count('probability', { min: 0, max: 1, integer: false })),
      attributes: required ? attributes : v.optional(attributes),
    },
    `a ${type.type} toxic`,
  );
}

let cached: { types: number; schema: v.GenericSchema<ScenarioToxic> } | undefined;

/** Any toxic type registered now (built-in or added with registerToxic), told apart by `type`. */
export const toxicInputSchema: v.GenericSchema<ScenarioToxic> = v.lazy(() => {
  if (cached?.types !== toxicTypes.size) {
    const options = [...toxicTypes.values()].map(toxicSchema) as unknown as v.VariantOptions<'type'>;
    cached = { types: toxicTypes.size, schema: tagged('type', options, 'a toxic type') as unknown as v.GenericSchema<ScenarioToxic> };
  }
  return cached.schema;
});
