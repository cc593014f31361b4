import { readFile } from 'node:fs/promises';
import type { FaultNetwork } from '../net/network.ts';
import type { Proxy } from '../net/proxy.ts';
import { FlatlineError } from '../util/errors.ts';

const EXAMPLE = '[{"name": "redis", "listen": "127.0.0.1:26379", "upstream": "127.0.0.1:6379", "enabled": true}]';

/**
 * Creates the proxies of a Toxiproxy config file (`toxiproxy-server -config`: the body of POST
 * /populate). Every problem (unreadable, not JSON, a bad entry, a port in use) names the file.
 */
export async function populateFromFile(network: FaultNetwork, file: string): Promise<Proxy[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw configError(file, code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch (err) {
    throw configError(file, `not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(entries)) throw configError(file, `expected a JSON array of proxies, like ${EXAMPLE}`);
  try {
    return await network.populate(entries);
  } catch (err) {
    throw configError(file, (err as Error).message);
  }
}

function configError(file: string, why: string): FlatlineError {
  return new FlatlineError('FLATLINE_ERR_CONFIG', `config file ${file}: ${why}`);
}
