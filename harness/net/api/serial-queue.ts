/**
 * Runs tasks one at a time, in arrival order. The API handles each request as a whole before the
 * next, like Toxiproxy's collection lock: two concurrent creates of one name must not both pass
 * the "already exists" check while the first is still starting to listen.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => {});
    return result;
  }
}
