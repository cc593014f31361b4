/**
 * A type guard that holds across copies of flatline's modules, where `instanceof` does not: a
 * scenario file loaded through tsx, the built `dist/` beside the sources and a consumer's own install
 * each have classes of their own, and a world of one copy hands its objects to the code of another.
 * The brand is a key of the global symbol registry (`flatline.<name>`), which every copy shares, set
 * on the class's prototype, so subclasses carry it too.
 */
export function brandCheck<T extends object>(name: string, Class: { readonly prototype: T }): (value: unknown) => value is T {
  const key = Symbol.for(`flatline.${name}`);
  Object.defineProperty(Class.prototype, key, { value: true });
  return (value): value is T => typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[key] === true;
}
