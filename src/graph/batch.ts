/**
 * JSON batching (`POST /$batch`): up to 20 requests in one call. A batch answers 200 even when inner
 * requests were throttled, so inner 429/503/504 answers are retried here (after the largest inner
 * Retry-After), up to `maxAttempts`. Requests are split into batches of at most 20, however many name
 * one mailbox: Graph runs at most 4 of a batch's Outlook requests at once, "irrespective of the target
 * mailbox, staying within Outlook's concurrency limits" (Microsoft Graph throttling limits, "Outlook
 * service limits for JSON batching"). While a batch is sent it holds, in the client's limiter, one slot
 * per inner request of each mailbox, at most the mailbox's 4, so nothing else of Concord's runs
 * against that mailbox beside it.
 */
import { type Client, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { retryAfter } from './errors.ts';
import { type MailboxLimiter, mailboxKey } from './mailbox-limiter.ts';

export interface BatchRequest {
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the version root, e.g. `/users/x@y/manager`. */
  readonly url: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Runs after that request of the same batch, and fails with 424 when it failed (JSON batching's
   * `dependsOn`). Graph takes a batch only fully parallel or fully sequential, each request depending
   * on at most one other (see `sequence`); requests that depend on each other must fit one batch.
   */
  readonly dependsOn?: readonly string[];
  /**
   * The inner answers retried here (default 429, 503 and 504). A request that must not run twice
   * when Graph may have carried it out (`send`) leaves 504 out.
   */
  readonly retryOn?: ReadonlySet<number>;
  /** Attempts at most for this request (default the batch's `maxAttempts`). */
  readonly maxAttempts?: number;
}

export interface BatchResponse {
  readonly id: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface BatchRunOptions {
  /**
   * Whether the graph client may send the whole `$batch` again after a 504 (default true). A gateway
   * timeout can follow a batch Graph carried out, so a batch holding a write that must not happen
   * twice (a `send`) says false and leaves the answer to its caller.
   */
  readonly retryGatewayTimeout?: boolean;
}

export interface GraphBatch {
  /** Runs every request; the map holds the final response of each (after inner retries). */
  run(requests: readonly BatchRequest[], options?: BatchRunOptions): Promise<Map<string, BatchResponse>>;
  /** Batches sent so far (for measuring). */
  readonly calls: number;
}

export interface GraphBatchOptions {
  readonly api: Client;
  /**
   * The client's per-mailbox limiter: each batch holds a slot per inner request of each mailbox
   * (at most the limiter's 4) while it is sent (Exchange counts inner requests against the mailbox's
   * limit), and its aliases give one key per mailbox whatever form the URL names it in.
   */
  readonly limiter?: Pick<MailboxLimiter, 'keyOf' | 'hold'>;
  readonly maxAttempts?: number;
  /** Injected for tests; default a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Used when an inner answer gives no Retry-After. Default 1000 ms. */
  readonly defaultRetryMs?: number;
}

const RETRY_INNER: ReadonlySet<number> = new Set([429, 503, 504]);
/** The whole batch POST: retried on 429 and 503 (refused before Graph acted), not on 504. */
const NO_504_RETRY = new RetryHandlerOptions(
  3,
  3,
  (_delay, _attempt, _request, _options, response) => response.status !== 504,
);

/**
 * `requests` as one fully sequential batch: each runs only after the one before it succeeded (Graph
 * answers 424 Failed Dependency to the rest when one fails), for two writes to the same item that
 * must happen in order, such as tagging a draft and then sending it.
 */
export function sequence(requests: readonly BatchRequest[]): BatchRequest[] {
  return requests.map((r, i) => {
    const previous = requests[i - 1];
    return previous ? { ...r, dependsOn: [previous.id] } : r;
  });
}

export function createGraphBatch(options: GraphBatchOptions): GraphBatch {
  const maxAttempts = options.maxAttempts ?? 5;
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

  async function once(chunk: readonly BatchRequest[], run: BatchRunOptions): Promise<BatchResponse[]> {
    calls++;
    const inChunk = new Set(chunk.map((r) => r.id));
    const payload = {
      requests: chunk.map((r) => {
        // A dependency already answered (an earlier attempt) is no longer in this batch.
        const dependsOn = r.dependsOn?.filter((id) => inChunk.has(id));
        return {
          id: r.id,
          method: r.method,
          url: r.url,
          ...(dependsOn?.length ? { dependsOn } : {}),
          ...(r.body !== undefined
            ? { body: r.body, headers: { 'content-type': 'application/json', ...r.headers } }
            : {}),
          ...(r.body === undefined && r.headers ? { headers: r.headers } : {}),
        };
      }),
    };
    const request = options.api.api('/$batch');
    if (run.retryGatewayTimeout === false) request.middlewareOptions([NO_504_RETRY]);
    const post = () => request.post(payload) as Promise<{ responses?: BatchResponse[] }>;
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
    async run(requests, run = {}) {
      const done = new Map<string, BatchResponse>();
      let pending = [...requests];
      for (let attempt = 1; pending.length > 0; attempt++) {
        let waitMs = 0;
        const retry: BatchRequest[] = [];
        for (const chunk of chunks(pending)) {
          const responses = await once(chunk, run);
          for (const response of responses) {
            const request = chunk.find((r) => r.id === response.id);
            if (
              request &&
              (request.retryOn ?? RETRY_INNER).has(response.status) &&
              attempt < (request.maxAttempts ?? maxAttempts)
            ) {
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

/** Graph's most requests in one `$batch`. */
export const BATCH_MAX = 20;

/** Splits into batches of ≤ 20, in order. */
export function chunks(requests: readonly BatchRequest[]): BatchRequest[][] {
  const out: BatchRequest[][] = [];
  for (let i = 0; i < requests.length; i += BATCH_MAX) out.push(requests.slice(i, i + BATCH_MAX));
  return out;
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}
