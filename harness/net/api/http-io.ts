import type { IncomingMessage, ServerResponse } from 'node:http';
import { FlatlineError } from '../../util/errors.ts';

/** Toxiproxy's error body: every failed request answers with this. */
export interface ApiErrorBody {
  error: string;
  status: number;
}

/** What a route answers: a status and, unless it is a 204, a JSON body. */
export interface ApiReply {
  status: number;
  body?: unknown;
}

/**
 * A failure of the HTTP exchange itself (unreadable body, no such route, a browser), as opposed
 * to a FlatlineError from the fault network. Both carry the status Toxiproxy answers with.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Request bodies are small JSON documents; anything bigger is a mistake, not a proxy. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole request body as text (before the request waits its turn, so a slow sender blocks no one). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, `request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a body the way Toxiproxy's JSON decoder would accept it; failures are its 400 "bad request body". */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw badRequestBody('the body is empty; send a JSON document');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequestBody((err as Error).message);
  }
}

export function badRequestBody(why: string): ApiError {
  return new ApiError(400, `bad request body: ${why}`);
}

/** Any thrown value as Toxiproxy's {"error", "status"}; errors without a status are 500s, as in Toxiproxy. */
export function errorReply(err: unknown): ApiReply & { body: ApiErrorBody } {
  const status = err instanceof ApiError || err instanceof FlatlineError ? err.status : 500;
  const error = err instanceof Error ? err.message : String(err);
  return { status, body: { error, status } };
}

export function sendReply(res: ServerResponse, { status, body }: ApiReply): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
