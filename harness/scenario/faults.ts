import { Toxiproxy } from 'toxiproxy-node-client';
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

  constructor(url: string) {
    this.client = new Toxiproxy(url);
  }

  async addToxic(proxy: string, toxic: ToxicInput): Promise<void> {
    const p = await this.client.get(proxy);
    await p.addToxic({
      name: toxic.name,
      type: toxic.type,
      stream: toxic.stream ?? 'downstream',
      toxicity: toxic.toxicity ?? 1,
      attributes: toxic.attributes ?? {},
    } as Parameters<typeof p.addToxic>[0]);
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
