/**
 * An in-process work queue drained by a loop, so webhook handlers can answer 202 at once.
 *
 * Not durable, on purpose: Graph retries unacknowledged notifications, and a job lost in a crash is
 * recovered by the delta catch-up every start runs (and the periodic `catchUpAll`). Jobs are
 * idempotent (reply-received and meeting-response duplicates are refused harmlessly by `decide`).
 * A failing job is retried with Concord's one backoff (src/runtime/backoff.ts: exponential, full
 * jitter) up to `maxAttempts`, then dropped with a log line.
 */
import type { Logger } from '../log/index.ts';
import { type RetryPolicy, retryDelayMs } from '../runtime/backoff.ts';

export interface WorkQueue<J> {
  push(job: J): void;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  readonly size: number;
  close(): void;
}

export function createWorkQueue<J>(options: {
  readonly handle: (job: J) => Promise<void>;
  readonly log: Logger;
  readonly concurrency?: number;
  readonly maxAttempts?: number;
  /** The first retry's delay ceiling; each attempt doubles it, up to 30 s. */
  readonly retryDelayMs?: number;
  readonly describe?: (job: J) => Record<string, unknown>;
  readonly random?: () => number;
}): WorkQueue<J> {
  const concurrency = options.concurrency ?? 4;
  const policy: RetryPolicy = {
    baseMs: options.retryDelayMs ?? 500,
    maxMs: 30_000,
    maxAttempts: options.maxAttempts ?? 5,
  };
  const maxAttempts = policy.maxAttempts;
  const random = options.random ?? Math.random;
  const queue: { job: J; attempt: number }[] = [];
  let running = 0;
  let waiting = 0;
  let closed = false;
  let idlers: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const settle = () => {
    if (queue.length === 0 && running === 0 && waiting === 0) {
      const list = idlers;
      idlers = [];
      for (const resolve of list) resolve();
    }
  };

  const pump = () => {
    while (!closed && running < concurrency && queue.length > 0) {
      const item = queue.shift() as { job: J; attempt: number };
      running++;
      void options
        .handle(item.job)
        .catch((error: unknown) => {
          const context = { ...(options.describe?.(item.job) ?? {}), attempt: item.attempt };
          if (item.attempt >= maxAttempts) {
            options.log.error({ ...context, err: String(error) }, 'graph work dropped after retries');
            return;
          }
          options.log.warn({ ...context, err: String(error) }, 'graph work failed; will retry');
          waiting++;
          const timer = setTimeout(
            () => {
              timers.delete(timer);
              waiting--;
              queue.push({ job: item.job, attempt: item.attempt + 1 });
              pump();
            },
            retryDelayMs({ attempt: item.attempt, policy, random }),
          );
          timers.add(timer);
        })
        .finally(() => {
          running--;
          pump();
          settle();
        });
    }
    settle();
  };

  return {
    push(job) {
      if (closed) return;
      queue.push({ job, attempt: 1 });
      setImmediate(pump);
    },
    idle() {
      return new Promise((resolve) => {
        idlers.push(resolve);
        setImmediate(settle);
      });
    },
    get size() {
      return queue.length + running + waiting;
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      waiting = 0;
      queue.length = 0;
      settle();
    },
  };
}
