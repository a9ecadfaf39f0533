/**
 * Everything the record export needs for one dispute: its state, the timeline from the audit log,
 * the case-record entries, and the outside-world effects with their delivery status.
 */
import type {
  DisputeEvent,
  DisputeState,
  Effect,
  EventSource,
  RecordEntry,
} from '../../domain/dispute/types.ts';
import type { Store } from '../open-store.ts';

export interface DisputeExport {
  readonly dispute: {
    readonly id: string;
    readonly procedureId: string;
    readonly procedureVersion: string;
    readonly caseReference: string;
    readonly status: string;
    readonly stageId: string;
    readonly nextDue: string | null;
    readonly createdAt: string;
    readonly updatedAt: string;
    readonly state: DisputeState;
  };
  readonly timeline: readonly {
    readonly seq: number;
    readonly at: string;
    readonly actor: string | null;
    readonly source: EventSource;
    readonly stageId: string | null;
    readonly type: string;
    readonly event: DisputeEvent;
  }[];
  readonly records: readonly { readonly key: string; readonly at: string; readonly entry: RecordEntry }[];
  readonly effects: readonly {
    readonly key: string;
    readonly type: string;
    readonly status: string;
    readonly attempts: number;
    readonly createdAt: string;
    readonly doneAt: string | null;
    readonly lastError: string | null;
    /** The effect as decided (what was to be sent, to whom), so the case file can say what went out. */
    readonly effect: Effect;
  }[];
}

/** Null when there is no such dispute. */
export async function loadDisputeExport(store: Store, disputeId: string): Promise<DisputeExport | null> {
  const row = await store.db
    .selectFrom('disputes')
    .selectAll()
    .where('id', '=', disputeId)
    .executeTakeFirst();
  if (!row) return null;
  const [audit, records, outbox] = [
    await store.db
      .selectFrom('audit')
      .selectAll()
      .where('dispute_id', '=', disputeId)
      .orderBy('seq')
      .execute(),
    await store.db
      .selectFrom('records')
      .selectAll()
      .where('dispute_id', '=', disputeId)
      .orderBy('seq')
      .orderBy('at')
      .orderBy('key')
      .execute(),
    await store.db
      .selectFrom('outbox')
      .select(['key', 'type', 'status', 'attempts', 'created_at', 'done_at', 'last_error', 'effect'])
      .where('dispute_id', '=', disputeId)
      .orderBy('created_at')
      .orderBy('key')
      .execute(),
  ];
  return {
    dispute: {
      id: row.id,
      procedureId: row.procedure_id,
      procedureVersion: row.procedure_version,
      caseReference: row.case_reference,
      status: row.status,
      stageId: row.stage_id,
      nextDue: row.next_due?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      state: row.state,
    },
    timeline: audit.map((entry) => ({
      seq: entry.seq,
      at: entry.at.toISOString(),
      actor: entry.actor,
      source: entry.source,
      stageId: entry.stage_id,
      type: entry.event_type,
      event: entry.event,
    })),
    records: records.map((record) => ({ key: record.key, at: record.at.toISOString(), entry: record.entry })),
    effects: outbox.map((effect) => ({
      key: effect.key,
      type: effect.type,
      status: effect.status,
      attempts: effect.attempts,
      createdAt: effect.created_at.toISOString(),
      doneAt: effect.done_at?.toISOString() ?? null,
      lastError: effect.last_error,
      effect: effect.effect as Effect,
    })),
  };
}
