import { tsImport } from 'tsx/esm/api';

/**
 * A second instance of one of flatline's modules and everything it imports, as a scenario file
 * loaded through tsx, the built `dist/` beside the sources or a consumer's own install gets: its
 * classes are not this process's classes, so `instanceof` between the two is false.
 */
export function importCopy<T>(modulePath: URL): Promise<T> {
  return tsImport(modulePath.href, import.meta.url) as Promise<T>;
}
