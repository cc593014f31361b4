import type { IncomingMessage, ServerResponse } from 'node:http';
import { FlatlineError, type FlatlineErrorCode } from '../../util/errors.ts';
import { GoJsonError, parseGoJson, type GoJsonValue } from './go-json.ts';

/**
 * Toxiproxy's error body (api.go ApiError), plus `detail`: flatline's own explanation, which
 * Toxiproxy's clients ignore.
 */
export interface ApiErrorBody {
  error: string;
  status: number;
  detail?: string;
}

/** What a route answers: a status and, unless it is a 204, a body (JSON unless `text`). */
export interface ApiReply {
  status: number;
  body?: unknown;
  /** Overrides the Content-Type of a JSON body (GET /version says its charset). */
  contentType?: string;
  /** Sent as it is: Toxiproxy's few plain-text answers, and its errors (see errorReply). */
  text?: string;
}

/**
 * A failure of the HTTP exchange itself (unreadable body, a browser), as opposed to a
 * FlatlineError from the fault network. Both carry the status Toxiproxy answers with.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** An answer that is not Toxiproxy's JSON error: net/http's and gorilla/mux's own (404, 405, 403). */
export class PlainReply extends Error {
  constructor(readonly reply: ApiReply) {
    super(reply.text ?? `HTTP ${reply.status}`);
    this.name = 'PlainReply';
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

/** Parses a body as Toxiproxy's json.Decoder would; failures are its 400 "bad request body: <Go's text>". */
export function parseJsonBody(text: string): GoJsonValue {
  try {
    return parseGoJson(text);
  } catch (err) {
    const detail = text.trim() === '' ? 'the body is empty; send a JSON document' : 'the body is not valid JSON';
    throw badRequestBody(err, detail);
  }
}

/** Toxiproxy's joinError(err, ErrBadRequestBody). */
export function badRequestBody(err: unknown, detail?: string): ApiError {
  if (!(err instanceof GoJsonError)) throw err;
  return new ApiError(400, `bad request body: ${err.message}`, detail);
}

/** Toxiproxy's texts for the errors it shares with flatline (api.go, the Err* variables). */
const TOXIPROXY_TEXTS: Partial<Record<FlatlineErrorCode, string>> = {
  FLATLINE_ERR_PROXY_NOT_FOUND: 'proxy not found',
  FLATLINE_ERR_PROXY_EXISTS: 'proxy already exists',
  FLATLINE_ERR_TOXIC_NOT_FOUND: 'toxic not found',
  FLATLINE_ERR_TOXIC_EXISTS: 'toxic already exists',
  FLATLINE_ERR_TOXIC_TYPE: 'invalid toxic type',
  FLATLINE_ERR_TOXIC_STREAM: 'stream was invalid, can be either upstream or downstream',
};

/**
 * Any thrown value as Toxiproxy's {"error", "status"}, with Toxiproxy's text in `error` and
 * flatline's own message in `detail` where they differ; errors without a status are 500s, as in
 * Toxiproxy. Like Toxiproxy's apiError(), which calls Go's http.Error, the body is the JSON and a
 * newline, sent as text/plain.
 */
export function errorReply(err: unknown): ApiReply {
  if (err instanceof PlainReply) return err.reply;
  return jsonErrorReply(err);
}

/** errorReply for errors Toxiproxy answers with its JSON body. */
export function jsonErrorReply(err: unknown): ApiReply & { body: ApiErrorBody } {
  let body: ApiErrorBody;
  if (err instanceof FlatlineError) {
    const error = err.apiText ?? TOXIPROXY_TEXTS[err.code] ?? err.message;
    body = { error, status: err.status, ...(error === err.message ? {} : { detail: err.message }) };
  } else if (err instanceof ApiError) {
    body = { error: err.message, status: err.status, ...(err.detail === undefined ? {} : { detail: err.detail }) };
  } else {
    body = { error: err instanceof Error ? err.message : String(err), status: 500 };
  }
  return { status: body.status, body, text: `${goJson(body)}\n`, contentType: PLAIN_TEXT };
}

/** Go's http.Error: what net/http writes for a plain-text error. */
export const PLAIN_TEXT = 'text/plain; charset=utf-8';

/** JSON as Go's json.Marshal writes it: HTML-safe escapes for <, >, & and U+2028/U+2029. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function sendReply(res: ServerResponse, { status, body, contentType, text }: ApiReply): void {
  if (text !== undefined) {
    const headers: Record<string, string | number> = { 'Content-Type': contentType ?? PLAIN_TEXT, 'Content-Length': Buffer.byteLength(text) };
    if ((contentType ?? PLAIN_TEXT) === PLAIN_TEXT) headers['X-Content-Type-Options'] = 'nosniff';
    res.writeHead(status, headers).end(text);
    return;
  }
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const json = goJson(body);
  res.writeHead(status, { 'Content-Type': contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(json) }).end(json);
}
