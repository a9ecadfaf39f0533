/**
 * The HTTP server skeleton (node:http) with a small declarative router. Other parts of Concord
 * register their routes (`/api/messages`, `/api/graph/*`) through `createServer({ routes })` or
 * `server.route(...)`; this file knows none of them.
 *
 * A handler either returns a `RouteResponse` (status plus JSON or text), or writes to the raw
 * `ServerResponse` itself and returns undefined (the Bot Framework adapter needs the raw objects).
 *
 * A body over the limit (1 MiB by default) is 413 with a short JSON body and `Connection: close`,
 * on every route: at once when `Content-Length` says so, else as soon as reading passes the limit.
 * The rest of the upload is read and discarded (up to `drainLimit` more bytes, for at most
 * `drainMs`) so that the client is not reset mid-upload and can read the 413. Every answer carries
 * `X-Content-Type-Options: nosniff`.
 *
 * @example
 * const server = createServer({ routes: [...healthRoutes({ store })], log });
 * const { port } = await server.listen(3978);
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/index.ts';
import { silentLogger } from '../log/index.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteRequest {
  readonly raw: IncomingMessage;
  readonly method: HttpMethod;
  readonly url: URL;
  /** The body as text (read once, limited in size). */
  text(): Promise<string>;
  /** The body parsed as JSON; throws `HttpError(400)` when it is not JSON. */
  json(): Promise<unknown>;
}

export interface RouteResponse {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RouteHandler = (
  request: RouteRequest,
  response: ServerResponse,
) => Promise<RouteResponse | undefined> | RouteResponse | undefined;

export interface Route {
  readonly method: HttpMethod;
  /** An exact path such as `/healthz`. */
  readonly path: string;
  readonly handler: RouteHandler;
}

/** An expected failure with a status, thrown by a handler or by `json()`. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ConcordServer {
  readonly server: Server;
  route(route: Route): void;
  listen(port: number, host?: string): Promise<{ port: number }>;
  close(): Promise<void>;
}

export interface ServerOptions {
  readonly routes?: readonly Route[];
  readonly log?: Logger;
  /** The largest body accepted, in bytes. Default 1 MiB. */
  readonly bodyLimit?: number;
  /** After a 413, how much more of the upload is read and discarded before the socket is closed. */
  readonly drainLimit?: number;
  readonly drainMs?: number;
}

const TOO_LARGE = 'request body too large';

export function createServer(options: ServerOptions = {}): ConcordServer {
  const log = (options.log ?? silentLogger()).child({ component: 'http' });
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const drain = { bytes: options.drainLimit ?? 16 * 1024 * 1024, ms: options.drainMs ?? 5_000 };
  const table = new Map<string, Map<HttpMethod, RouteHandler>>();

  function route(entry: Route): void {
    const methods = table.get(entry.path) ?? new Map<HttpMethod, RouteHandler>();
    if (methods.has(entry.method))
      throw new Error(`route ${entry.method} ${entry.path} is already registered`);
    methods.set(entry.method, entry.handler);
    table.set(entry.path, methods);
  }
  for (const entry of options.routes ?? []) route(entry);

  const server = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Nothing in `handle` should throw past its own catch; if it does, drop this request only.
      log.error({ errorName: error instanceof Error ? error.name : typeof error }, 'request failed');
      res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = urlOf(req.url);
    const path = url?.pathname ?? '(unreadable)';
    const method = (req.method ?? 'GET').toUpperCase() as HttpMethod;
    const methods = table.get(path);
    res.setHeader('x-content-type-options', 'nosniff');
    try {
      // An absolute-form target that is not a URL (`GET http://[bad/x`) would otherwise throw here.
      if (!url) throw new HttpError(400, 'bad request target');
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > bodyLimit) throw new HttpError(413, TOO_LARGE);
      if (!methods) throw new HttpError(404, 'not found');
      const handler = methods.get(method);
      if (!handler) {
        res.setHeader('allow', [...methods.keys()].join(', '));
        throw new HttpError(405, 'method not allowed');
      }
      const result = await handler(requestOf(req, method, url, bodyLimit), res);
      if (result) send(res, result);
    } catch (error) {
      if (error instanceof HttpError && error.status === 413) {
        log.warn({ method, path, limit: bodyLimit }, 'request body too large');
        discardRest(req, drain);
        if (!res.headersSent)
          send(res, { status: 413, json: { error: TOO_LARGE }, headers: { connection: 'close' } });
        else res.end();
      } else if (error instanceof HttpError) {
        if (!res.headersSent) send(res, { status: error.status, json: { error: error.message } });
        else res.end();
      } else {
        log.error({ err: error, method, path }, 'handler failed');
        if (!res.headersSent) send(res, { status: 500, json: { error: 'internal error' } });
        else res.end();
      }
    } finally {
      log.debug({ method, path, status: res.statusCode, ms: Date.now() - started }, 'request');
    }
  }

  return {
    server,
    route,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve({ port: (server.address() as AddressInfo).port });
        });
      });
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function urlOf(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

function requestOf(raw: IncomingMessage, method: HttpMethod, url: URL, limit: number): RouteRequest {
  let body: Promise<string> | undefined;
  const text = () => {
    body ??= new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const collect = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          // Stop collecting; the server's 413 path reads and discards the rest.
          raw.off('data', collect);
          chunks.length = 0;
          reject(new HttpError(413, TOO_LARGE));
          return;
        }
        chunks.push(chunk);
      };
      raw.on('data', collect);
      raw.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      raw.on('error', reject);
    });
    return body;
  };
  return {
    raw,
    method,
    url,
    text,
    async json() {
      const value = await text();
      try {
        return JSON.parse(value) as unknown;
      } catch {
        throw new HttpError(400, 'the body must be JSON');
      }
    },
  };
}

/**
 * Reads and drops what is left of an upload, so the client can finish sending and read the answer;
 * a client that keeps sending past `bytes` more, or for longer than `ms`, is cut off.
 */
function discardRest(req: IncomingMessage, limits: { bytes: number; ms: number }): void {
  if (req.readableEnded || req.destroyed) return;
  let discarded = 0;
  const timer = setTimeout(() => req.socket.destroy(), limits.ms);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limits.bytes) req.socket.destroy();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

function send(res: ServerResponse, response: RouteResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload = '';
  if (response.json !== undefined) {
    headers['content-type'] ??= 'application/json; charset=utf-8';
    payload = JSON.stringify(response.json);
  } else if (response.text !== undefined) {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    payload = response.text;
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}
