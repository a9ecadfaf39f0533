/**
 * Writes an accepted decision in as few statements as the rules allow (issue 15): the dispute's new
 * state, its audit row, its timer changes, its record lines and its outbox entries go to the database
 * as ONE statement (data-modifying CTEs, multi-row inserts), inside the caller's transaction, after
 * the dispute row was locked. What each part does is what `saveDispute`, `appendAuditEntry`,
 * `setTimer`, `cancelTimer`, `writeRecordEntry` and `enqueueEffect` do one row at a time:
 * - a new dispute is inserted; an existing one is updated only while its version is still the one
 *   read under the lock (the statement then reports that nothing was written, and the caller
 *   rolls the transaction back);
 * - a timer is inserted, or moved while still pending; a cancelled or fired one is left alone;
 * - a record line and an outbox entry are written once per key (the idempotency key).
 *
 * One statement sees one snapshot, so a timer key that is both cancelled and set by the same
 * decision cannot be written together: those timer effects are applied one by one, in order, first.
 * Nothing else in a decision touches the same row twice.
 */
import { type Insertable, sql } from 'kysely';
import type {
  DisputeEvent,
  DisputeState,
  Effect,
  EventSource,
  TimerKind,
} from '../../domain/dispute/types.ts';
import type { Database, Db } from '../schema.ts';
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

/** Returns false when the dispute's version moved (nothing was written by this statement). */
export async function writeDecision(trx: Db, write: DecisionWrite): Promise<boolean> {
  const { state, at } = write;
  const disputeId = state.id;
  const timers: TimerEffect[] = [];
  const records: RecordEffect[] = [];
  const outbox: Insertable<Database['outbox']>[] = [];
  for (const effect of write.effects) {
    if (effect.type === 'set-timer' || effect.type === 'cancel-timer') timers.push(effect);
    else if (effect.type === 'record') records.push(effect);
    else outbox.push(outboxRow(disputeId, effect, write.available));
  }

  const setKeys = new Set(timers.flatMap((t) => (t.type === 'set-timer' ? [t.key] : [])));
  const cancelKeys = new Set(timers.flatMap((t) => (t.type === 'cancel-timer' ? [t.key] : [])));
  const together = [...cancelKeys].every((key) => !setKeys.has(key));
  if (!together) {
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
  const timerRows = new Map<string, Insertable<Database['timers']>>();
  if (together)
    for (const t of timers) if (t.type === 'set-timer') timerRows.set(t.key, timerRow(disputeId, t, at));

  const columns = disputeColumns(state, at, write.version);

  // Kysely's `with` gives a new builder type per CTE; the optional ones are chained loosely here,
  // and the statement's output is the final select's (`written.id`).
  type Chain = { with: (name: string, cte: (db: Db) => unknown) => Chain };
  const ctes: [string, (db: Db) => unknown][] = [
    [
      'written',
      (db) =>
        write.expectedVersion === null
          ? db
              .insertInto('disputes')
              .values({ id: disputeId, created_at: at, ...columns })
              .returning('id')
          : db
              .updateTable('disputes')
              .set(columns)
              .where('id', '=', disputeId)
              .where('version', '=', write.expectedVersion)
              .returning('id'),
    ],
    // The audit row is written only with the state (an insert from the CTE above).
    [
      'audited',
      (db) =>
        db
          .insertInto('audit')
          .columns(['dispute_id', 'seq', 'at', 'actor', 'source', 'stage_id', 'event_type', 'event'])
          .expression((eb) =>
            (eb as unknown as Db)
              .selectFrom('written' as 'disputes')
              .select([
                'id',
                sql.lit(write.version).as('seq'),
                sql<Date>`${at}::timestamptz`.as('at'),
                sql<string | null>`${write.event.by?.id ?? null}::text`.as('actor'),
                sql<string>`${write.source}::text`.as('source'),
                sql<string>`${write.stageId}::text`.as('stage_id'),
                sql<string>`${write.event.type}::text`.as('event_type'),
                sql<string>`${json(write.event)}::jsonb`.as('event'),
              ]),
          ),
    ],
  ];
  if (timerRows.size > 0)
    ctes.push([
      'timers_set',
      (db) =>
        db
          .insertInto('timers')
          .values([...timerRows.values()])
          .onConflict((oc) =>
            oc
              .column('key')
              .doUpdateSet((eb) => ({
                kind: eb.ref('excluded.kind'),
                stage_id: eb.ref('excluded.stage_id'),
                due_at: eb.ref('excluded.due_at'),
              }))
              .where('timers.fired_at', 'is', null)
              .where('timers.cancelled_at', 'is', null),
          ),
    ]);
  if (together && cancelKeys.size > 0)
    ctes.push([
      'timers_cancelled',
      (db) =>
        db
          .updateTable('timers')
          .set({ cancelled_at: at })
          .where('key', 'in', [...cancelKeys])
          .where('fired_at', 'is', null)
          .where('cancelled_at', 'is', null),
    ]);
  if (records.length > 0)
    ctes.push([
      'recorded',
      (db) =>
        db
          .insertInto('records')
          .values(
            records.map((r) => ({
              key: r.key,
              dispute_id: disputeId,
              seq: write.version,
              at: r.entry.at,
              stage_id: r.entry.stageId,
              entry: json(r.entry),
            })),
          )
          .onConflict((oc) => oc.column('key').doNothing()),
    ]);
  if (outbox.length > 0)
    ctes.push([
      'queued',
      (db) =>
        db
          .insertInto('outbox')
          .values(outbox)
          .onConflict((oc) => oc.column('key').doNothing()),
    ]);
  const chain = ctes.reduce<Chain>((c, [name, cte]) => c.with(name, cte), trx as unknown as Chain);
  const query = (chain as unknown as Db).selectFrom('written' as 'disputes').select('id');
  const rows = await query.execute();
  return rows.length === 1;
}

function timerRow(
  disputeId: string,
  t: Extract<Effect, { type: 'set-timer' }>,
  createdAt: Date,
): Insertable<Database['timers']> {
  return {
    key: t.key,
    dispute_id: disputeId,
    kind: t.kind satisfies TimerKind,
    stage_id: t.stageId,
    due_at: t.at,
    created_at: createdAt,
    fired_at: null,
    cancelled_at: null,
    outcome: null,
    locked_by: null,
    locked_until: null,
    last_error: null,
  };
}

function outboxRow(disputeId: string, effect: Effect, at: Date): Insertable<Database['outbox']> {
  return {
    key: effect.key,
    dispute_id: disputeId,
    type: effect.type,
    effect: json(effect),
    status: 'pending',
    next_attempt_at: at,
    locked_by: null,
    locked_until: null,
    last_error: null,
    result: null,
    created_at: at,
    done_at: null,
  };
}
