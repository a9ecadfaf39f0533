/** Disputes' audit logs in order, as replay needs them: each event with the instant it was decided at. */
import { sql } from 'kysely';
import type { DisputeEvent } from '../../domain/dispute/types.ts';
import type { Db } from '../schema.ts';

export interface ReplayEntry {
  readonly seq: number;
  readonly at: Date;
  readonly event: DisputeEvent;
}

/** One dispute's audit log, with the procedure version it runs under. */
export interface AuditLog {
  readonly procedureId: string;
  readonly procedureVersion: string;
  readonly entries: ReplayEntry[];
}

/**
 * The audit logs of several disputes in one read (by the primary key, dispute then seq), with each
 * dispute's procedure and version: what replaying them needs. A dispute with no row is left out.
 */
export async function listAuditEntriesOf(
  db: Db,
  disputeIds: readonly string[],
): Promise<Map<string, AuditLog>> {
  const out = new Map<string, AuditLog>();
  if (disputeIds.length === 0) return out;
  // One array parameter, so the statement's text is the same whatever the number of disputes.
  const ids = sql`any(${sql.val([...disputeIds])}::text[])`;
  const rows = await db
    .selectFrom('disputes')
    .select(['id', 'procedure_id', 'procedure_version'])
    .where(sql<boolean>`id = ${ids}`)
    .execute();
  for (const row of rows)
    out.set(row.id, { procedureId: row.procedure_id, procedureVersion: row.procedure_version, entries: [] });
  const entries = await db
    .selectFrom('audit')
    .select(['dispute_id', 'seq', 'at', 'event'])
    .where(sql<boolean>`dispute_id = ${ids}`)
    .orderBy('dispute_id')
    .orderBy('seq')
    .execute();
  for (const { dispute_id, ...entry } of entries) out.get(dispute_id)?.entries.push(entry);
  return out;
}
