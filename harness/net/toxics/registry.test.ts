import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useWorld } from '../../../test/support/world.ts';
import { rawRequest, startApiFixture, type ApiFixture } from '../api/test-fixture.ts';
import type { ToxicType } from '../toxic.ts';
import { registerToxic, toxicTypes } from './index.ts';

/**
 * A toxic a user writes outside flatline: it tags each chunk with the chunk's number on the
 * connection, which lives in its newState() and so keeps counting across an update.
 */
interface TagState {
  chunks: number;
}
const tag: ToxicType<{ prefix: string }, TagState> = {
  type: 'tag_chunks',
  description: 'prefix each chunk with its number',
  attributes: { prefix: { kind: 'enum', default: '#', values: ['#', '@'] } },
  newState: () => ({ chunks: 0 }),
  attach({ state, attributes, stream, outputs }) {
    const out = outputs[stream];
    const stage = {
      data: (chunk: { data: Buffer; at: number }) => out.data({ ...chunk, data: Buffer.concat([Buffer.from(`${attributes.prefix}${++state.chunks}:`), chunk.data]) }),
      end: out.end,
      detach: () => {},
      dispose: () => {},
    };
    return stream === 'upstream' ? { upstream: stage } : { downstream: stage };
  },
};
registerToxic(tag);

describe('registerToxic', () => {
  it('refuses a taken name, a bad name and a toxic without attach', () => {
    expect(() => registerToxic(tag)).toThrow('a toxic type "tag_chunks" is already registered');
    expect(() => registerToxic({ ...tag, type: 'Bad Name' })).toThrow('the type must be a lower-case name like "packet_loss" (got "Bad Name")');
    expect(() => registerToxic({ ...tag, type: 'no_attach', attach: undefined as never })).toThrow('toxic "no_attach" needs attributes');
    expect(toxicTypes.has('no_attach')).toBe(false);
  });

  describe('a registered toxic on live connections', () => {
    const world = useWorld({ upstream: 'memory' });

    it('acts, with state kept per connection across an update', async () => {
      const w = world().toxics({ name: 't', type: 'tag_chunks' });
      const client = await w.attach();
      client.send('a');
      await w.run(client.receive('#1:a'));
      w.proxy.toxics.update('t', { attributes: { prefix: '@' } });
      client.send('b');
      await w.run(client.receive('#1:a@2:b'));
      const other = await w.attach();
      other.send('c');
      await w.run(other.receive('@1:c'));
    });
  });

  describe('through the Toxiproxy API', () => {
    let fx: ApiFixture;
    beforeEach(async () => {
      fx = await startApiFixture();
    });
    afterEach(async () => {
      await fx.close();
    });

    it('is accepted by its type, its attributes decoded as Go strings', async () => {
      await rawRequest(fx.api.url, 'POST', '/proxies', { name: 'p', upstream: fx.upstream });
      expect(await rawRequest(fx.api.url, 'POST', '/proxies/p/toxics', { type: 'tag_chunks', attributes: { prefix: '@' } })).toEqual({
        status: 200,
        body: { attributes: { prefix: '@' }, name: 'tag_chunks_downstream', type: 'tag_chunks', stream: 'downstream', toxicity: 1 },
      });
      expect(await rawRequest(fx.api.url, 'POST', '/proxies/p/toxics', { type: 'tag_chunks', stream: 'upstream', attributes: { prefix: 5 } })).toMatchObject({
        status: 400,
        body: { error: 'bad request body: json: cannot unmarshal number into Go struct field TagChunksToxic.attributes.prefix of type string' },
      });
    });
  });
});
