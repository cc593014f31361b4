import { FlatlineError } from '../util/errors.ts';
import { parseHostPort } from './address.ts';
import { Proxy, type ProxyConfig, type ProxyJSON, type ProxyWorld } from './proxy.ts';

/** A proxy as a user may send it to create or populate. */
export interface ProxyInput {
  name?: unknown;
  listen?: unknown;
  upstream?: unknown;
  enabled?: unknown;
}

/**
 * The set of proxies of one world: what Toxiproxy's server holds and its HTTP API manipulates.
 * Errors carry the HTTP status Toxiproxy answers with; one proxy's trouble never stops the others.
 */
export class FaultNetwork {
  private readonly proxies = new Map<string, Proxy>();
  private readonly starting = new Set<string>();
  private closing = false;

  constructor(readonly world: ProxyWorld) {}

  list(): Proxy[] {
    return [...this.proxies.values()];
  }

  toJSON(): Record<string, ProxyJSON> {
    return Object.fromEntries(this.list().map((p) => [p.name, p.toJSON()]));
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw new FlatlineError('FLATLINE_ERR_PROXY_NOT_FOUND', `proxy not found: "${name}"`, { status: 404 });
    return proxy;
  }

  has(name: string): boolean {
    return this.proxies.has(name);
  }

  async create(input: ProxyInput): Promise<Proxy> {
    const config = checkProxyInput(input);
    if (this.proxies.has(config.name) || this.starting.has(config.name)) {
      throw new FlatlineError('FLATLINE_ERR_PROXY_EXISTS', `proxy already exists: "${config.name}"`, { status: 409 });
    }
    // the name is taken from the moment we start, so two creates racing cannot both listen
    this.starting.add(config.name);
    try {
      const proxy = new Proxy(config, this.world);
      await proxy.start();
      if (this.closing) {
        await proxy.stop();
        throw new FlatlineError('FLATLINE_ERR_CLOSED', `proxy "${config.name}" was created while the network was closing; it is stopped again`, { status: 503 });
      }
      this.proxies.set(config.name, proxy);
      return proxy;
    } finally {
      this.starting.delete(config.name);
    }
  }

  async update(name: string, input: ProxyInput): Promise<Proxy> {
    const proxy = this.get(name);
    await proxy.reconfigure({
      listen: input.listen === undefined ? undefined : String(input.listen),
      upstream: input.upstream === undefined ? undefined : String(input.upstream),
      enabled: input.enabled === undefined ? undefined : checkEnabled(input.enabled, name),
    });
    return proxy;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  /**
   * Creates or replaces proxies from a list, like Toxiproxy's POST /populate: a proxy whose
   * listen and upstream are unchanged is kept as it is (with its toxics and connections). Each
   * proxy is pushed to `result` as it is done, so after a failure it tells how far it got.
   */
  async populate(inputs: unknown, result: Proxy[] = []): Promise<Proxy[]> {
    if (!Array.isArray(inputs)) {
      throw new FlatlineError('FLATLINE_ERR_CONFIG', 'populate expects a JSON array of proxies, like [{"name": "redis", "listen": "127.0.0.1:26379", "upstream": "127.0.0.1:6379"}]', { status: 400 });
    }
    const configs = inputs.map((input, i) => checkProxyInput(input as ProxyInput, i + 1));
    for (const config of configs) {
      const existing = this.proxies.get(config.name);
      if (existing) {
        const same = existing.toJSON();
        const wanted = parseHostPort(config.listen, `proxy "${config.name}": listen`);
        const listenSame = same.listen === config.listen || (wanted.port === 0 && existing.listen.host === wanted.host);
        if (listenSame && same.upstream === config.upstream) {
          result.push(existing);
          continue;
        }
        await this.remove(config.name);
      }
      result.push(await this.create(config));
    }
    return result;
  }

  /** Re-enables every proxy and removes every toxic (POST /reset). */
  async reset(): Promise<void> {
    for (const proxy of this.list()) {
      proxy.toxics.clear();
      await proxy.setEnabled(true);
    }
  }

  /**
   * Stops every proxy and closes every connection, waiting for them at most the close deadline; a
   * proxy still starting when this is called is stopped as soon as it listens.
   */
  async close(): Promise<void> {
    this.closing = true;
    const proxies = this.list();
    this.proxies.clear();
    for (const proxy of proxies) await proxy.stop();
    await Promise.all(proxies.map((proxy) => proxy.drained()));
  }
}

function checkEnabled(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') {
    throw new FlatlineError('FLATLINE_ERR_PROXY_FIELD', `proxy "${name}": enabled must be true or false (got ${JSON.stringify(value)})`, { status: 400 });
  }
  return value;
}

/** A proxy's fields; `index` is its place in a populate list (Toxiproxy's "at proxy N"). */
function checkProxyInput(input: ProxyInput, index?: number): ProxyConfig {
  const where = index === undefined ? 'proxy' : `proxy #${index}`;
  if (typeof input !== 'object' || input === null) {
    throw new FlatlineError('FLATLINE_ERR_PROXY_FIELD', `${where}: expected an object with name, listen and upstream`, { status: 400 });
  }
  for (const field of ['name', 'upstream'] as const) {
    if (typeof input[field] !== 'string' || input[field] === '') {
      // api.go ProxyCreate and proxy_collection.go PopulateJson: joinError(field, ErrMissingField)
      const apiText = `missing required field: ${field}${index === undefined ? '' : ` at proxy ${index}`}`;
      throw new FlatlineError('FLATLINE_ERR_PROXY_FIELD', `${where}: missing required field: ${field}`, { status: 400, apiText });
    }
  }
  const name = input.name as string;
  return {
    name,
    listen: input.listen === undefined || input.listen === '' ? '127.0.0.1:0' : String(input.listen),
    upstream: input.upstream as string,
    enabled: input.enabled === undefined ? true : checkEnabled(input.enabled, name),
  };
}
