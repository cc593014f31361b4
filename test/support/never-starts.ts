import { createTcpClient } from '../../harness/clients/tcp-client.ts';
import { registerSubject } from '../../harness/scenario/subjects.ts';
import { TcpServer } from '../../harness/servers/tcp-server.ts';

/** Registers `kind`: the reference TCP client against a server that never finishes starting, a run only its watchdog ends. */
export function registerNeverStarts(kind: string): void {
  registerSubject({
    kind,
    protocol: 'tcp',
    description: 'a server that never finishes starting',
    promises: () => ({}),
    createServer: (ctx) => Object.assign(new TcpServer(ctx), { start: () => new Promise<void>(() => {}) }),
    createClient: (ctx, target) => createTcpClient(ctx, `${target.host}:${target.port}`),
  });
}
