import { readFile } from 'node:fs';
import { webcrypto } from 'node:crypto';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { watchOffLoopWork } from './off-loop-work.ts';

const watches: ReturnType<typeof watchOffLoopWork>[] = [];
afterEach(() => watches.splice(0).forEach((w) => w.dispose()));
function watch(): ReturnType<typeof watchOffLoopWork> {
  const w = watchOffLoopWork();
  watches.push(w);
  return w;
}

describe('watchOffLoopWork', () => {
  it('is busy while zlib compresses in the thread pool, and moves on when it is done', async () => {
    const w = watch();
    const before = w.progress();
    const done = new Promise((resolve) => zlib.deflate(Buffer.alloc(1 << 20, 7), resolve));
    expect(w.busy()).toBe(true);
    await done;
    expect(w.busy()).toBe(false);
    expect(w.progress()).toBeGreaterThan(before);
  });

  it('stops counting a zlib stream destroyed with a chunk in flight (it never calls back)', () => {
    const w = watch();
    const stream = zlib.createDeflateRaw();
    stream.write(Buffer.alloc(1 << 20, 1));
    expect(w.busy()).toBe(true);
    stream.destroy();
    expect(w.busy()).toBe(false);
  });

  it('is busy while WebCrypto computes, however the caller reached crypto.subtle', async () => {
    const w = watch();
    const digest = webcrypto.subtle.digest('SHA-256', new Uint8Array(1 << 20));
    expect(w.busy()).toBe(true);
    await digest;
    expect(w.busy()).toBe(false);
    // a rejected call ends too, and its rejection stays the caller's
    await expect(globalThis.crypto.subtle.digest('no such hash', new Uint8Array(1))).rejects.toThrow();
    expect(w.busy()).toBe(false);
  });

  it('is busy while a file-system request is in flight', async () => {
    const w = watch();
    const read = new Promise((resolve) => readFile(new URL(import.meta.url), resolve));
    expect(w.busy()).toBe(true);
    await read;
    await new Promise((resolve) => setImmediate(resolve)); // node lists a request until its callback has returned
    expect(w.busy()).toBe(false);
  });

  it('leaves zlib and WebCrypto as it found them once the last watch is disposed', () => {
    const transform = Object.getPrototypeOf(Object.getPrototypeOf(zlib.Deflate.prototype))._transform;
    const digest = Object.getPrototypeOf(webcrypto.subtle).digest;
    const first = watch();
    const second = watch();
    expect(Object.getPrototypeOf(webcrypto.subtle).digest).not.toBe(digest);
    first.dispose();
    first.dispose(); // twice is once
    expect(Object.getPrototypeOf(webcrypto.subtle).digest).not.toBe(digest); // the second still watches
    second.dispose();
    expect(Object.getPrototypeOf(Object.getPrototypeOf(zlib.Deflate.prototype))._transform).toBe(transform);
    expect(Object.getPrototypeOf(webcrypto.subtle).digest).toBe(digest);
  });
});
