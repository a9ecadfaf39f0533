/**
 * The Graph side of the emulator: `/v1.0/...` requests go through
 *   bearer-token check → route match → per-mailbox concurrency slot → latency → injected fault → handler
 * and errors come back in Graph's shape. `$batch` runs its inner requests through the same pipeline
 * (so they are throttled individually) and answers 200 whatever the inner statuses.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mailboxFaultError } from './faults.ts';
import { GraphError, graphErrorBody } from './graph-error.ts';
import { type HttpRequest, type HttpResponse, header } from './http.ts';
import { prefersImmutableIds } from './id-format.ts';
import { createContext, matchRoute, normalisePath, type Route, type Services } from './router.ts';
import type { TokenClaims } from './token-issuer.ts';

const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/**
 * `/users/{id}/…` segments that reach the mailbox (Exchange), where a per-mailbox fault answers. The
 * directory parts (`/users/{id}`, `/manager`, `/teamwork`) are Entra's and answer as usual.
 */
const MAILBOX_SCOPED = new Set([
  'messages',
  'mailfolders',
  'sendmail',
  'events',
  'calendar',
  'calendars',
  'calendarview',
  'mailboxsettings',
]);

export interface InnerRequest {
  method: string;
  /** Path and query after the version, e.g. `/users/x/messages?$top=1`. */
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface GraphHandler {
  handle(req: HttpRequest): Promise<HttpResponse>;
}

export function createGraphHandler(services: Services, routes: readonly Route[]): GraphHandler {
  const errorResponse = (
    error: { status: number; code: string; message: string; headers?: Record<string, string> },
    req: HttpRequest,
    requestId: string,
  ): HttpResponse => ({
    status: error.status,
    headers: { 'content-type': JSON_TYPE, ...(error.headers ?? {}) },
    body: graphErrorBody(error, requestId, header(req, 'client-request-id'), services.state.clock.now()),
  });

  async function authenticate(req: HttpRequest) {
    const auth = header(req, 'authorization');
    if (!auth?.toLowerCase().startsWith('bearer '))
      return { ok: false as const, message: 'Access token is empty.' };
    return services.issuer.verify(auth.slice(7).trim());
  }

  function record(req: HttpRequest, pathname: string, batched: boolean) {
    const log = services.state.requests;
    const decode = (text: string) => {
      try {
        return decodeURIComponent(text);
      } catch {
        return text;
      }
    };
    log.push({
      method: req.method,
      path: decode(pathname),
      query: decode(req.url.search.replace(/^\?/, '')),
      batched,
    });
    if (log.length > 20_000) log.splice(0, log.length - 20_000);
  }

  async function dispatch(
    req: HttpRequest,
    claims: TokenClaims,
    requestId: string,
    batched = false,
  ): Promise<HttpResponse> {
    const pathname = req.url.pathname.replace(/^\/v1\.0/i, '');
    record(req, pathname, batched);
    let release: (() => void) | undefined;
    const immutable = prefersImmutableIds(header(req, 'prefer'));
    try {
      // Either id format comes in; items are found by their immutable id (id-format.ts).
      const segments = normalisePath(pathname).map((s) => services.ids.toImmutable(s));
      if (req.rawBody) req = { ...req, rawBody: services.ids.immutify(req.rawBody) };
      if (segments.length === 1 && segments[0] === '$batch' && req.method === 'POST')
        return await batch(req, claims);
      const match = matchRoute(routes, req.method, segments);
      if (match.kind === 'none')
        throw new GraphError(
          400,
          'BadRequest',
          `Resource not found for the segment '${segments.at(-1) ?? ''}'.`,
        );
      if (match.kind === 'method-not-allowed')
        throw new GraphError(
          405,
          'BadRequest',
          `The HTTP method '${req.method}' is not allowed for this resource.`,
        );
      const user = match.params.user;
      const mailbox = user ? services.state.find(user) : undefined;
      if (mailbox && MAILBOX_SCOPED.has((segments[2] ?? '').toLowerCase())) {
        const mailboxFault = services.faults.mailboxFault(mailbox);
        if (mailboxFault) throw mailboxFaultError(mailboxFault);
      }
      if (mailbox) {
        release = services.faults.acquire(mailbox.id);
        if (!release) {
          const retryAfter = String(services.faults.config().retryAfterSeconds);
          throw new GraphError(
            429,
            'ApplicationThrottled',
            'Application is over its MailboxConcurrency limit.',
            {
              'retry-after': retryAfter,
            },
          );
        }
      }
      const latency = services.faults.latency();
      if (latency > 0) await sleep(latency);
      const fault = services.faults.pick(req.method, pathname);
      const refusal = fault
        ? new GraphError(
            fault.status,
            fault.code,
            fault.message,
            fault.retryAfter ? { 'retry-after': String(fault.retryAfter) } : {},
          )
        : undefined;
      if (refusal && !fault?.afterApplying) throw refusal;
      const ctx = createContext({ req, params: match.params, services, claims });
      const answered = await match.route.handler(ctx);
      if (refusal) throw refusal;
      const response = immutable ? answered : services.ids.restify(answered);
      return {
        ...response,
        headers: {
          ...(immutable ? { 'preference-applied': 'IdType="ImmutableId"' } : {}),
          ...(response.body !== undefined && typeof response.body !== 'string'
            ? { 'content-type': JSON_TYPE }
            : {}),
          ...(response.headers ?? {}),
        },
      };
    } catch (error) {
      if (error instanceof GraphError)
        return errorResponse(
          { ...error, message: error.message, headers: { ...error.headers } },
          req,
          requestId,
        );
      console.error('[emulator] unhandled error', error);
      return errorResponse(
        { status: 500, code: 'InternalServerError', message: (error as Error).message },
        req,
        requestId,
      );
    } finally {
      release?.();
    }
  }

  async function batch(req: HttpRequest, claims: TokenClaims): Promise<HttpResponse> {
    let payload: { requests?: unknown };
    try {
      payload = JSON.parse(req.rawBody || '{}');
    } catch {
      throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
    }
    const requests = payload.requests;
    if (!Array.isArray(requests) || requests.length === 0)
      throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
    if (requests.length > 20)
      throw new GraphError(400, 'BadRequest', 'Number of batch request steps exceeds the maximum of 20.');
    const ids = new Set<string>();
    for (const r of requests as Record<string, unknown>[]) {
      if (typeof r.id !== 'string' || typeof r.method !== 'string' || typeof r.url !== 'string')
        throw new GraphError(
          400,
          'BadRequest',
          'Invalid batch payload format: each request needs id, method and url.',
        );
      if (ids.has(r.id))
        throw new GraphError(400, 'BadRequest', `Batch request ids must be unique: '${r.id}'.`);
      ids.add(r.id);
    }
    checkDependencies(requests as Record<string, unknown>[]);
    const results = new Map<string, Promise<HttpResponse>>();
    // "The service executes up to 4 requests in parallel at any point, irrespective of the target
    // mailbox, staying within Outlook's concurrency limits" (Microsoft Graph throttling limits,
    // "Outlook service limits for JSON batching"): a batch alone never throttles itself, however
    // many of its requests name one mailbox; requests outside it still count against the mailbox.
    const inParallel = parallelSlots(BATCH_PARALLEL);
    const run = (r: Record<string, unknown>): Promise<HttpResponse> => {
      const existing = results.get(String(r.id));
      if (existing) return existing;
      const promise = (async () => {
        const deps = Array.isArray(r.dependsOn) ? (r.dependsOn as string[]) : [];
        for (const dep of deps) {
          const target = (requests as Record<string, unknown>[]).find((x) => x.id === dep);
          if (!target)
            return {
              status: 400,
              body: { error: { code: 'BadRequest', message: `Unknown dependsOn id '${dep}'.` } },
            };
          const depResult = await run(target);
          if (depResult.status >= 400)
            return {
              status: 424,
              body: { error: { code: 'FailedDependency', message: 'Failed dependency.' } },
            };
        }
        const url = String(r.url).replace(/^\/?(v1\.0\/)?/i, '/v1.0/');
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries((r.headers as Record<string, string>) ?? {}))
          headers[k.toLowerCase()] = String(v);
        headers.authorization = header(req, 'authorization') ?? '';
        const inner: HttpRequest = {
          method: String(r.method).toUpperCase(),
          url: new URL(url, services.origin()),
          headers,
          rawBody: r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body),
        };
        return inParallel(() => dispatch(inner, claims, randomUUID(), true));
      })();
      results.set(String(r.id), promise);
      return promise;
    };
    const responses = await Promise.all(
      (requests as Record<string, unknown>[]).map(async (r) => {
        const res = await run(r);
        return {
          id: r.id,
          status: res.status,
          headers: res.headers ?? {},
          ...(res.body !== undefined ? { body: res.body } : {}),
        };
      }),
    );
    return { status: 200, headers: { 'content-type': JSON_TYPE }, body: { responses } };
  }

  /**
   * Microsoft's known limitation of JSON batching: "requests can only depend on a single other
   * request, and must follow one of these three patterns": parallel (no request states a
   * dependency), serial (every request depends on the one before it), or same (every request that
   * states a dependency states the same one). Graph refuses any other batch whole with 400.
   */
  function checkDependencies(requests: readonly Record<string, unknown>[]) {
    const refuse = (why: string) => {
      throw new GraphError(
        400,
        'BadRequest',
        `Batch should be either fully sequential or fully parallel: ${why}.`,
      );
    };
    const deps = requests.map((r) => {
      if (r.dependsOn === undefined) return undefined;
      if (!Array.isArray(r.dependsOn) || r.dependsOn.some((d) => typeof d !== 'string'))
        return refuse(`dependsOn of '${String(r.id)}' is not a list of ids`);
      if (r.dependsOn.length === 0) return undefined;
      if (r.dependsOn.length > 1) return refuse(`'${String(r.id)}' depends on more than one request`);
      return r.dependsOn[0] as string;
    });
    if (deps.every((d) => d === undefined)) return;
    deps.forEach((d, i) => {
      if (d !== undefined && !requests.slice(0, i).some((r) => r.id === d))
        refuse(
          `'${String(requests[i]?.id)}' depends on '${d}', which is not an earlier request of the batch`,
        );
    });
    const serial = deps.every((d, i) => (i === 0 ? d === undefined : d === requests[i - 1]?.id));
    const stated = new Set(deps.filter((d): d is string => d !== undefined));
    if (!serial && stated.size !== 1) refuse('mixed dependencies');
  }

  return {
    async handle(req) {
      const requestId = randomUUID();
      const common = {
        'request-id': requestId,
        'client-request-id': header(req, 'client-request-id') ?? requestId,
        'cache-control': 'private',
        // Exchange's time, as Graph answers it (RFC 9110 `Date`): on the emulator's clock, so a
        // client that reckons an item's age (`lastModifiedDateTime`) does so on the same clock.
        date: services.state.clock.now().toUTCString(),
      };
      const verified = await authenticate(req);
      const auth =
        verified.ok && services.faults.expiredToken(String(verified.claims.uti ?? ''))
          ? { ok: false as const, message: 'Lifetime validation failed, the token is expired.' }
          : verified;
      if (!auth.ok) {
        const res = errorResponse(
          { status: 401, code: 'InvalidAuthenticationToken', message: auth.message },
          req,
          requestId,
        );
        return {
          ...res,
          headers: {
            ...res.headers,
            ...common,
            'www-authenticate': `Bearer realm="", authorization_uri="${services.origin()}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
          },
        };
      }
      const res = await dispatch(req, auth.claims, requestId);
      const hangUpAfterMs = services.faults.timeout();
      if (hangUpAfterMs !== undefined) return { status: 504, hangUpAfterMs };
      return { ...res, headers: { ...common, ...(res.headers ?? {}) } };
    },
  };
}

/** How many of a `$batch`'s requests Graph runs at once (Outlook's documented figure). */
export const BATCH_PARALLEL = 4;

/** Runs the functions it is given at most `max` at a time, in the order they came. */
function parallelSlots(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
