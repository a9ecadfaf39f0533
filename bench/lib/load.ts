/** The main thread's side of the load worker (bench/lib/load-worker.mjs). */
import { Worker } from 'node:worker_threads';
import { type Latencies, latencies } from './stats.ts';

export type TurnSpec =
  | { readonly kind: 'text'; readonly text: string; readonly userPrefix: string }
  | { readonly kind: 'invoke'; readonly verb: string; readonly data?: unknown; readonly userPrefix: string };

interface Result {
  samples: number[];
  failures: number;
  seconds: number;
  healthz?: number[];
  /** Burst: seconds from the first request sent to the last. */
  sendSeconds?: number;
  error?: string;
}

export interface Load {
  sequential(url: string, serviceUrl: string, turn: TurnSpec, count: number): Promise<Latencies>;
  concurrent(
    url: string,
    serviceUrl: string,
    turn: TurnSpec,
    conversations: number,
    turnsEach: number,
  ): Promise<{ perSecond: number; latency: Latencies; failures: number }>;
  burst(
    url: string,
    subscriptions: readonly { id: string; clientState: string; mailboxId: string }[],
    perSecond: number,
    total: number,
  ): Promise<{
    acks: Latencies;
    healthz: Latencies;
    failures: number;
    /** The rate the requests went out at (the last one sent `total / sentPerSecond` s after the first). */
    sentPerSecond: number;
    /** Seconds from the first request to the last answer. */
    seconds: number;
    /** What every message id of this burst starts with (`bench-message-<runId>-<i>`). */
    runId: string;
  }>;
  /** `count` GETs of `path`, one after another; each must answer JSON with `listLength` items at `listKey`. */
  get(
    url: string,
    path: string,
    headers: Record<string, string>,
    count: number,
    list: { readonly key: string; readonly length: number },
  ): Promise<Latencies>;
  close(): Promise<void>;
}

export function startLoad(): Load {
  const worker = new Worker(new URL('./load-worker.mjs', import.meta.url));
  let runs = 0;
  const ask = (msg: Record<string, unknown>) =>
    new Promise<Result>((resolve, reject) => {
      worker.once('message', (r: Result) => (r.error ? reject(new Error(r.error)) : resolve(r)));
      worker.postMessage(msg);
    });
  return {
    async sequential(url, serviceUrl, turn, count) {
      const r = await ask({ job: 'turns', mode: 'sequential', url, serviceUrl, turn, count });
      if (r.failures) throw new Error(`${r.failures} turns failed`);
      return latencies(r.samples);
    },
    async concurrent(url, serviceUrl, turn, conversations, turnsEach) {
      const r = await ask({
        job: 'turns',
        mode: 'concurrent',
        url,
        serviceUrl,
        turn,
        count: turnsEach,
        conversations,
      });
      return { perSecond: r.samples.length / r.seconds, latency: latencies(r.samples), failures: r.failures };
    },
    async get(url, path, headers, count, list) {
      const r = await ask({
        job: 'get',
        url,
        path,
        headers,
        count,
        listKey: list.key,
        listLength: list.length,
      });
      if (r.failures) throw new Error(`${r.failures} of ${count} GET ${path} failed`);
      return latencies(r.samples);
    },
    async burst(url, subscriptions, perSecond, total) {
      runs++;
      const runId = `${process.pid}-${runs}`;
      const r = await ask({ job: 'burst', url, subscriptions, perSecond, total, runId });
      return {
        acks: latencies(r.samples),
        healthz: latencies(r.healthz ?? []),
        failures: r.failures,
        sentPerSecond: total / (r.sendSeconds ?? r.seconds),
        seconds: r.seconds,
        runId,
      };
    },
    close: () => worker.terminate().then(() => {}),
  };
}
