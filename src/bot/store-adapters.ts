/**
 * The bot's ports over Concord's store operations: conversation references in `conversation_refs`,
 * drafts in `raise_drafts`, card bookkeeping in `card_slots`, `card_steps` and `card_deliveries`,
 * and disputes through the `DisputeService` (every change) plus read-only operations on `disputes`
 * and `records`.
 *
 * @example
 * const ports = createStorePorts({ store, service });
 * await ports.refs.save({ personId, aadObjectId, reference });
 */
import type { DisputeState } from '../domain/dispute/types.ts';
import type { DisputeService } from '../runtime/dispute-service.ts';
import { createStoreConversationRefs } from '../store/adapters/conversation-refs.ts';
import { createStoreDraftStore } from '../store/adapters/raise-drafts.ts';
import type { Store } from '../store/open-store.ts';
import {
  cardDeliveredAs,
  cardStepAt,
  disputePeople,
  getCardSlot,
  listDisputesFor,
  listRecordEntries,
  markCardDelivered,
  putCardSlot,
  rememberCardStep,
} from '../store/operations/index.ts';
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
  /** Forgets the references this process remembers writing (after rows were removed behind its back). */
  forgetSavedRefs(): void;
}

export function createStorePorts(options: { store: Store; service: DisputeService }): StorePorts {
  const { store, service } = options;
  const db = store.db;

  // A turn from the chat last saved writes nothing (issue 15).
  const storedRefs = createStoreConversationRefs(store);
  const refs: ConversationRefStore = {
    save: (entry) => storedRefs.save(entry),
    get: async (personId) => (await storedRefs.get(personId)) as StoredReference | null,
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
    getSlot: async (slot) => (await getCardSlot(db, slot)) as SlotRecord | null,
    setSlot: (slot, record) => putCardSlot(db, slot, record),
    rememberStep: (disputeId, seq, stepKey) => rememberCardStep(db, disputeId, seq, stepKey),
    stepAt: (disputeId, seq) => cardStepAt(db, disputeId, seq),
    deliveredAs: (key) => cardDeliveredAs(db, key),
    markDelivered: (key, activityId) => markCardDelivered(db, key, activityId),
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
    // Indexed by person (disputes.people): the same cost with 10,000 disputes stored as with 100.
    listFor: (personId) => listDisputesFor(db, personId),
    records: (disputeId) => listRecordEntries(db, disputeId),
    resolverFor: async (disputeId) => (await service.prepare(disputeId)).environment?.resolver ?? null,
  };

  return { refs, drafts, cards, disputes, forgetSavedRefs: () => storedRefs.forget() };
}

/** Whether the person raised, owns, is waiting on, or took part in the dispute. */
export function involves(state: DisputeState, personId: string): boolean {
  return disputePeople(state).includes(personId);
}
