import { Toxiproxy } from 'toxiproxy-node-client';
import { FlatlineError } from '../util/errors.ts';
import type { ToxicInput } from '../net/toxic-collection.ts';

/**
 * Where the timeline's faults go. The runner speaks only Toxiproxy's HTTP API (through
 * toxiproxy-node-client), so the embedded server and a real Toxiproxy are driven the same way.
 */
export interface FaultBackend {
  addToxic(proxy: string, toxic: ToxicInput): Promise<void>;
  removeToxic(proxy: string, name: string): Promise<void>;
  setEnabled(proxy: string, enabled: boolean): Promise<void>;
}

export class ToxiproxyFaults implements FaultBackend {
  private readonly client: Toxiproxy;

  constructor(private readonly url: string) {
    this.client = new Toxiproxy(url);
  }

  async addToxic(proxy: string, toxic: ToxicInput): Promise<void> {
    const p = await this.client.get(proxy);
    const body = { name: toxic.name, type: toxic.type, stream: toxic.stream ?? 'downstream', toxicity: toxic.toxicity ?? 1, attributes: toxic.attributes ?? {} };
    try {
      await p.addToxic(body as Parameters<typeof p.addToxic>[0]);
    } catch (err) {
      throw await this.explain(err, `adding toxic ${JSON.stringify(toxic.name ?? toxic.type)} to proxy "${proxy}"`, `/proxies/${encodeURIComponent(proxy)}/toxics`, body);
    }
  }

  /**
   * toxiproxy-node-client keeps only "Request failed with status code 400"; the API's reason
   * ("toxic \"lag\" (latency): attribute \"latency\" must be at least 0 ms") is what a user needs.
   * Sending the refused request again is safe (it is refused again) and gives the reason back.
   */
  private async explain(err: unknown, what: string, path: string, body: unknown): Promise<FlatlineError> {
    let reason = (err as Error).message;
    try {
      const reply = await fetch(`${this.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await reply.json()) as { error?: string; status?: number };
      if (json.error) reason = `${json.status ?? reply.status} ${json.error}`;
    } catch {
      // the original message is all there is
    }
    return new FlatlineError('FLATLINE_ERR_SCENARIO', `${what} failed: ${reason}`, { cause: err });
  }

  async removeToxic(proxy: string, name: string): Promise<void> {
    const toxic = await (await this.client.get(proxy)).getToxic(name);
    await toxic.remove();
  }

  async setEnabled(proxy: string, enabled: boolean): Promise<void> {
    const p = await this.client.get(proxy);
    await p.update({ enabled, listen: p.listen, upstream: p.upstream });
  }
}
