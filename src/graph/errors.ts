/**
 * Graph failures as values. graph-client throws `GraphError` (statusCode, code, headers); fetch throws
 * on network failures. The outbox needs to know: retry (and when), or park.
 *
 * | status                         | retryable | why                                        |
 * |--------------------------------|-----------|--------------------------------------------|
 * | 429, 503, 504 (Retry-After)    | yes       | throttled or busy: honour Retry-After       |
 * | network error, 500, 502        | yes       | transient                                   |
 * | 401, 408, 409, 412, 423        | yes       | token refresh, timeout, conflicting update  |
 * | 400, 403, 404, other 4xx       | no        | will not heal: fix data, permissions, RBAC  |
 */
export interface GraphFailure {
  readonly retryable: boolean;
  readonly status: number | null;
  readonly code: string | null;
  readonly retryAfterMs?: number;
  readonly message: string;
}

const RETRYABLE_STATUS = new Set([401, 408, 409, 412, 423, 429, 500, 502, 503, 504]);

interface GraphErrorLike {
  statusCode?: number;
  code?: string | null;
  message?: string;
  headers?: { get(name: string): string | null } | Record<string, string>;
}

/** Classifies anything thrown by a Graph call. */
export function classifyGraphError(error: unknown): GraphFailure {
  const e = (error ?? {}) as GraphErrorLike;
  const status = typeof e.statusCode === 'number' && e.statusCode > 0 ? e.statusCode : null;
  const message = `${status ?? 'network'}${e.code ? ` ${e.code}` : ''}: ${e.message ?? String(error)}`.slice(
    0,
    500,
  );
  if (status === null) return { retryable: true, status: null, code: e.code ?? null, message };
  const retryAfterMs = retryAfter(e.headers);
  return {
    retryable: RETRYABLE_STATUS.has(status),
    status,
    code: e.code ?? null,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    message,
  };
}

/** True for Graph's 404 (ErrorItemNotFound, Request_ResourceNotFound …). */
export function isNotFound(error: unknown): boolean {
  return (error as GraphErrorLike | undefined)?.statusCode === 404;
}

/** Retry-After (seconds or an HTTP date) in ms. */
export function retryAfter(
  headers: GraphErrorLike['headers'] | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const value =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(name: string): string | null }).get('retry-after')
      : Object.entries(headers as Record<string, string>).find(
          ([k]) => k.toLowerCase() === 'retry-after',
        )?.[1];
  if (value === null || value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** An error with an HTTP status, for failures found in batch responses. */
export class GraphStatusError extends Error {
  override readonly name = 'GraphStatusError';
  constructor(
    readonly statusCode: number,
    readonly code: string | null,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}
