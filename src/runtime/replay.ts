/**
 * A dispute as it was, rebuilt from its audit log: each event decided again through `decide` at
 * its `at`, with the context `contextFor` gives. The oversight report for a past period reads every
 * dispute open at the period's end this way (src/report/report.ts), so `replayAll` reads the logs
 * of up to `REPLAY_CHUNK` disputes in one statement each, not two statements per dispute.
 *
 * @example
 * const replayer = createReplayer({ store, decide, contextFor });
 * const asThen = await replayer.replayAll(['d-1', 'd-2'], new Date('2027-01-31T23:59:59.999Z'));
 */
import type { Decide } from '../domain/dispute/decide-types.ts';
import type { DisputeState } from '../domain/dispute/types.ts';
import type { Store } from '../store/open-store.ts';
import { listAuditEntriesOf } from '../store/operations/index.ts';
import type { ReplayEntry } from '../store/operations/list-audit-entries.ts';
import { type ContextFor, raisingOrganisationOf } from './decide-environment.ts';

/** Disputes whose logs are read in one statement. */
export const REPLAY_CHUNK = 500;

export interface Replayer {
  /** The dispute as its events up to `until` (all of them without) made it; null if not raised by then. */
  replay(disputeId: string, until?: Date): Promise<DisputeState | null>;
  /** The same for many disputes: those raised by `until`, by id. */
  replayAll(disputeIds: readonly string[], until?: Date): Promise<Map<string, DisputeState>>;
}

export function createReplayer(options: {
  readonly store: Store;
  readonly decide: Decide;
  readonly contextFor: ContextFor;
  /** Disputes per read (default `REPLAY_CHUNK`). */
  readonly chunk?: number;
}): Replayer {
  const { store, decide, contextFor } = options;
  const chunk = Math.max(1, options.chunk ?? REPLAY_CHUNK);

  async function rebuild(
    disputeId: string,
    procedureId: string,
    procedureVersion: string,
    entries: readonly ReplayEntry[],
    until: Date | undefined,
  ): Promise<DisputeState | null> {
    let state: DisputeState | null = null;
    for (const entry of entries) {
      if (until && entry.at.getTime() > until.getTime()) break;
      const environment = await contextFor({
        disputeId,
        procedureId,
        procedureVersion,
        state,
        raisingOrganisationId: raisingOrganisationOf(state, entry.event),
      });
      const decision = decide(state, entry.event, { ...environment, now: entry.at.toISOString() });
      if (!decision.ok) {
        throw new Error(`replay of ${disputeId} refused audit seq ${entry.seq}: ${decision.refusal.reason}`);
      }
      state = decision.state;
    }
    return state;
  }

  async function replayAll(disputeIds: readonly string[], until?: Date): Promise<Map<string, DisputeState>> {
    const out = new Map<string, DisputeState>();
    const unique = [...new Set(disputeIds)];
    for (let i = 0; i < unique.length; i += chunk) {
      const logs = await listAuditEntriesOf(store.db, unique.slice(i, i + chunk));
      for (const [id, log] of logs) {
        const state = await rebuild(id, log.procedureId, log.procedureVersion, log.entries, until);
        if (state) out.set(id, state);
      }
    }
    return out;
  }

  return {
    async replay(disputeId, until) {
      return (await replayAll([disputeId], until)).get(disputeId) ?? null;
    },
    replayAll,
  };
}
