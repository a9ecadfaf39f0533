/**
 * In-memory implementations of the bot's ports, for tests and for a bot without a store.
 */
import type {
  ActingAs,
  CardStateStore,
  ConversationRefStore,
  DraftStore,
  SavedDraft,
  SlotRecord,
  StoredReference,
} from './ports.ts';

export function memoryConversationRefs(): ConversationRefStore & {
  readonly all: Map<string, StoredReference>;
} {
  const all = new Map<string, StoredReference>();
  return {
    all,
    async save({ personId, reference }) {
      all.set(personId, reference);
    },
    async get(personId) {
      return all.get(personId) ?? null;
    },
  };
}

export function memoryDrafts(): DraftStore {
  const all = new Map<string, SavedDraft>();
  return {
    async get(personId) {
      return all.get(personId) ?? null;
    },
    async save(personId, draft) {
      all.set(personId, draft);
    },
    async remove(personId) {
      all.delete(personId);
    },
  };
}

export function memoryCardState(): CardStateStore {
  const slots = new Map<string, SlotRecord>();
  const steps = new Map<string, string>();
  const delivered = new Map<string, string>();
  return {
    async getSlot(slot) {
      return slots.get(slot) ?? null;
    },
    async setSlot(slot, record) {
      slots.set(slot, record);
    },
    async rememberStep(disputeId, seq, stepKey) {
      steps.set(`${disputeId}:${seq}`, stepKey);
    },
    async stepAt(disputeId, seq) {
      return steps.get(`${disputeId}:${seq}`) ?? null;
    },
    async deliveredAs(key) {
      return delivered.get(key) ?? null;
    },
    async markDelivered(key, activityId) {
      delivered.set(key, activityId);
    },
  };
}

/** Local mode's "act as": which directory person each Playground user is playing. */
export function memoryActingAs(): ActingAs {
  const map = new Map<string, string>();
  return {
    get: (teamsUserId) => map.get(teamsUserId) ?? null,
    set(teamsUserId, personId) {
      if (personId) map.set(teamsUserId, personId);
      else map.delete(teamsUserId);
    },
  };
}
