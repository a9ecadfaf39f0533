/**
 * A burst of valid Graph change notifications (our subscriptions, their clientState) for messages
 * that are not replies, posted to `/api/graph/notifications` at a fixed rate, one notification a
 * request as Graph sends them, with `/healthz` probed meanwhile; then the queue must drain with every
 * notification processed once. A small burst first warms the path up (JIT, pools) and is drained.
 * The phases are marked (`performance.mark('bench-webhook:burst')` …) for a preloaded probe, and
 * BENCH_WEBHOOK_PROFILE=prefix writes CPU profiles of the burst and of the drain.
 */
import dc from 'node:diagnostics_channel';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { StoreTarget } from '../../src/store/open-store.ts';
import { type BenchConcord, startConcord } from '../lib/concord.ts';
import { writeBenchDirectory } from '../lib/directory.ts';
import { startLoad } from '../lib/load.ts';
import { fmt, type Row } from '../lib/stats.ts';

export interface WebhookSizes {
  readonly burstPerSecond: number;
  readonly burstSeconds: number;
}

export async function benchWebhook(engine: string, target: StoreTarget, sizes: WebhookSizes): Promise<Row[]> {
  const directoryFile = writeBenchDirectory(4);
  const concord = await startConcord(target, directoryFile);
  const load = startLoad();
  try {
    const { app } = concord;
    const subs = (
      await app.runtime.store.db
        .selectFrom('graph_subscriptions')
        .select(['id', 'client_state', 'mailbox_id', 'mailbox'])
        .where('kind', '=', 'inbox')
        .execute()
    ).map((s) => ({ id: s.id, clientState: s.client_state, mailboxId: s.mailbox_id ?? s.mailbox ?? '' }));
    if (subs.length === 0) throw new Error('no inbox subscriptions to notify');
    const queue = app.inbound.queue;
    const drain = async (withinMs: number) =>
      Promise.race([
        queue.idle().then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), withinMs).unref()),
      ]);

    // Warm-up: a tenth of the burst at a fifth of the rate, drained before the measured one.
    const warm = Math.max(20, Math.round((sizes.burstPerSecond * sizes.burstSeconds) / 10));
    await load.burst(concord.url, subs, sizes.burstPerSecond / 5, warm);
    await drain(60_000);

    const total = Math.round(sizes.burstPerSecond * sizes.burstSeconds);
    const { batches, stop: stopCounting } = countGraphBatches();
    performance.mark('bench-webhook:start');
    const profiler = await startProfile(process.env.BENCH_WEBHOOK_PROFILE);
    const stalls = monitorEventLoopDelay({ resolution: 5 });
    stalls.enable();
    const elu = performance.eventLoopUtilization();
    const cpuBefore = mainThreadCpuMs();
    const wallBefore = performance.now();
    const burst = await load.burst(concord.url, subs, sizes.burstPerSecond, total);
    const busy = performance.eventLoopUtilization(elu).utilization;
    const onCpu = (mainThreadCpuMs() - cpuBefore) / (performance.now() - wallBefore);
    stalls.disable();
    await profiler.mark('burst');
    performance.mark('bench-webhook:burst');
    const drainStart = performance.now();
    const drained = await drain(120_000);
    const drainMs = performance.now() - drainStart;
    const cpuPerItem = (mainThreadCpuMs() - cpuBefore) / total;
    await profiler.mark('drain', true);
    performance.mark('bench-webhook:drain');
    stopCounting();
    const processed = readsOf(concord.m365, burst.runId);
    const a = burst.acks;
    const h = burst.healthz;
    const failures = burst.failures;
    const once = processed.distinct === total && processed.runs === total;
    return [
      {
        figure: `Graph notifications at ${fmt(sizes.burstPerSecond, 0)}/s (${total}; sent at ${fmt(burst.sentPerSecond, 0)}/s, all answered in ${fmt(burst.seconds, 1)} s): 202 p99 (ms)`,
        engine,
        value: fmt(a.p99, 1),
        reference: `p50 ${fmt(a.p50, 1)}`,
        ratio: `${failures ? `${failures} not 202; ` : ''}event loop busy ${fmt(100 * busy, 0)}% of the burst and on a CPU ${Number.isNaN(onCpu) ? '?' : fmt(100 * onCpu, 0)}%, its delay max ${fmt(stalls.max / 1e6, 0)} ms`,
        target: '≤ 50 ms',
        met: a.p99 <= 50 && failures === 0,
      },
      {
        figure: '`/healthz` p99 during the burst (ms)',
        engine,
        value: fmt(h.p99, 1),
        reference: `p50 ${fmt(h.p50, 1)}`,
        ratio: '',
        target: '≤ 50 ms',
        met: h.p99 <= 50,
      },
      {
        figure: 'queue drained after the burst (s; messages read; Graph $batch calls made)',
        engine,
        value: drained ? fmt(drainMs / 1000, 1) : 'not within 120 s',
        reference: `${processed.runs} reads (${processed.distinct} distinct) of ${total}; ${batches()} $batch`,
        ratio: `main thread ${fmt(cpuPerItem, 2)} ms of CPU a notification, ack and work (the emulator's included)`,
        target: 'drains, each once',
        met: drained && once && batches() <= total,
      },
    ];
  } finally {
    await load.close();
    await concord.close();
    rmSync(directoryFile, { force: true });
  }
}

/**
 * How often the reply tracker read each message of a burst: the emulator records every request it
 * serves, `$batch` inner ones included (`m365.state.requests`). Each notification must be read once.
 */
function readsOf(m365: BenchConcord['m365'], runId: string): { runs: number; distinct: number } {
  const prefix = `bench-message-${runId}-`;
  const seen = new Map<string, number>();
  let runs = 0;
  for (const r of m365.state.requests) {
    const at = r.path.indexOf(prefix);
    if (r.method !== 'GET' || at < 0) continue;
    const id = r.path.slice(at).split(/[/?]/)[0] ?? '';
    runs++;
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return { runs, distinct: seen.size };
}

/**
 * BENCH_WEBHOOK_PROFILE=prefix: CPU profiles of the main thread (node:inspector), one of the burst
 * (prefix-burst.cpuprofile) and one of the drain; read them with bench/lib/profile-summary.ts.
 */
async function startProfile(
  prefix: string | undefined,
): Promise<{ mark(name: string, last?: boolean): Promise<void> }> {
  if (!prefix) return { mark: async () => {} };
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  // Starting the profiler holds the thread for a while: let that pass before the burst.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return {
    async mark(name, last = false) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(`${prefix}-${name}.cpuprofile`, JSON.stringify(profile));
      if (last) session.disconnect();
      else await post('Profiler.start');
    },
  };
}

/**
 * CPU time of this process's main thread (Linux: /proc/self/task/<pid>/stat, in clock ticks of
 * 10 ms); NaN elsewhere. Beside the event loop's utilisation it tells a loop that was busy from one
 * that was waiting for a core on a loaded machine.
 */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Counts `$batch` requests the process's global fetch makes (undici's diagnostics channel). */
function countGraphBatches(): { batches: () => number; stop: () => void } {
  let n = 0;
  // biome-ignore lint/suspicious/noExplicitAny: the channel's message is undici's request object.
  const onCreate = (message: any) => {
    const path = String(message?.request?.path ?? '');
    if (path.includes('$batch')) n++;
  };
  dc.subscribe('undici:request:create', onCreate);
  return { batches: () => n, stop: () => dc.unsubscribe('undici:request:create', onCreate) };
}
