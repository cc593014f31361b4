import type { Clock } from '../clock/clock.ts';
import type { TraceSink } from '../trace/trace.ts';
import type { Output } from './command.ts';

/** A trace sink that writes each event as one line: time, source, type, details as JSON. */
export function traceLines(out: Output, clock: Clock): TraceSink {
  return (source, type, detail) => {
    const details = detail && Object.keys(detail).length > 0 ? ` ${JSON.stringify(detail)}` : '';
    out.write(`${new Date(clock.now()).toISOString()} ${source} ${type}${details}\n`);
  };
}
