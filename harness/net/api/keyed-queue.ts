/**
 * Runs tasks one at a time per key, in arrival order; tasks with no key in common run side by
 * side. The API keys each change by the proxies it touches, like Toxiproxy's lock per proxy and
 * per toxic collection: two creates of one name cannot both pass the "already exists" check, and
 * one proxy's slow change (or a stuck one) holds up no other proxy and no read.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(keys: readonly string[], task: () => T | Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    const before = Promise.all(unique.map((key) => this.tails.get(key)));
    const result = before.then(task);
    const tail = result.then(
      () => {},
      () => {},
    );
    for (const key of unique) this.tails.set(key, tail);
    void tail.then(() => {
      for (const key of unique) if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task queued or running. */
  get busyKeys(): string[] {
    return [...this.tails.keys()];
  }
}
