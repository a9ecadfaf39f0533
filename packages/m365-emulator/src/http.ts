/**
 * The little HTTP vocabulary shared by the emulator's parts: a parsed request, a response value, and
 * the functions that read one from Node and write the other back.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
}

/** `body`: a string is sent as is (give the content type); anything else is sent as JSON. */
export interface HttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** An injected timeout: write nothing, hold the connection this long, then drop it. */
  readonly hangUpAfterMs?: number;
}

export async function readRequest(req: IncomingMessage, origin: string): Promise<HttpRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url: new URL(req.url ?? '/', origin),
    headers: req.headers,
    rawBody: Buffer.concat(chunks).toString('utf8'),
  };
}

export function writeResponse(res: ServerResponse, response: HttpResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | undefined;
  if (typeof response.body === 'string') payload = response.body;
  else if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

export function header(req: HttpRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): HttpResponse => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

export const text = (
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): HttpResponse => ({
  status,
  body,
  headers: { 'content-type': contentType },
});

export const html = (status: number, body: string): HttpResponse =>
  text(status, body, 'text/html; charset=utf-8');

/** Parses a JSON body; undefined when empty. Throws SyntaxError when malformed. */
export function parseJsonBody(req: HttpRequest): unknown {
  return req.rawBody.trim() === '' ? undefined : JSON.parse(req.rawBody);
}
