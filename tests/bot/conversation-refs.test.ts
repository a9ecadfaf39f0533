/**
 * A person's conversation reference is written when their chat changes, not on every turn: a turn
 * from the same chat leaves the stored row as it was, a new chat replaces it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorePorts } from '../../src/bot/store-adapters.ts';
import { decide } from '../../src/domain/dispute/decide.ts';
import { createDisputeService } from '../../src/runtime/dispute-service.ts';
import { createStoreConversationRefs } from '../../src/store/adapters/conversation-refs.ts';
import type { Store } from '../../src/store/open-store.ts';
import { aneContextFor } from '../runtime/ane-context.ts';
import { ENGINES } from '../store/engines.ts';

const engine = ENGINES[0];
if (!engine) throw new Error('no engine');

const reference = (conversationId: string, activityId: string) => ({
  activityId,
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/uk/',
  conversation: { id: conversationId, conversationType: 'personal' },
  bot: { id: 'concord-bot', name: 'Concord' },
  user: { id: 'teams-1', name: 'Practitioner, Adopt North East' },
});

describe('conversation references', () => {
  let store: Store;
  beforeAll(async () => {
    store = await engine.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  const row = () =>
    store.db
      .selectFrom('conversation_refs')
      .select(['reference', 'updated_at'])
      .where('person_id', '=', 'ane-practitioner')
      .executeTakeFirstOrThrow();

  it('keeps the stored row on turns from the same chat and replaces it for a new chat', async () => {
    const service = createDisputeService({
      store,
      decide,
      clock: { now: () => new Date() },
      contextFor: aneContextFor,
    });
    const { refs } = createStorePorts({ store, service });
    const entry = (conversationId: string, activityId: string) => ({
      personId: 'ane-practitioner',
      aadObjectId: null,
      reference: reference(conversationId, activityId),
    });
    await refs.save(entry('chat-1', 'turn-1'));
    const first = await row();
    await new Promise((r) => setTimeout(r, 5));
    await refs.save(entry('chat-1', 'turn-2'));
    await refs.save(entry('chat-1', 'turn-3'));
    const same = await row();
    expect(same.updated_at.toISOString()).toBe(first.updated_at.toISOString());
    expect(same.reference).toEqual(reference('chat-1', 'turn-1'));

    await refs.save(entry('chat-2', 'turn-4'));
    expect((await row()).reference).toEqual(reference('chat-2', 'turn-4'));
    expect(await refs.get('ane-practitioner')).toEqual(reference('chat-2', 'turn-4'));
  });

  it('writes a chat changed by another instance again once the remembered one is older than its time limit', async () => {
    let clock = 0;
    const here = createStoreConversationRefs(store, { ttlMs: 60_000, now: () => clock });
    const elsewhere = createStoreConversationRefs(store);
    const entry = (conversationId: string) => ({
      personId: 'ane-practitioner',
      aadObjectId: null,
      reference: reference(conversationId, 'turn'),
    });
    await here.save(entry('chat-3'));
    await elsewhere.save(entry('chat-4'));
    // Within the time limit, this instance trusts what it wrote last.
    clock = 30_000;
    await here.save(entry('chat-3'));
    expect((await row()).reference).toEqual(reference('chat-4', 'turn'));
    clock = 61_000;
    await here.save(entry('chat-3'));
    expect((await row()).reference).toEqual(reference('chat-3', 'turn'));
  });
});
