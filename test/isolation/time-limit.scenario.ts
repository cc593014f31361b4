import type { ReferenceClientOptions } from '../../harness/clients/reference-client.ts';
import { realTimers } from '../../harness/clock/clock.ts';
import { defineScenario } from '../../harness/scenario/scenario.ts';
import { findSubject, registerSubject } from '../../harness/scenario/subjects.ts';

/**
 * A run that needs more real time than its scenario's own timeLimit allows, as every run does on a
 * slow enough machine: its server takes 4 s of real time to start (past the worker's kill timer for
 * a 300 ms limit, too). Kept out of test/fixtures, which tests run whole.
 */
declare module '../../harness/scenario/subjects.ts' {
  interface SubjectKinds {
    'slow-to-start': ReferenceClientOptions;
  }
}

const tcp = findSubject('tcp');
registerSubject({
  ...tcp,
  kind: 'slow-to-start',
  description: 'the reference TCP subject, its server taking 4 s of real time to start',
  createServer: async (ctx, spec) => {
    const server = await tcp.createServer(ctx, spec);
    const start = server.start.bind(server);
    return Object.assign(server, { start: () => new Promise<void>((resolve) => realTimers.setTimeout(resolve, 4000)).then(start) });
  },
});

export default defineScenario({
  name: 'slow to start, 300 ms of its own',
  subject: { kind: 'slow-to-start', options: { heartbeat: { interval: '30s', timeout: '5s' } } },
  timeline: [{ at: 0, do: 'connect' }],
  checks: [{ check: 'keepalive', window: '2m' }],
  horizon: '2m',
  timeLimit: '300ms',
});
