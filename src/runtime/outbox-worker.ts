/**
 * The outbox worker: performs the effects `applyEvent` queued, at least once per attempt and
 * exactly once in effect (the performer dedupes by the effect's key).
 *
 * One round (`runOnce`):
 * 1. **Claim** (short transaction): due pending rows, `FOR UPDATE SKIP LOCKED`, get a lease
 *    (`locked_by`, `locked_until`) and `attempts + 1`. Other workers skip them.
 * 2. **Perform** outside any transaction, through the `EffectPerformer`, passing the key.
 * 3. **Complete** (transaction, dispute row locked first): mark the row done (only while we still
 *    hold the lease) and feed the returned events (`message-sent`, `meeting-booked` …) through
 *    `applyPrepared`, so "done" and its consequences commit together. On failure: back off
 *    (exponential, full jitter, ≥ Retry-After) or park.
 *
 * While a row is performed its lease is renewed (a heartbeat, lease-heartbeat.ts), so leases are
 * short: a crash after perform and before complete leaves the row leased only until its lease runs
 * out (15 s by default); it is then claimed again and performed again with the same key, which the
 * performer turns into a no-op. A live worker's row is never claimed by another.
 * A row marked done is never claimed again.
 *
 * Parking: after `maxAttempts`, or at once for a non-retryable failure, the row becomes `parked`
 * (it stays in the table, with its last error, and is counted by `concord disputes`), and a
 * `warning` card to the dispute's owner is queued in the same transaction (key `<key>:parked`).
 * A parked notice that itself fails is parked without another notice.
 *
 * Why SKIP LOCKED rather than pg-boss: pg-boss ≥ 11 needs Node 22 (we run on Node 20), and we
 * need the claim, the completion and the dispute's state change in one transaction on our own
 * connection, which a job library's separate queue tables cannot give us. Lease times are wall
 * time (they are about processes, not about the case), so the test clock never strands a lease.
 */
import { randomUUID } from 'node:crypto';
import { parkedFrame, parkedIntent } from '../domain/dispute/parked-notice.ts';
import type { DisputeEvent, DisputeState, Effect, EventSource } from '../domain/dispute/types.ts';
import { describeEvent, type Logger, silentLogger } from '../log/index.ts';
import { getProcedure } from '../procedures/index.ts';
import type { Store } from '../store/open-store.ts';
import {
  claimOutboxJobs,
  completeOutboxJob,
  enqueueEffect,
  findDispute,
  lockDispute,
  parkOutboxJob,
  renewOutboxLeases,
  retryOutboxJobLater,
} from '../store/operations/index.ts';
import type { OutboxRow } from '../store/schema.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from './backoff.ts';
import { type Clock, systemClock } from './clock.ts';
import { type DisputeService, type Prepared, STALE } from './dispute-service.ts';
import type { EffectPerformer, OutboxEffect, PerformResult } from './effect-performer.ts';
import { createLeaseHeartbeat } from './lease-heartbeat.ts';

export interface OutboxWorkerOptions {
  readonly store: Store;
  readonly service: DisputeService;
  readonly performer: EffectPerformer;
  /** Identifies this worker in `locked_by`. Default: a random id. */
  readonly workerId?: string;
  /** Real time, for leases and backoff. */
  readonly wallClock?: Clock;
  /**
   * The dispute's time (the service's clock), for when an effect was done: the case file's "Sent
   * …" and the report read it beside the audit. Default: `wallClock`.
   */
  readonly clock?: Clock;
  /**
   * How long a claim lasts without renewal before another worker may take it over. Default 15 s;
   * the heartbeat renews it while the effect is performed.
   */
  readonly leaseMs?: number;
  /** How often held leases are renewed. Default a third of `leaseMs`. */
  readonly heartbeatMs?: number;
  readonly retry?: RetryPolicy;
  /** Rows claimed per round. Default: the backend profile's `claimBatch`. */
  readonly batchSize?: number;
  readonly random?: () => number;
  readonly log?: Logger;
}

export interface OutboxRound {
  readonly claimed: number;
  readonly done: number;
  readonly retried: number;
  readonly parked: number;
}

