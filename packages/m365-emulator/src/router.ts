/**
 * Declarative Graph routing. Patterns are path segments after `/v1.0`; `:name` captures a segment.
 * Literal segments match case-insensitively, as Graph's do. Paths are normalised first: key syntax
 * `mailFolders('inbox')` becomes `mailFolders/inbox`, and `microsoft.graph.send` becomes `send`.
 */
import type { CsdlValidator } from './csdl.ts';
import type { FaultController } from './faults.ts';
import { badRequest } from './graph-error.ts';
import { type HttpRequest, type HttpResponse, header, parseJsonBody } from './http.ts';
import type { IdFormat } from './id-format.ts';
import type { Notifier } from './notifier.ts';
import { parseQueryOptions, type QueryOptions } from './odata.ts';
import type { EmulatorState } from './state.ts';
import type { TokenClaims, TokenIssuer } from './token-issuer.ts';

export interface Services {
  readonly state: EmulatorState;
  readonly validator: CsdlValidator;
  readonly notifier: Notifier;
  readonly faults: FaultController;
  readonly issuer: TokenIssuer;
  /** REST and immutable item ids (id-format.ts). */
  readonly ids: IdFormat;
  /** https://127.0.0.1:PORT */
  origin(): string;
}

export interface RouteContext {
  readonly req: HttpRequest;
  readonly params: Readonly<Record<string, string>>;
  readonly services: Services;
  readonly claims: TokenClaims;
  /** https://127.0.0.1:PORT/v1.0 */
  readonly baseUrl: string;
  readonly prefer: string | undefined;
  body(): unknown;
  query(): QueryOptions;
}

export type Handler = (ctx: RouteContext) => HttpResponse | Promise<HttpResponse>;

export interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: Handler;
}

export const route = (method: string, pattern: string, handler: Handler): Route => ({
  method,
  segments: pattern.split('/').filter(Boolean),
  handler,
});

/** Splits and normalises a Graph path (without the version prefix). */
export function normalisePath(pathname: string): string[] {
  const out: string[] = [];
  for (const raw of pathname.split('/')) {
    if (!raw) continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw badRequest(`Invalid request URL segment '${raw}'.`);
    }
    const key = /^([A-Za-z.]+)\((?:'(.*)'|([^')]*))\)$/.exec(segment);
    if (key) {
      out.push(stripNamespace(key[1] as string), key[2] ?? key[3] ?? '');
      continue;
    }
    out.push(stripNamespace(segment));
  }
  return out;
}

const stripNamespace = (segment: string) => segment.replace(/^microsoft\.graph\./i, '');

export type RouteMatch =
  | { kind: 'match'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'none' };

export function matchRoute(
  routes: readonly Route[],
  method: string,
  segments: readonly string[],
): RouteMatch {
  let pathMatched = false;
  for (const candidate of routes) {
    if (candidate.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segments.length; i++) {
      const pattern = candidate.segments[i] as string;
      const actual = segments[i] as string;
      if (pattern.startsWith(':')) params[pattern.slice(1)] = actual;
      else if (pattern.toLowerCase() !== actual.toLowerCase()) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    pathMatched = true;
    if (candidate.method === method) return { kind: 'match', route: candidate, params };
  }
  return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'none' };
}

export function createContext(input: {
  req: HttpRequest;
  params: Record<string, string>;
  services: Services;
  claims: TokenClaims;
}): RouteContext {
  let query: QueryOptions | undefined;
  return {
    ...input,
    baseUrl: `${input.services.origin()}/v1.0`,
    prefer: header(input.req, 'prefer'),
    body() {
      try {
        return parseJsonBody(input.req);
      } catch {
        throw badRequest(
          'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
          'BadRequest',
        );
      }
    },
    query() {
      query ??= parseQueryOptions(input.req.url.searchParams);
      return query;
    },
  };
}
