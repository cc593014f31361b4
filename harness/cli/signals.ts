/**
 * Resolves with the first of `signals` the process receives. All the handlers go with it, so a
 * second Ctrl-C kills the process the default way: the way out if a clean shutdown hangs.
 */
export function waitForSignal(signals: NodeJS.Signals[]): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handlers = signals.map((signal) => {
      const handler = () => {
        for (const [s, h] of handlers) process.off(s, h);
        resolve(signal);
      };
      process.on(signal, handler);
      return [signal, handler] as const;
    });
  });
}