export interface OutboxWorker {
  readonly workerId: string;
  /** Claims and performs one batch of due effects. */
  runOnce(): Promise<OutboxRound>;
  /** Runs rounds until none claims anything; returns the total. */
  drain(maxRounds?: number): Promise<OutboxRound>;
  /**
   * Rows this worker instance is performing right now (any caller of `runOnce`, e.g. its polling
   * loop), plus one for each claim still under way: 0 means nothing of this worker's is running.
   */
  inFlight(): number;
}

const PARKED_SUFFIX = ':parked';
export const DEFAULT_LEASE_MS = 15_000;

/** The audit source of an event a performer reports back; anything else is 'system'. */
const FEEDBACK_SOURCE: Partial<Record<DisputeEvent['type'], EventSource>> = {
  'message-sent': 'email',
  'meeting-booked': 'calendar',
  'meeting-unbookable': 'calendar',
};

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { store, service, performer } = options;
  const workerId = options.workerId ?? `outbox-${randomUUID().slice(0, 8)}`;
  const wallClock = options.wallClock ?? systemClock;
  const clock = options.clock ?? wallClock;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const batchSize = options.batchSize ?? store.profile.claimBatch;
  const random = options.random ?? Math.random;
  const log = (options.log ?? silentLogger()).child({ component: 'outbox', workerId });

  async function claim(): Promise<OutboxRow[]> {
    return claimOutboxJobs(store.db, {
      workerId,
      now: wallClock.now(),
      leaseMs,
      limit: batchSize,
      // Never the effects this process is still performing, even if a starved heartbeat let their
      // leases run out: performing one twice at once is how an email would go twice.
      exclude: heartbeat.heldKeys(),
    });
  }

  async function perform(row: OutboxRow): Promise<PerformResult> {
    try {
      return await performer.perform(row.effect as OutboxEffect, {
        key: row.key,
        disputeId: row.dispute_id,
        attempt: row.attempts,
      });
    } catch (error) {
      // A performer that throws has not told us whether it is worth retrying; assume it is.
      return { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Marks done and applies the returned events. Returns false if the lease was lost meanwhile. */
  async function complete(row: OutboxRow, result: Extract<PerformResult, { ok: true }>): Promise<boolean> {
    const events = result.events ?? [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      // The dispute exists (the effect belongs to it), so one preparation serves every event.
      const prepared: Prepared | null = events.length > 0 ? await service.prepare(row.dispute_id) : null;
      const outcome = await store.db
        .transaction()
        .execute(async (trx) => {
          await lockDispute(trx, row.dispute_id);
          const marked = await completeOutboxJob(trx, {
            key: row.key,
            workerId,
            result: result.result,
            // When it was done is a fact of the case (the case file's "Sent …", the report), so it
            // is read on the dispute's clock, as the audit is; leases stay on wall time.
            at: clock.now(),
          });
          if (!marked) return 'lost' as const;
          for (const event of events) {
            if (prepared === null) break;
            const applied = await service.applyPrepared(trx, prepared, event, {
              source: FEEDBACK_SOURCE[event.type] ?? 'system',
            });
            if (applied === STALE) throw new StaleRetry();
            if (!applied.ok) {
              log.warn(
                { key: row.key, event: describeEvent(event), refusal: applied.refusal.reason },
                'feedback refused',
              );
            }
          }
          return 'done' as const;
        })
        .catch((error: unknown) => {
          if (error instanceof StaleRetry) return 'stale' as const;
          throw error;
        });
      if (outcome !== 'stale') return outcome === 'done';
    }
    throw new Error(`could not apply the events returned for ${row.key}`);
  }

  async function fail(
    row: OutboxRow,
    failure: Extract<PerformResult, { ok: false }>,
  ): Promise<'retried' | 'parked'> {
    const now = wallClock.now();
    const park = !failure.retryable || row.attempts >= policy.maxAttempts;
    const error = failure.error.slice(0, 2000);
    return store.db.transaction().execute(async (trx) => {
      if (!park) {
        const delay = retryDelayMs({
          attempt: row.attempts,
          policy,
          random,
          ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
        });
        await retryOutboxJobLater(trx, {
          key: row.key,
          workerId,
          error,
          nextAttemptAt: new Date(now.getTime() + delay),
        });
        log.warn(
          { key: row.key, type: row.type, attempt: row.attempts, delayMs: delay },
          'effect failed; will retry',
        );
        return 'retried';
      }
      await parkOutboxJob(trx, { key: row.key, workerId, error });
      log.error(
        { key: row.key, type: row.type, attempts: row.attempts, disputeId: row.dispute_id },
        'effect parked',
      );
      if (!row.key.endsWith(PARKED_SUFFIX)) {
        const dispute = await findDispute(trx, row.dispute_id);
        if (dispute)
          await enqueueEffect(trx, {
            disputeId: row.dispute_id,
            effect: parkedNotice(row, dispute.state, failure.notice),
            at: now,
          });
      }
      return 'parked';
    });
  }

  const heartbeat = createLeaseHeartbeat({
    intervalMs: options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3)),
    renew: (keys) => renewOutboxLeases(store.db, { workerId, keys, now: wallClock.now(), leaseMs }),
    log,
  });

  // Claims under way: their rows are this worker's before `claim` returns them, so `inFlight`
  // counts each claim until its rows are held (the test clock's driver, racing the polling loop,
  // once read an effect as pending while this worker's claim of it was still in the database).
  let claiming = 0;

  async function runOnce(): Promise<OutboxRound> {
    claiming += 1;
    let rows: OutboxRow[];
    try {
      rows = await claim();
      heartbeat.hold(rows.map((row) => row.key));
    } finally {
      claiming -= 1;
    }
    return performAll(rows);
  }

  async function performAll(rows: OutboxRow[]): Promise<OutboxRound> {
    let done = 0;
    let retried = 0;
    let parked = 0;
    await Promise.all(
      rows.map(async (row) => {
        try {
          await settle(row);
        } finally {
          heartbeat.release(row.key);
        }
      }),
    );
    return { claimed: rows.length, done, retried, parked };

    async function settle(row: OutboxRow): Promise<void> {
      const result = await perform(row);
      if (result.ok) {
        try {
          if (await complete(row, result)) done += 1;
          else log.warn({ key: row.key }, 'lease lost before completion; another worker owns it');
          return;
        } catch (error) {
          // The effect happened but its consequences could not be applied: retry (the performer dedupes).
          const outcome = await fail(row, {
            ok: false,
            retryable: true,
            error: `performed, but applying its result failed: ${error instanceof Error ? error.message : String(error)}`,
          });
          if (outcome === 'parked') parked += 1;
          else retried += 1;
          return;
        }
      }
      const outcome = await fail(row, result);
      if (outcome === 'parked') parked += 1;
      else retried += 1;
    }
  }

  async function drain(maxRounds = 1_000): Promise<OutboxRound> {
    const total = { claimed: 0, done: 0, retried: 0, parked: 0 };
    for (let round = 0; round < maxRounds; round += 1) {
      const result = await runOnce();
      if (result.claimed === 0) break;
      total.claimed += result.claimed;
      total.done += result.done;
      total.retried += result.retried;
      total.parked += result.parked;
    }
    return total;
  }

  return { workerId, runOnce, drain, inFlight: () => heartbeat.held() + claiming };
}

class StaleRetry extends Error {}

/** The owner's card saying an action is stuck. Case reference only; no case content. */
function parkedNotice(
  row: OutboxRow,
  state: DisputeState,
  why: string | undefined,
): Extract<OutboxEffect, { type: 'send-card' }> {
  return {
    type: 'send-card',
    key: `${row.key}${PARKED_SUFFIX}`,
    to: state.owner,
    card: 'warning',
    slot: `parked:${row.key}`,
    intent: {
      ...parkedIntent(row.effect as Effect, row.type, row.attempts, row.key),
      ...(why ? { why } : {}),
    },
    frame: parkedFrame(state, getProcedure(state.procedureId)),
  };
}
