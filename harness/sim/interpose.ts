import net from 'node:net';
import { FlatlineError } from '../util/errors.ts';
import { simListen } from './listen.ts';
import type { SimNetwork } from './network.ts';
import { SimSocket } from './socket.ts';

const original = {
  connect: net.Socket.prototype.connect,
  listen: net.Server.prototype.listen,
};

let active: Interposer | undefined;

type TcpBinding = { TCP: new (...args: unknown[]) => object };
const tcpBinding = (process as unknown as { binding(name: 'tcp_wrap'): TcpBinding }).binding('tcp_wrap');
const originalTcp = tcpBinding.TCP;

/**
 * Routes node's net module to a simulated network while installed: every `net.Socket#connect`
 * (net.connect, net.createConnection, http agents, ws, mqtt.js all end there) and every
 * `net.Server#listen` (http.Server, ws, aedes, socket.io included). Patching the prototypes
 * catches libraries that captured `net.connect` at load time too. The only way around is the
 * kernel binding itself (`process.binding('tcp_wrap')`): its TCP handle is watched while
 * installed, and each one made is recorded with the library's name (from the stack), so the run
 * fails loudly instead of silently using a real socket.
 */
export class Interposer {
  readonly bypasses: string[] = [];

  private constructor(readonly network: SimNetwork) {}

  static install(network: SimNetwork): Interposer {
    if (active) throw new FlatlineError('FLATLINE_ERR_CLOCK_BUSY', 'a simulated network is already installed in this process; close its world first');
    const interposer = new Interposer(network);
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      return SimSocket.adopt(this, network, network.currentHost).connect(...args);
    } as typeof net.Socket.prototype.connect;
    net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
      return simListen(this as Parameters<typeof simListen>[0], network, args);
    } as typeof net.Server.prototype.listen;
    const bypasses = interposer.bypasses;
    tcpBinding.TCP = class WatchedTcp extends originalTcp {
      constructor(...args: unknown[]) {
        super(...args);
        bypasses.push(describeCaller(new Error().stack ?? ''));
      }
    };
    active = interposer;
    return interposer;
  }

  /** Throws when a library opened a kernel socket while the sim was installed. */
  assertNoBypass(): void {
    if (this.bypasses.length === 0) return;
    const who = [...new Set(this.bypasses)].join(', ');
    throw new FlatlineError('FLATLINE_ERR_CONFIG', `a kernel TCP socket was opened in a simulated world, around flatline's net interposer, by ${who}; that library cannot run on --network sim (use its own connection seam, or run this world with --network kernel)`);
  }

  uninstall(): void {
    if (active !== this) return;
    tcpBinding.TCP = originalTcp;
    net.Socket.prototype.connect = original.connect;
    net.Server.prototype.listen = original.listen;
    active = undefined;
  }
}

/** The package (node_modules/<name>) or file that created a handle, from a stack trace. */
function describeCaller(stack: string): string {
  const frames = stack.split('\n').slice(1).filter((line) => !line.includes('node:') && !line.includes('async_hooks') && !line.includes('/harness/sim/'));
  for (const frame of frames) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame);
    if (m) return m[1]!;
  }
  const file = /\(?((?:file:\/\/)?\/[^:)]+)/.exec(frames[0] ?? '');
  return file ? file[1]! : 'an unknown caller';
}
