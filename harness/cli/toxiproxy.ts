import { setFlagsFromString } from 'node:v8';
import { RealClock } from '../clock/real-clock.ts';
import { startApiServer, type ApiServer } from '../net/api/server.ts';
import { formatHostPort } from '../net/address.ts';
import { BusyPoll } from '../net/busy-poll.ts';
import { FaultNetwork } from '../net/network.ts';
import { noTrace } from '../trace/trace.ts';
import { Rng } from '../util/rng.ts';
import { integerOption, parseOptions } from './args.ts';
import type { CliIo } from './command.ts';
import { populateFromFile } from './proxy-config.ts';
import { waitForSignal } from './signals.ts';
import { traceLines } from './trace-log.ts';

/**
 * How long the event loop keeps polling without blocking after the last chunk or connection (see
 * BusyPoll): long enough to span the far side's turnaround in a request/response exchange, so the
 * next chunk meets an awake CPU; Go's sysmon likewise keeps waking every 20 µs for the first 1 ms
 * after it last found work (golang/go src/runtime/proc.go sysmon: "start doubling the sleep
 * after 1ms").
 */
export const DEFAULT_BUSY_POLL_US = 1000;
const MAX_BUSY_POLL_US = 1_000_000;

/**
 * V8 optimises a function once it has spent its interrupt budget (67,584 by default: `node
 * --v8-options`, --interrupt-budget). A proxy process runs a few paths (accept, dial, link, close)
 * over and over, so optimising them about eight times sooner brings it to its steady cost per
 * connection after about 1,000 connections instead of 2,000 (its second 1,000: a quarter less CPU).
 * Set only in this process of its own, once it serves: flatline as a library never sets V8 flags
 * in a user's process.
 */
const PROXY_PROCESS_V8_FLAGS = '--interrupt-budget=8000';

export const usage = `Usage: flatline toxiproxy [--host 127.0.0.1] [--port 8474] [--config proxies.json] [--seed N] [--busy-poll-us 1000] [--verbose]

Serves Toxiproxy's HTTP API over flatline's fault network, in real time: a Toxiproxy for machines
without Docker or Go. toxiproxy-cli, toxiproxy-node-client and other Toxiproxy clients work unchanged,
and flatline's own toxics (nat_idle, half_open, blackhole) come along.

Options:
  --host HOST     address the API listens on (default 127.0.0.1)
  --port PORT     port the API listens on (default 8474; 0 picks a free one)
  --config FILE   create proxies from a Toxiproxy config file, a JSON array of
                  {"name", "listen", "upstream", "enabled"} (the body of POST /populate)
  --seed N        seed for the toxics' random choices (jitter, toxicity, slicer); default: random, printed
  --busy-poll-us N
                  after each chunk or connection, keep polling the network without
                  sleeping for N µs (default ${DEFAULT_BUSY_POLL_US}): the next chunk of a request/response
                  exchange is answered on an awake CPU instead of one that must be woken
                  first. Costs CPU while traffic flows, none when idle; 0 turns it off
  --verbose       log every proxy, connection and toxic event to stderr, one line each
  -h, --help      show this help

Ctrl-C (SIGINT) or SIGTERM closes every proxy and connection and exits 0.`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const values = parseOptions(argv, {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8474' },
    config: { type: 'string' },
    seed: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'busy-poll-us': { type: 'string', default: String(DEFAULT_BUSY_POLL_US) },
  });
  const port = integerOption(values.port, '--port', 0, 65535);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : integerOption(values.seed, '--seed', 0, 2 ** 32 - 1);

  const busyPoll = new BusyPoll(integerOption(values['busy-poll-us'], '--busy-poll-us', 0, MAX_BUSY_POLL_US) / 1000);

  const clock = new RealClock();
  const network = new FaultNetwork({
    clock,
    rng: new Rng(seed),
    trace: values.verbose ? traceLines(io.stderr, clock) : noTrace,
    onActivity: busyPoll.windowMs > 0 ? () => busyPoll.poke() : undefined,
  });
  let api: ApiServer;
  try {
    if (values.config !== undefined) await populateFromFile(network, values.config);
    api = await startApiServer({ network, host: values.host, port });
  } catch (err) {
    await network.close();
    throw err;
  }
  setFlagsFromString(PROXY_PROCESS_V8_FLAGS);

  io.stdout.write(`flatline toxiproxy listening on ${api.url}\n`);
  io.stdout.write(`  seed ${seed}\n`);
  for (const proxy of network.list()) {
    const state = proxy.enabled ? '' : ' (disabled)';
    io.stdout.write(`  proxy ${proxy.name}: ${formatHostPort(proxy.listen)} -> ${formatHostPort(proxy.upstream)}${state}\n`);
  }

  const signal = await waitForSignal(['SIGINT', 'SIGTERM']);
  io.stderr.write(`flatline toxiproxy: ${signal}, closing every proxy and connection\n`);
  busyPoll.stop();
  await api.close();
  return 0;
}
