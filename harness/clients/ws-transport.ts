import WebSocket from 'ws';
import { decodeMessage, encodeMessage } from '../protocol/messages.ts';
import type { Dial } from './transport.ts';

/** JSON messages over `ws`, with WebSocket ping/pong control frames as the heartbeat. */
export function wsDial(url: string, hello: string): Dial {
  return (events) => {
    const ws = new WebSocket(url);
    let done = false;
    const closed = (reason: string) => {
      if (done) return;
      done = true;
      events.closed(reason);
    };
    ws.on('open', () => {
      ws.send(encodeMessage({ t: 'hello', client: hello }));
      events.open();
    });
    ws.on('message', (data) => {
      if (done) return;
      events.activity();
      try {
        events.message(decodeMessage(String(data)));
      } catch (err) {
        ws.terminate();
        closed((err as Error).message);
      }
    });
    ws.on('ping', () => events.activity());
    ws.on('pong', () => {
      events.activity();
      events.pong();
    });
    ws.on('error', (err: NodeJS.ErrnoException) => closed(err.code ?? err.message));
    ws.on('close', (code) => closed(`connection closed (${code})`));
    return {
      send: (message) => {
        if (done || ws.readyState !== WebSocket.OPEN) return false;
        ws.send(encodeMessage(message));
        return true;
      },
      ping: () => {
        if (!done && ws.readyState === WebSocket.OPEN) ws.ping();
      },
      close: () => {
        done = true;
        ws.close(1000, 'client disconnect');
      },
      destroy: () => {
        done = true;
        ws.terminate();
      },
    };
  };
}
