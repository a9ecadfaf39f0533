/**
 * JSON batching (`POST /$batch`): up to 20 requests in one call. A batch answers 200 even when inner
 * requests were throttled, so inner 429/503/504 answers are retried here (after the largest inner
 * Retry-After), up to `maxAttempts`. Requests are split so that one batch holds at most 20 requests and
 * at most `perMailbox` for any one mailbox (Exchange counts each inner request against the mailbox's
 * concurrency limit).
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { retryAfter } from './errors.ts';
import { type MailboxLimiter, mailboxKey } from './mailbox-limiter.ts';

export interface BatchRequest {
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the version root, e.g. `/users/x@y/manager`. */
  readonly url: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface BatchResponse {
  readonly id: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface GraphBatch {
  /** Runs every request; the map holds the final response of each (after inner retries). */
  run(requests: readonly BatchRequest[]): Promise<Map<string, BatchResponse>>;
  /** Batches sent so far (for measuring). */
  readonly calls: number;
}

export interface GraphBatchOptions {
  readonly api: Client;
  /**
   * The client's per-mailbox limiter: each batch holds a slot per inner request of each mailbox
   * while it is sent (Exchange counts inner requests against the mailbox's limit), and its aliases
   * give one key per mailbox whatever form the URL names it in.
   */
  readonly limiter?: Pick<MailboxLimiter, 'keyOf' | 'hold'>;
  readonly maxAttempts?: number;
  readonly perMailbox?: number;
  /** Injected for tests; default a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Used when an inner answer gives no Retry-After. Default 1000 ms. */
  readonly defaultRetryMs?: number;
}

const RETRY_INNER = new Set([429, 503, 504]);

export function createGraphBatch(options: GraphBatchOptions): GraphBatch {
  const maxAttempts = options.maxAttempts ?? 5;
  const perMailbox = options.perMailbox ?? 4;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let calls = 0;
  const keyOf = (request: BatchRequest) =>
    options.limiter?.keyOf(`https://x${request.url}`) ?? mailboxKey(`https://x${request.url}`);
  const perKey = (chunk: readonly BatchRequest[]) => {
    const out = new Map<string, number>();
    for (const r of chunk) {
      const key = keyOf(r);
      if (key) out.set(key, (out.get(key) ?? 0) + 1);
    }
    return out;
  };

  async function once(chunk: readonly BatchRequest[]): Promise<BatchResponse[]> {
    calls++;
    const payload = {
      requests: chunk.map((r) => ({
        id: r.id,
        method: r.method,
        url: r.url,
        ...(r.body !== undefined
          ? { body: r.body, headers: { 'content-type': 'application/json', ...r.headers } }
          : {}),
        ...(r.body === undefined && r.headers ? { headers: r.headers } : {}),
      })),
    };
    const post = () => options.api.api('/$batch').post(payload) as Promise<{ responses?: BatchResponse[] }>;
    const result = options.limiter ? await options.limiter.hold(perKey(chunk), post) : await post();
    return (result.responses ?? []).map((r) => ({
      ...r,
      id: String(r.id),
      headers: lowerKeys(r.headers ?? {}),
    }));
  }

  return {
    get calls() {
      return calls;
    },
    async run(requests) {
      const done = new Map<string, BatchResponse>();
      let pending = [...requests];
      for (let attempt = 1; pending.length > 0; attempt++) {
        let waitMs = 0;
        const retry: BatchRequest[] = [];
        for (const chunk of chunks(pending, perMailbox, keyOf)) {
          const responses = await once(chunk);
          for (const response of responses) {
            const request = chunk.find((r) => r.id === response.id);
            if (request && RETRY_INNER.has(response.status) && attempt < maxAttempts) {
              retry.push(request);
              waitMs = Math.max(waitMs, retryAfter(response.headers) ?? options.defaultRetryMs ?? 1000);
            } else done.set(response.id, response);
          }
        }
        pending = retry;
        if (pending.length > 0) await sleep(waitMs);
      }
      return done;
    },
  };
}

/** Splits into batches of ≤ 20 with ≤ `perMailbox` requests per mailbox each. */
export function chunks(
  requests: readonly BatchRequest[],
  perMailbox: number,
  keyOf: (request: BatchRequest) => string | null = (r) => mailboxKey(`https://x${r.url}`),
): BatchRequest[][] {
  const out: { list: BatchRequest[]; perKey: Map<string, number> }[] = [];
  for (const request of requests) {
    const key = keyOf(request) ?? '';
    let target = out.find((c) => c.list.length < 20 && (!key || (c.perKey.get(key) ?? 0) < perMailbox));
    if (!target) {
      target = { list: [], perKey: new Map() };
      out.push(target);
    }
    target.list.push(request);
    if (key) target.perKey.set(key, (target.perKey.get(key) ?? 0) + 1);
  }
  return out.map((c) => c.list);
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}
