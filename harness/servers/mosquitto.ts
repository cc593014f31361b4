import { FlatlineError } from '../util/errors.ts';
import { findBinary, outOfProcess } from './child-process.ts';
import { ChildServer, type ChildServerOptions, type ChildServerProduct } from './child-server.ts';
import { parseMqttUrl } from '../protocol/mqtt.ts';
import { DeliveryRecorder } from './mqtt-recorder.ts';
import type { ReferenceServer, ServerContext } from './server.ts';

const CANDIDATES = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/opt/homebrew/sbin/mosquitto', '/usr/bin/mosquitto'];

/** Where the mosquitto binary is ($MOSQUITTO first, then the usual install places and PATH), or undefined. */
export function mosquittoPath(): string | undefined {
  return findBinary('mosquitto', process.env.MOSQUITTO, CANDIDATES);
}

export type MosquittoOptions = ChildServerOptions;

const MOSQUITTO: ChildServerProduct = {
  product: 'mosquitto',
  protocol: 'mqtt',
  scheme: 'mqtt',
  locate: mosquittoPath,
  install: 'apt-get install mosquitto, brew install mosquitto',
  envVar: 'MOSQUITTO',
  defaultStartTimeoutMs: 5000,
  closeMode: 'graceful',
};

/**
 * A real mosquitto (a ChildServer) with its own config: anonymous, no persistence, so a restart
 * loses sessions, as a broker without persistence does. flatline sees its connections only
 * through proxies (no server.accepted/closed events).
 */
export class MosquittoServer extends ChildServer {
  private readonly recorder: DeliveryRecorder;

  constructor(ctx: ServerContext, options: MosquittoOptions = {}) {
    super(ctx, options, MOSQUITTO);
    this.recorder = new DeliveryRecorder(ctx);
  }

  protected connectRecorder(): Promise<void> {
    return this.recorder.connect(this.url);
  }

  protected recorderLost(): Promise<void> {
    return this.recorder.disconnected();
  }

  protected closeRecorder(): Promise<void> {
    return this.recorder.close();
  }

  protected args(configPath: string): string[] {
    return ['-c', configPath];
  }

  protected config(): { file: string; text: string } {
    const text = [
      `listener ${this.port} ${this.host}`,
      'allow_anonymous true',
      'persistence false',
      // Small packets must leave at once: the virtual clock waits only briefly for out-of-process replies.
      'set_tcp_nodelay true',
      // The delivery recorder must never be the one dropping messages (the default queue holds 1000).
      'max_queued_messages 0',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n');
    return { file: 'mosquitto.conf', text };
  }
}

/**
 * A broker flatline did not start, given by URL ("mqtt://host:port"): deliveries are recorded, but
 * it cannot be stopped or restarted from here.
 */
class ExternalBroker implements ReferenceServer {
  readonly protocol = 'mqtt' as const;
  private readonly recorder: DeliveryRecorder;
  private started = false;

  constructor(
    private readonly ctx: ServerContext,
    readonly url: string,
    readonly port: number,
  ) {
    this.recorder = new DeliveryRecorder(ctx);
  }

  get name(): string {
    return this.ctx.name;
  }

  get running(): boolean {
    return this.started;
  }

  async start(): Promise<void> {
    if (this.started) return;
    try {
      await outOfProcess(this.ctx.clock, this.recorder.connect(this.url));
    } catch (err) {
      throw new FlatlineError('FLATLINE_ERR_SERVER', `server "${this.name}": cannot reach the MQTT broker at ${this.url}: ${(err as Error).message}; check that it runs and accepts anonymous clients`, { cause: err });
    }
    this.started = true;
    this.ctx.trace(`server:${this.name}`, 'server.started');
  }

  async stop(): Promise<void> {
    throw new FlatlineError('FLATLINE_ERR_SERVER', `server "${this.name}": the broker at ${this.url} is external and flatline cannot stop it; use the built-in broker (aedes) or mosquitto for restart scenarios, or cut its proxy with a toxic`);
  }

  async close(): Promise<void> {
    this.started = false;
    await outOfProcess(this.ctx.clock, this.recorder.close());
  }
}

/** An external MQTT broker, "mqtt://host:port" (port 1883 by default). */
export function brokerFromUrl(ctx: ServerContext, url: string): ReferenceServer {
  const parsed = parseMqttUrl(url);
  if ('problem' in parsed) {
    throw new FlatlineError('FLATLINE_ERR_SERVER', `server "${ctx.name}": broker URL ${JSON.stringify(url)} is not usable: ${parsed.problem}; write it like "mqtt://127.0.0.1:1883"`);
  }
  return new ExternalBroker(ctx, url, parsed.port);
}
