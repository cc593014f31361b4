import { FlatlineError } from '../util/errors.ts';
import type { ToxicEntry } from './link.ts';
import { resolveAttributes, STREAMS, type Stream, type ToxicSpec, type ToxicType } from './toxic.ts';
import { toxicTypes } from './toxics/index.ts';

/** What a user may send to create or update a toxic (Toxiproxy's JSON body). */
export interface ToxicInput {
  name?: string;
  type?: string;
  stream?: string;
  toxicity?: number;
  attributes?: Record<string, unknown>;
}

/** Live connections the collection keeps in step with its toxics. */
export interface ToxicTarget {
  addToxic(entry: ToxicEntry): void;
  updateToxic(entry: ToxicEntry): void;
  removeToxic(name: string): void;
}

/**
 * A proxy's toxics, in the order they were added (the order they act in), validated the way
 * Toxiproxy's API validates them. Every change reaches the live connections at once.
 */
export class ToxicCollection {
  private readonly entries = new Map<string, ToxicEntry>();

  constructor(
    private readonly proxyName: string,
    private readonly targets: () => Iterable<ToxicTarget>,
    private readonly trace: (type: string, detail: Record<string, unknown>) => void = () => {},
  ) {}

  list(): ToxicEntry[] {
    return [...this.entries.values()];
  }

  /** The toxics as Toxiproxy lists them (GetToxicArray): its upstream chain, then its downstream chain, each in the order added. */
  specs(): ToxicSpec[] {
    const specs = this.list().map((e) => e.spec);
    return STREAMS.flatMap((stream) => specs.filter((spec) => spec.stream === stream));
  }

  get(name: string): ToxicEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new FlatlineError('FLATLINE_ERR_TOXIC_NOT_FOUND', `toxic not found: "${name}" on proxy "${this.proxyName}"`, { status: 404 });
    return entry;
  }

  /**
   * Checks a new toxic's stream, type and name in Toxiproxy's order (toxic_collection.go
   * AddToxicJson: stream, default name, type, name taken), before its attributes are looked at.
   */
  prepare(input: Omit<ToxicInput, 'attributes'>): { type: ToxicType<any>; stream: Stream; name: string } {
    const stream = parseStream(input.stream);
    const name = input.name || `${input.type ?? ''}_${stream}`;
    const type = input.type === undefined ? undefined : toxicTypes.get(input.type);
    if (!type) {
      const known = [...toxicTypes.keys()].join(', ');
      throw new FlatlineError('FLATLINE_ERR_TOXIC_TYPE', `invalid toxic type: ${JSON.stringify(input.type ?? null)} (known types: ${known})`, { status: 400 });
    }
    if (this.entries.has(name)) {
      throw new FlatlineError('FLATLINE_ERR_TOXIC_EXISTS', `toxic already exists: "${name}" on proxy "${this.proxyName}"`, { status: 409 });
    }
    return { type, stream, name };
  }

  add(input: ToxicInput): ToxicEntry {
    const { type, stream, name } = this.prepare(input);
    const spec: ToxicSpec = { name, type: type.type, stream, toxicity: parseToxicity(input.toxicity, name), attributes: {} };
    const entry: ToxicEntry = { spec, type, attributes: resolveAttributes(type, input.attributes, name) };
    spec.attributes = entry.attributes;
    this.entries.set(name, entry);
    this.trace('toxic.added', { toxic: name, toxicType: type.type, stream, attributes: entry.attributes });
    for (const target of this.targets()) target.addToxic(entry);
    return entry;
  }

  /** New attributes (merged over the old ones) and/or toxicity; type and stream stay. */
  update(name: string, input: ToxicInput): ToxicEntry {
    const old = this.get(name);
    const attributes = resolveAttributes(old.type, { ...old.attributes, ...input.attributes }, name);
    const toxicity = input.toxicity === undefined ? old.spec.toxicity : parseToxicity(input.toxicity, name);
    const entry: ToxicEntry = { type: old.type, attributes, spec: { ...old.spec, toxicity, attributes } };
    this.entries.set(name, entry);
    this.trace('toxic.updated', { toxic: name, attributes });
    for (const target of this.targets()) target.updateToxic(entry);
    return entry;
  }

  remove(name: string): void {
    this.get(name);
    this.entries.delete(name);
    this.trace('toxic.removed', { toxic: name });
    for (const target of this.targets()) target.removeToxic(name);
  }

  clear(): void {
    for (const name of [...this.entries.keys()]) this.remove(name);
  }
}

/** Toxiproxy's stream.ParseDirection: either word in any case; an absent stream is downstream. */
function parseStream(stream: string | undefined): Stream {
  if (stream === undefined) return 'downstream';
  const word = stream.toLowerCase();
  if ((STREAMS as readonly string[]).includes(word)) return word as Stream;
  throw new FlatlineError('FLATLINE_ERR_TOXIC_STREAM', `stream was invalid, can be either upstream or downstream (got ${JSON.stringify(stream)})`, { status: 400 });
}

function parseToxicity(toxicity: unknown, name: string): number {
  if (toxicity === undefined || toxicity === null) return 1;
  if (typeof toxicity !== 'number' || !(toxicity >= 0 && toxicity <= 1)) {
    throw new FlatlineError('FLATLINE_ERR_TOXIC_ATTRIBUTE', `toxic "${name}": toxicity must be a number from 0 to 1 (got ${JSON.stringify(toxicity)})`, { status: 400 });
  }
  return toxicity;
}
