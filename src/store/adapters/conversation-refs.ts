/**
 * Conversation references over `conversation_refs`, with the last reference this process wrote for
 * each person kept in memory: every turn offers the sender's reference (twice in local mode, for the
 * real person and whoever they act as), and a turn from the chat just saved costs no statement
 * (issue 15: two of a "help" turn's four statements were these upserts).
 *
 * A remembered reference is trusted for `ttlMs` only, so a chat that changed on another instance
 * and changed back here is written again within that time. The database keeps its own check too
 * (`saveConversationRef` writes nothing for an unchanged chat). At most `max` people are
 * remembered, the oldest forgotten first.
 *
 * @example
 * const refs = createStoreConversationRefs(store);
 * await refs.save({ personId: 'ane-practitioner', aadObjectId: null, reference });
 */
import type { Store } from '../open-store.ts';
import { getConversationRef, saveConversationRef } from '../operations/index.ts';

export interface ConversationRefEntry {
  readonly personId: string;
  readonly aadObjectId: string | null;
  readonly reference: unknown;
}

export interface StoreConversationRefs {
  save(entry: ConversationRefEntry): Promise<void>;
  get(personId: string): Promise<unknown | null>;
  /** Forgets what was written (rows removed behind this process's back, as a test's reset does). */
  forget(): void;
}

export function createStoreConversationRefs(
  store: Pick<Store, 'db'>,
  options: { readonly ttlMs?: number; readonly max?: number; readonly now?: () => number } = {},
): StoreConversationRefs {
  const { db } = store;
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const max = options.max ?? 10_000;
  const now = options.now ?? Date.now;
  const saved = new Map<string, { readonly chat: string; readonly at: number }>();

  return {
    async save(entry) {
      const chat = chatOf(entry);
      const known = saved.get(entry.personId);
      if (known && known.chat === chat && now() - known.at < ttlMs) return;
      saved.delete(entry.personId);
      await saveConversationRef(db, entry);
      saved.set(entry.personId, { chat, at: now() });
      if (saved.size > max) saved.delete(saved.keys().next().value as string);
    },
    get: (personId) => getConversationRef(db, personId),
    forget: () => saved.clear(),
  };
}

/** What identifies the chat: the reference without the turn's activity id, and the AAD id. */
function chatOf(entry: ConversationRefEntry): string {
  const reference =
    typeof entry.reference === 'object' && entry.reference !== null
      ? { ...(entry.reference as Record<string, unknown>), activityId: undefined }
      : entry.reference;
  return JSON.stringify([entry.aadObjectId, reference]);
}
