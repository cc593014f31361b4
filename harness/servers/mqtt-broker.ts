import { Aedes, type Client } from 'aedes';
import type net from 'node:net';
import { Listener } from './listener.ts';
import { DeliveryRecorder } from './mqtt-recorder.ts';
import type { ReferenceServer, ServerContext, StopMode } from './server.ts';

type OutgoingPacket = { cmd: string; messageId?: number; brokerId?: string; brokerCounter?: number };

/**
 * Works around a bug in aedes-persistence 11.0.0's memory store, which made aedes deliver QoS 2
 * messages twice. outgoingUpdate() finds the entry to update by brokerId + brokerCounter, and a
 * PUBREL has neither: once one PUBREL is stored, `undefined === undefined` makes every later PUBREL
 * overwrite that entry's messageId instead of replacing its own PUBLISH. That PUBLISH then outlives
 * its PUBCOMP and is sent again, as a new message, when the subscriber's session resumes. Giving
 * each PUBREL an identity of its own (per packet id) restores the intended matching.
 */
export function keepPubrelsApart(aedes: Aedes): void {
  const persistence = (aedes as unknown as { persistence: { outgoingUpdate(client: unknown, packet: OutgoingPacket): Promise<unknown> } }).persistence;
  const update = persistence.outgoingUpdate.bind(persistence);
  persistence.outgoingUpdate = (client, packet) => {
    if (packet.cmd === 'pubrel' && packet.brokerId === undefined) {
      packet.brokerId = `flatline-pubrel-${packet.messageId}`;
      packet.brokerCounter = packet.messageId; // non-zero, so aedes keeps it when it replays the PUBREL
    }
    return update(client, packet);
  };
}

export interface MqttBrokerOptions {
  /** Default 0: a free port, kept across restarts. */
  port?: number;
}

/**
 * The reference MQTT broker: aedes in-process behind a Listener. One aedes instance lives across
 * restarts, like a broker with persistence: sessions (clean: false), their subscriptions and the
 * QoS 1/2 messages in flight survive a stop, whatever the stop mode. Deliveries are recorded by a
 * DeliveryRecorder, as for every MQTT broker flatline runs; here it has a loopback port of its own
 * that stays up through restarts, since the broker process never really dies: the recorder sees
 * exactly what aedes delivers and never needs a session replay of its own.
 */
export class MqttBroker implements ReferenceServer {
  readonly protocol = 'mqtt' as const;
  private readonly listener: Listener;
  /** The recorder's own way in, open from the first start to close(). */
  private readonly recorderListener: Listener;
  private readonly recorder: DeliveryRecorder;
  private readonly source: string;
  private aedes: Aedes | undefined;
  /** Why aedes dropped a client, noted before the socket closes. */
  private readonly dropped = new WeakMap<Client, string>();

  constructor(
    private readonly ctx: ServerContext,
    options: MqttBrokerOptions = {},
  ) {
    this.source = `server:${ctx.name}`;
    this.recorder = new DeliveryRecorder(ctx);
    this.listener = new Listener(ctx.name, (socket) => this.serve(socket), ctx.host ?? '127.0.0.1', options.port ?? 0);
    this.recorderListener = new Listener(`${ctx.name} (recorder)`, (socket) => this.serve(socket));
  }

  get name(): string {
    return this.ctx.name;
  }

  get port(): number {
    return this.listener.port;
  }

  get url(): string {
    return `mqtt://${this.ctx.host ?? '127.0.0.1'}:${this.port}`;
  }

  get running(): boolean {
    return this.listener.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (!this.aedes) {
      this.aedes = await this.createAedes();
      await this.recorderListener.start();
      await this.recorder.connect(`mqtt://127.0.0.1:${this.recorderListener.port}`);
    }
    await this.listener.start();
    this.ctx.trace(this.source, 'server.started'); // no port: ephemeral ports would make traces differ run to run
  }

  async stop(mode: StopMode = 'graceful'): Promise<void> {
    if (!this.running) return;
    await this.listener.stop(mode);
    this.ctx.trace(this.source, 'server.stopped', { mode });
  }

  async close(): Promise<void> {
    await this.recorder.close();
    await this.recorderListener.stop('crash');
    await this.stop('crash');
    const aedes = this.aedes;
    this.aedes = undefined;
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
  }

  private async createAedes(): Promise<Aedes> {
    // Client ids name flatline's clients ("flatline-<name>"); aedes' default limit of 23 characters is too tight.
    const aedes = await Aedes.createBroker({ maxClientsIdLength: 256 });
    keepPubrelsApart(aedes);
    aedes.on('client', (client) => this.traceClient('server.accepted', client));
    aedes.on('keepaliveTimeout', (client) => this.dropped.set(client, 'keepalive timeout'));
    aedes.on('clientError', (client, err) => this.dropped.set(client, err.message));
    aedes.on('clientDisconnect', (client) => this.traceClient('server.closed', client, this.dropped.get(client) ?? 'connection closed'));
    return aedes;
  }

  /** Clients are named once their CONNECT is accepted; the recorder's own connection is not traced. */
  private traceClient(type: 'server.accepted' | 'server.closed', client: Client, reason?: string): void {
    if (client.id === this.recorder.clientId) return;
    this.ctx.trace(this.source, type, reason === undefined ? { client: client.id } : { client: client.id, reason });
  }

  private serve(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.aedes!.handle(socket);
  }
}
