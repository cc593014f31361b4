import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock/clock.ts';
import { Rng } from '../util/rng.ts';
import type { ClientContext } from './adapter.ts';
import { TracedClient } from './traced-client.ts';

class Sender extends TracedClient {
  constructor(ctx: ClientContext) {
    super(ctx);
  }

  send(): string {
    this.events.setState('open');
    return this.sentMessage();
  }
}

describe('TracedClient', () => {
  it("names the client, keeps its state from its own trace, and numbers its messages '<name>-<n>', each traced as sent", () => {
    const traced: [string, string, Record<string, unknown> | undefined][] = [];
    const client = new Sender({ name: 'c1', clock: {} as Clock, rng: new Rng(1), trace: (source, type, detail) => traced.push([source, type, detail]) });
    expect([client.name, client.state]).toEqual(['c1', 'closed']);
    expect([client.send(), client.send()]).toEqual(['c1-1', 'c1-2']);
    expect(client.state).toBe('open');
    expect(traced).toEqual([
      ['client:c1', 'state', { state: 'open' }],
      ['client:c1', 'message.sent', { id: 'c1-1' }],
      ['client:c1', 'message.sent', { id: 'c1-2' }],
    ]);
  });
});
