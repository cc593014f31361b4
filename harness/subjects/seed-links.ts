import net from 'node:net';
import WebSocket from 'ws';
import type { HostPort } from '../net/address.ts';
import { encodeData, encodePing } from '../protocol/framing.ts';
import { encodeMessage } from '../protocol/messages.ts';
import type { SeedDial, SeedLinkEvents } from './seed-client.ts';

/**
 * Reports a close once, and never after the client itself ended the link: the client has already
 * moved on (a connect timeout, the user's disconnect).
 */
function closer(events: SeedLinkEvents) {
  let done = false;
  return {
    closed(reason: string) {
      if (done) return;
      done = true;
      events.closed(reason);
    },
    end() {
      done = true;
    },
  };
}

/**
 * A raw TCP socket as the BSD-socket and CocoaAsyncSocket managers use one (000, 002): open as soon
 * as TCP connects (no handshake with the server), whatever arrives is read and ignored (the articles
 * only log it), the loss is learnt from recv() returning 0 or an error. Messages go out in the
 * reference framing so the reference TCP server can deliver them; the heartbeat is its 1-byte PING.
 */
export function rawTcpDial(target: HostPort): SeedDial {
  return (events) => {
    const link = closer(events);
    const socket = net.connect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    socket.on('connect', () => events.open());
    socket.resume();
    socket.on('error', (err: NodeJS.ErrnoException) => link.closed(err.code ?? err.message));
    socket.on('close', () => link.closed('connection closed by peer'));
    return {
      write: (message, done) => socket.write(encodeData(encodeMessage(message)), done),
      heartbeat: () => socket.write(encodePing()),
      close: () => {
        link.end();
        socket.end();
      },
      destroy: () => {
        link.end();
        socket.destroy();
      },
    };
  };
}

/**
 * A SocketRocket SRWebSocket as the articles' manager drives it (001, 002, 004): open on the
 * handshake, server messages and pongs only logged, the heartbeat a WebSocket ping.
 */
export function rocketWsDial(url: string): SeedDial {
  return (events) => {
    const link = closer(events);
    const ws = new WebSocket(url);
    let failure: string | undefined;
    ws.on('open', () => events.open());
    ws.on('error', (err: NodeJS.ErrnoException) => (failure = err.code ?? err.message));
    ws.on('close', (code) => link.closed(failure ?? `connection closed (${code})`));
    return {
      write: (message, done) => ws.send(encodeMessage(message), done),
      heartbeat: () => ws.ping(),
      close: () => {
        link.end();
        ws.close(1000);
      },
      destroy: () => {
        link.end();
        ws.terminate();
      },
    };
  };
}
