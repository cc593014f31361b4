import { FlatlineError } from '../util/errors.ts';

/**
 * The reference TCP wire format. Every frame starts with a kind byte:
 *   0x01 PING and 0x02 PONG are the whole frame (the 1-byte heartbeat of IM practice);
 *   0x03 DATA is followed by a 4-byte big-endian length and that many bytes of JSON.
 */
export const FrameKind = { ping: 0x01, pong: 0x02, data: 0x03 } as const;

export type Frame = { kind: 'ping' } | { kind: 'pong' } | { kind: 'data'; payload: Buffer };

/** Largest DATA payload accepted by default: bigger ones are a protocol error, not a memory hog. */
export const DEFAULT_MAX_FRAME = 1024 * 1024;

const PING = Buffer.from([FrameKind.ping]);
const PONG = Buffer.from([FrameKind.pong]);

export function encodePing(): Buffer {
  return PING;
}

export function encodePong(): Buffer {
  return PONG;
}

export function encodeData(payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const frame = Buffer.allocUnsafe(5 + body.length);
  frame[0] = FrameKind.data;
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, 5);
  return frame;
}

/**
 * Reassembles frames from the chunks a socket delivers (a slicer toxic can cut anywhere).
 * Throws a FlatlineError on an unknown kind byte or an oversized frame; the caller closes the connection.
 */
export class FrameDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrame = DEFAULT_MAX_FRAME) {}

  push(chunk: Buffer): Frame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Frame[] = [];
    let at = 0;
    while (at < this.buffered.length) {
      const kind = this.buffered[at]!;
      if (kind === FrameKind.ping || kind === FrameKind.pong) {
        frames.push({ kind: kind === FrameKind.ping ? 'ping' : 'pong' });
        at += 1;
        continue;
      }
      if (kind !== FrameKind.data) {
        this.buffered = Buffer.alloc(0);
        throw new FlatlineError('FLATLINE_ERR_CLIENT', `protocol error: unknown frame kind 0x${kind.toString(16).padStart(2, '0')}`);
      }
      if (this.buffered.length - at < 5) break;
      const length = this.buffered.readUInt32BE(at + 1);
      if (length > this.maxFrame) {
        this.buffered = Buffer.alloc(0);
        throw new FlatlineError('FLATLINE_ERR_CLIENT', `protocol error: frame of ${length} bytes exceeds the ${this.maxFrame}-byte limit`);
      }
      if (this.buffered.length - at < 5 + length) break;
      frames.push({ kind: 'data', payload: this.buffered.subarray(at + 5, at + 5 + length) });
      at += 5 + length;
    }
    this.buffered = this.buffered.subarray(at);
    return frames;
  }
}
