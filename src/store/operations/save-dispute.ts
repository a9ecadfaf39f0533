/**
 * Writes a dispute's new state and its listing columns. A new dispute is inserted; an existing one
 * is updated only while its `version` is still `expectedVersion` (optimistic concurrency on top of
 * the row lock). Returns false when the version moved, so the caller prepares again.
 */
import type { DisputeState } from '../../domain/dispute/types.ts';
import { type Db, json } from '../schema.ts';

/**
 * The ids of everyone a dispute involves: who raised it, its owner, whoever it is waiting on, and
 * every participant. Stored beside the state (`disputes.people`) for the per-person views.
 */
export function disputePeople(state: DisputeState): string[] {
  const ids = new Set<string>();
  ids.add(state.raisedBy.id);
  if (state.owner) ids.add(state.owner.id);
  if (state.stage.awaiting) ids.add(state.stage.awaiting.id);
  for (const p of state.participants) ids.add(p.id);
  return [...ids].sort();
}

/** A dispute's row, as `saveDispute` and `writeDecision` both write it. */
export function disputeColumns(state: DisputeState, at: Date, version: number) {
  return {
    procedure_id: state.procedureId,
    procedure_version: state.procedureVersion,
    status: state.status,
    stage_id: state.stage.id,
    phase: state.stage.phase,
    case_reference: state.caseReference,
    owner_id: state.owner?.id ?? null,
    state: json(state),
    next_due: state.status === 'open' ? state.stage.due : null,
    updated_at: at,
    version,
    people: disputePeople(state),
  };
}

export async function saveDispute(
  trx: Db,
  dispute: {
    readonly state: DisputeState;
    readonly version: number;
    readonly at: Date;
    /** Null for a dispute being raised (inserted); otherwise the version read under the lock. */
    readonly expectedVersion: number | null;
  },
): Promise<boolean> {
  const { state, at } = dispute;
  const columns = disputeColumns(state, at, dispute.version);
  if (dispute.expectedVersion === null) {
    await trx
      .insertInto('disputes')
      .values({ id: state.id, created_at: at, ...columns })
      .execute();
    return true;
  }
  const updated = await trx
    .updateTable('disputes')
    .set(columns)
    .where('id', '=', state.id)
    .where('version', '=', dispute.expectedVersion)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
