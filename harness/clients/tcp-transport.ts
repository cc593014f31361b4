import net from 'node:net';
import { encodeData, encodePing, encodePong, FrameDecoder } from '../protocol/framing.ts';
import { decodeMessage, encodeMessage } from '../protocol/messages.ts';
import type { HostPort } from '../net/address.ts';
import type { Dial } from './transport.ts';

/** Length-prefixed JSON frames with a 1-byte PING/PONG heartbeat, over one TCP connection. */
export function tcpDial(target: HostPort, hello: string): Dial {
  return (events) => {
    const socket = net.connect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    const decoder = new FrameDecoder();
    let done = false;
    const closed = (reason: string) => {
      if (done) return;
      done = true;
      events.closed(reason);
    };
    // open only once the server answers: the TCP connect may have reached just a proxy
    socket.on('connect', () => socket.write(encodeData(encodeMessage({ t: 'hello', client: hello }))));
    socket.on('data', (chunk: Buffer) => {
      if (done) return;
      try {
        events.activity();
        for (const frame of decoder.push(chunk)) {
          if (frame.kind === 'pong') events.pong();
          else if (frame.kind === 'ping') socket.write(encodePong());
          else {
            const message = decodeMessage(frame.payload.toString());
            if (message.t === 'welcome') events.open();
            else events.message(message);
          }
        }
      } catch (err) {
        socket.destroy();
        closed((err as Error).message);
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => closed(err.code ?? err.message));
    socket.on('close', () => closed('connection closed by peer'));
    return {
      send: (message) => {
        if (done) return false;
        socket.write(encodeData(encodeMessage(message)));
        return true;
      },
      ping: () => {
        if (!done) socket.write(encodePing());
      },
      close: () => {
        done = true;
        socket.end();
      },
      destroy: () => {
        done = true;
        socket.destroy();
      },
    };
  };
}
