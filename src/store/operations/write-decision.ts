/**
 * Writes an accepted decision as ONE statement (issue 15): the dispute's new state, its audit row,
 * its timer changes, its record lines, its outbox entries and (for the scheduler) the fired timer,
 * as data-modifying CTEs. What each part does is what `saveDispute`, `appendAuditEntry`, `setTimer`,
 * `cancelTimer`, `writeRecordEntry`, `enqueueEffect` and `markTimerFired` do one row at a time:
 * - a new dispute is inserted; an existing one is updated only while its version is still the one
 *   the caller decided on (read under a lock, or kept from its own last write);
 * - a timer is inserted, or moved while still pending; a cancelled or fired one is left alone;
 * - a record line and an outbox entry are written once per key (the idempotency key);
 * - every part besides the state writes only when the state was written, and the statement ends
 *   by raising an error when it was not, which undoes all of it: the statement is atomic alone.
 *
 * One statement sees one snapshot, so a timer key that is both cancelled and set (or fired) by the
 * same decision cannot be written together: those timer effects are applied one by one, in order,
 * first, in a transaction. Nothing else in a decision touches the same row twice.
 */
import { sql } from 'kysely';
import type {
  DisputeEvent,
  DisputeState,
  Effect,
  EventSource,
  TimerKind,
} from '../../domain/dispute/types.ts';
import { PREPARED } from '../backends.ts';
import type { Db } from '../schema.ts';
import { json } from '../schema.ts';
import { cancelTimer } from './cancel-timer.ts';
import { disputeColumns } from './save-dispute.ts';
import { setTimer } from './set-timer.ts';

type TimerEffect = Extract<Effect, { type: 'set-timer' | 'cancel-timer' }>;
type RecordEffect = Extract<Effect, { type: 'record' }>;

export interface DecisionWrite {
  readonly state: DisputeState;
  /** The new version (= the audit seq). */
  readonly version: number;
  /** Null for a dispute being raised (inserted); otherwise the version read under the lock. */
  readonly expectedVersion: number | null;
  /** Domain time: the audit row's `at`, `updated_at`, a timer's creation or cancellation. */
  readonly at: Date;
  /** Wall time: when the outbox entries are due. */
  readonly available: Date;
  readonly source: EventSource;
  /** The stage the event was applied in (the audit row's stage). */
  readonly stageId: string;
  readonly event: DisputeEvent;
  readonly effects: readonly Effect[];
}

/** A timer the decision fires (the scheduler's `timer-fired` event): marked fired with the state. */
export interface FiredTimerWrite {
  readonly key: string;
  /** Domain time it fired at. */
  readonly at: Date;
  readonly outcome: string;
  readonly schedulerId: string;
}

/** The message of the error the statement raises when it must not write (see `writeDecision`). */
const NOT_WRITTEN = 'concord: decision not written';

/**
 * Returns false when nothing was written: the dispute's version moved, or `fired` names a timer
 * that is no longer pending. The statement is all or nothing by itself (it raises an error, which
 * undoes every part of it, when the state was not written), so on a plain connection it needs no
 * transaction around it: an event on a dispute whose state the caller holds is one round trip.
 * Inside a caller's transaction a `false` leaves that transaction failed: the caller rolls back.
 */
