/**
 * The bot's ports over Concord's store: conversation references in `conversation_refs`, drafts in
 * `raise_drafts`, card slots in `kv` (keys prefixed `bot:`), and disputes through the `DisputeService` (every change)
 * plus read-only queries on `disputes` and `records`.
 *
 * @example
 * const ports = createStorePorts({ store, service });
 * await ports.refs.save({ personId, aadObjectId, reference });
 */
import type { DisputeState, RecordEntry } from '../domain/dispute/types.ts';
import type { DisputeService } from '../runtime/dispute-service.ts';
import { createStoreDraftStore } from '../store/adapters/raise-drafts.ts';
import type { Store } from '../store/open-store.ts';
import { json } from '../store/schema.ts';
import type {
  CardStateStore,
  ConversationRefStore,
  DisputeGateway,
  DraftStore,
  SavedDraft,
  SlotRecord,
  StoredReference,
} from './ports.ts';

export interface StorePorts {
  readonly refs: ConversationRefStore;
  readonly drafts: DraftStore;
  readonly cards: CardStateStore;
  readonly disputes: DisputeGateway;
}

const SLOT = (slot: string) => `bot:slot:${slot}`;
const STEP = (disputeId: string, seq: number) => `bot:step:${disputeId}:${seq}`;
const DELIVERED = (key: string) => `bot:delivered:${key}`;

export function createStorePorts(options: { store: Store; service: DisputeService }): StorePorts {
  const { store, service } = options;
  const db = store.db;

  async function kvGet<T>(key: string): Promise<T | null> {
    const row = await db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
    return row ? (row.value as T) : null;
  }
  async function kvSet(key: string, value: unknown): Promise<void> {
    const text = json(value);
    await db
      .insertInto('kv')
      .values({ key, value: text, updated_at: new Date() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: new Date() }))
      .execute();
  }

  const refs: ConversationRefStore = {
    async save({ personId, aadObjectId, reference }) {
      const value = json(reference);
      await db
        .insertInto('conversation_refs')
        .values({ person_id: personId, aad_object_id: aadObjectId, reference: value, updated_at: new Date() })
        .onConflict((oc) =>
          oc
            .column('person_id')
            .doUpdateSet({ aad_object_id: aadObjectId, reference: value, updated_at: new Date() }),
        )
        .execute();
    },
    async get(personId) {
      const row = await db
        .selectFrom('conversation_refs')
        .select('reference')
        .where('person_id', '=', personId)
        .executeTakeFirst();
      return row ? (row.reference as StoredReference) : null;
    },
  };

  const raiseDrafts = createStoreDraftStore(store);
  const drafts: DraftStore = {
    async get(personId) {
      return ((await raiseDrafts.get(personId)) as SavedDraft | undefined) ?? null;
    },
    save: (personId, draft) => raiseDrafts.put(personId, { ...draft }),
    remove: (personId) => raiseDrafts.remove(personId),
  };

  const cards: CardStateStore = {
    getSlot: (slot) => kvGet<SlotRecord>(SLOT(slot)),
    setSlot: (slot, record) => kvSet(SLOT(slot), record),
    rememberStep: (disputeId, seq, stepKey) => kvSet(STEP(disputeId, seq), stepKey),
    stepAt: (disputeId, seq) => kvGet<string>(STEP(disputeId, seq)),
    deliveredAs: (key) => kvGet<string>(DELIVERED(key)),
    markDelivered: (key, activityId) => kvSet(DELIVERED(key), activityId),
  };

  const disputes: DisputeGateway = {
    async apply(disputeId, event, opts = {}) {
      const result = await service.applyEvent(disputeId, event, {
        source: 'teams',
        ...(opts.procedureId ? { procedureId: opts.procedureId } : {}),
        ...(opts.expectedSeq !== undefined ? { expectedSeq: opts.expectedSeq } : {}),
      });
      return result.ok ? { ok: true, state: result.state } : { ok: false, refusal: result.refusal };
    },
    get: (disputeId) => service.get(disputeId),
    async listFor(personId) {
      // Small partnerships: a few hundred live disputes at most, so filtering the states here is fine.
      const rows = await db.selectFrom('disputes').select('state').orderBy('created_at', 'desc').execute();
      return rows.map((r) => r.state).filter((s) => involves(s, personId));
    },
    async records(disputeId) {
      const rows = await db
        .selectFrom('records')
        .select(['entry'])
        .where('dispute_id', '=', disputeId)
        .orderBy('seq')
        .orderBy('key')
        .execute();
      return rows.map((r) => r.entry as RecordEntry);
    },
  };

  return { refs, drafts, cards, disputes };
}

/** Whether the person raised, owns, is waiting on, or took part in the dispute. */
export function involves(state: DisputeState, personId: string): boolean {
  return (
    state.raisedBy.id === personId ||
    state.owner.id === personId ||
    state.stage.awaiting?.id === personId ||
    state.participants.some((p) => p.id === personId)
  );
}
