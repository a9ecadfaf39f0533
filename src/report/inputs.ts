/**
 * What the oversight figures are computed from, read from the store in one go: every dispute's state,
 * the stage and overall deadlines that fired (from the audit log), and the delivery of each
 * after-resolution card (the learning referrals). Plain data for the pure `computeFigures`.
 */
import type { DisputeState } from '../domain/dispute/types.ts';
import type { Store } from '../store/open-store.ts';

export interface DeadlineFired {
  readonly disputeId: string;
  readonly kind: 'stage-deadline' | 'overall-deadline';
  readonly stageId: string;
  readonly at: string;
}

/** One after-resolution card in the outbox: its slot names the procedure's item and the recipient. */
export interface AfterResolutionCard {
  readonly disputeId: string;
  readonly itemId: string;
  readonly to: { readonly id: string; readonly name: string };
  readonly status: string;
  readonly createdAt: string;
  readonly doneAt: string | null;
}

export interface ReportInputs {
  readonly states: readonly DisputeState[];
  readonly fired: readonly DeadlineFired[];
  readonly afterCards: readonly AfterResolutionCard[];
}

export async function loadReportInputs(store: Store): Promise<ReportInputs> {
  const states = (
    await store.db.selectFrom('disputes').select('state').orderBy('created_at').orderBy('id').execute()
  ).map((row) => row.state);
  const audit = await store.db
    .selectFrom('audit')
    .select(['dispute_id', 'at', 'event'])
    .where('event_type', '=', 'timer-fired')
    .orderBy('at')
    .execute();
  const fired: DeadlineFired[] = [];
  for (const row of audit) {
    const event = row.event;
    if (event.type !== 'timer-fired') continue;
    if (event.kind !== 'stage-deadline' && event.kind !== 'overall-deadline') continue;
    fired.push({
      disputeId: row.dispute_id,
      kind: event.kind,
      stageId: event.stageId,
      at: row.at.toISOString(),
    });
  }
  const cards = await store.db
    .selectFrom('outbox')
    .select(['dispute_id', 'effect', 'status', 'created_at', 'done_at'])
    .where('type', '=', 'send-card')
    .orderBy('created_at')
    .execute();
  const afterCards: AfterResolutionCard[] = [];
  for (const row of cards) {
    const effect = row.effect;
    if (effect.type !== 'send-card' || effect.intent.kind !== 'after-resolution') continue;
    // slotKey: `${disputeId}:after-${itemId}:${recipientId}`.
    const rest = effect.slot.slice(row.dispute_id.length + 1);
    const match = /^after-(.+):[^:]+$/.exec(rest);
    if (!match?.[1]) continue;
    afterCards.push({
      disputeId: row.dispute_id,
      itemId: match[1],
      to: { id: effect.to.id, name: effect.to.name },
      status: row.status,
      createdAt: row.created_at.toISOString(),
      doneAt: row.done_at?.toISOString() ?? null,
    });
  }
  return { states, fired, afterCards };
}