export async function writeDecision(
  trx: Db,
  write: DecisionWrite,
  fired?: FiredTimerWrite,
): Promise<boolean> {
  const { state, at } = write;
  const disputeId = state.id;
  const timers: TimerEffect[] = [];
  const records: RecordEffect[] = [];
  const outbox: OutboxJson[] = [];
  for (const effect of write.effects) {
    if (effect.type === 'set-timer' || effect.type === 'cancel-timer') timers.push(effect);
    else if (effect.type === 'record') records.push(effect);
    else outbox.push(outboxRow(disputeId, effect, write.available));
  }

  const setKeys = new Set(timers.flatMap((t) => (t.type === 'set-timer' ? [t.key] : [])));
  const cancelKeys = new Set(timers.flatMap((t) => (t.type === 'cancel-timer' ? [t.key] : [])));
  const together =
    [...cancelKeys].every((key) => !setKeys.has(key)) &&
    (fired === undefined || (!setKeys.has(fired.key) && !cancelKeys.has(fired.key)));
  if (!together) {
    // Several statements: they need a transaction of their own when the caller gave none.
    if (!trx.isTransaction) {
      try {
        return await trx.transaction().execute(async (t) => {
          if (!(await writeDecision(t, write, fired))) throw new NotWritten();
          return true;
        });
      } catch (error) {
        if (error instanceof NotWritten) return false;
        throw error;
      }
    }
    for (const t of timers) {
      if (t.type === 'cancel-timer') await cancelTimer(trx, t.key, at);
      else
        await setTimer(trx, {
          key: t.key,
          disputeId,
          kind: t.kind,
          stageId: t.stageId,
          dueAt: t.at,
          createdAt: at,
        });
    }
  }
  // A key set twice in one decision: the later one is what one-by-one inserts would leave.
  const timerRows = new Map<string, TimerJson>();
  if (together)
    for (const t of timers) if (t.type === 'set-timer') timerRows.set(t.key, timerRow(disputeId, t, at));
  const cancelled = together ? [...cancelKeys] : [];
  const recordRows = records.map((r) => ({
    key: r.key,
    dispute_id: disputeId,
    seq: write.version,
    at: r.entry.at,
    stage_id: r.entry.stageId,
    entry: r.entry,
  }));

  const c = disputeColumns(state, at, write.version);
  const firedKey = fired?.key ?? null;
  // The state: inserted for a raise, else updated while its version is still the one the caller
  // decided on (and, for a timer firing, while that timer is still pending).
  const written =
    write.expectedVersion === null
      ? sql`insert into disputes (id, created_at, procedure_id, procedure_version, status, stage_id, phase,
          case_reference, owner_id, state, next_due, updated_at, version, people)
        values (${disputeId}, ${at}, ${c.procedure_id}, ${c.procedure_version}, ${c.status}, ${c.stage_id},
          ${c.phase}, ${c.case_reference}, ${c.owner_id}, ${c.state}::jsonb, ${c.next_due}::timestamptz,
          ${c.updated_at}, ${c.version}, ${c.people}::text[])
        returning id`
      : sql`update disputes set procedure_id = ${c.procedure_id}, procedure_version = ${c.procedure_version},
          status = ${c.status}, stage_id = ${c.stage_id}, phase = ${c.phase},
          case_reference = ${c.case_reference}, owner_id = ${c.owner_id}, state = ${c.state}::jsonb,
          next_due = ${c.next_due}::timestamptz, updated_at = ${c.updated_at}, version = ${c.version},
          people = ${c.people}::text[]
        where id = ${disputeId} and version = ${write.expectedVersion}
          and (${firedKey}::text is null or exists (select 1 from timers
            where key = ${firedKey}::text and fired_at is null and cancelled_at is null))
        returning id`;
  // Every other part writes only with the state (`exists (select 1 from written)`); rows travel as
  // one JSON parameter each, so the statement's text is the same whatever the decision holds.
  const query = sql<{ ok: number }>`${sql.raw(PREPARED)}with written as (${written}),
    audited as (
      insert into audit (dispute_id, seq, at, actor, source, stage_id, event_type, event)
      select id, ${write.version}::int, ${at}::timestamptz, ${write.event.by?.id ?? null}::text,
        ${write.source}::text, ${write.stageId}::text, ${write.event.type}::text, ${json(write.event)}::jsonb
      from written),
    timers_cancelled as (
      update timers set cancelled_at = ${at}::timestamptz
      where key = any(${cancelled}::text[]) and fired_at is null and cancelled_at is null
        and exists (select 1 from written)),
    timers_set as (
      insert into timers (key, dispute_id, kind, stage_id, due_at, created_at)
      select key, dispute_id, kind, stage_id, due_at, created_at
      from jsonb_populate_recordset(null::timers, ${json([...timerRows.values()])}::jsonb)
      where exists (select 1 from written)
      on conflict (key) do update set kind = excluded.kind, stage_id = excluded.stage_id, due_at = excluded.due_at
        where timers.fired_at is null and timers.cancelled_at is null),
    recorded as (
      insert into records (key, dispute_id, seq, at, stage_id, entry)
      select key, dispute_id, seq, at, stage_id, entry
      from jsonb_populate_recordset(null::records, ${json(recordRows)}::jsonb)
      where exists (select 1 from written)
      on conflict (key) do nothing),
    queued as (
      insert into outbox (key, dispute_id, type, effect, status, next_attempt_at, created_at)
      select key, dispute_id, type, effect, status, next_attempt_at, created_at
      from jsonb_populate_recordset(null::outbox, ${json(outbox)}::jsonb)
      where exists (select 1 from written)
      on conflict (key) do nothing),
    fired as (
      update timers set fired_at = ${fired?.at ?? null}::timestamptz, outcome = ${fired?.outcome ?? null}::text,
        locked_by = ${fired?.schedulerId ?? null}::text, locked_until = null, attempts = attempts + 1
      where key = ${firedKey}::text and fired_at is null and cancelled_at is null
        and exists (select 1 from written)
      returning key)
    select cast(case when (select count(*) from written) = 1
        and (${firedKey}::text is null or (select count(*) from fired) = 1)
      then '1' else ${NOT_WRITTEN} end as integer) as ok`;
  try {
    await query.execute(trx);
    return true;
  } catch (error) {
    if (isNotWritten(error)) return false;
    throw error;
  }
}

/** The statement's own refusal (an integer cast of NOT_WRITTEN): PostgreSQL's invalid_text_representation. */
function isNotWritten(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return e?.code === '22P02' && typeof e.message === 'string' && e.message.includes(NOT_WRITTEN);
}

class NotWritten extends Error {}

interface TimerJson {
  readonly key: string;
  readonly dispute_id: string;
  readonly kind: TimerKind;
  readonly stage_id: string;
  readonly due_at: string;
  readonly created_at: Date;
}

interface OutboxJson {
  readonly key: string;
  readonly dispute_id: string;
  readonly type: Effect['type'];
  readonly effect: Effect;
  readonly status: 'pending';
  readonly next_attempt_at: Date;
  readonly created_at: Date;
}

function timerRow(disputeId: string, t: Extract<Effect, { type: 'set-timer' }>, createdAt: Date): TimerJson {
  return {
    key: t.key,
    dispute_id: disputeId,
    kind: t.kind,
    stage_id: t.stageId,
    due_at: t.at,
    created_at: createdAt,
  };
}

function outboxRow(disputeId: string, effect: Effect, at: Date): OutboxJson {
  return {
    key: effect.key,
    dispute_id: disputeId,
    type: effect.type,
    effect,
    status: 'pending',
    next_attempt_at: at,
    created_at: at,
  };
}
