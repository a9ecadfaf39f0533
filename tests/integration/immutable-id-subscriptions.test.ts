/**
 * Subscriptions ask for immutable ids (`Prefer: IdType="ImmutableId"`), so a notification names an
 * item the way the message and meeting indexes do; Graph keeps the format a subscription was created
 * with, so one made without it (by an older Concord) is deleted and created again at start. Against
 * the emulator, which answers REST ids to anything that does not ask for immutable ones.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMMUTABLE_CLIENT_STATE_MARK } from '../../src/graph/subscriptions.ts';
import { type GraphWorld, startGraphWorld } from '../graph/world.ts';

const CONVENER = 'head.of.service@ane.example';
let w: GraphWorld;
let legacyId = '';

beforeAll(async () => {
  w = await startGraphWorld({ startInbound: false });
  // What an older Concord left: an events subscription created without the Prefer header.
  const clientState = randomBytes(32).toString('base64url');
  const resource = `/users/${CONVENER}/events`;
  const legacy = (await w.h.graph.api.api('/subscriptions').post({
    changeType: 'updated,deleted',
    notificationUrl: `${w.webhookUrl}/api/graph/notifications`,
    lifecycleNotificationUrl: `${w.webhookUrl}/api/graph/lifecycle`,
    resource,
    expirationDateTime: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    clientState,
  })) as { id: string; expirationDateTime: string };
  legacyId = legacy.id;
  const user = (await w.h.graph.api.api(`/users/${CONVENER}`).select('id').get()) as { id: string };
  await w.subscriptionStore.put({
    id: legacy.id,
    kind: 'events',
    mailbox: CONVENER,
    mailboxId: user.id,
    resource,
    clientState,
    expiresAt: legacy.expirationDateTime,
  });
  expect(w.h.m365.state.subscriptions.get(legacyId)?.immutableIds).toBe(false);
  await w.inbound.start();
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('immutable ids on subscriptions', () => {
  it('creates every subscription with Prefer: IdType="ImmutableId"', () => {
    const subs = [...w.h.m365.state.subscriptions.values()];
    expect(subs.length).toBeGreaterThan(0);
    expect(subs.every((s) => s.immutableIds)).toBe(true);
    expect(w.subscriptions.list().every((r) => r.clientState.startsWith(IMMUTABLE_CLIENT_STATE_MARK))).toBe(
      true,
    );
  });

  it('retires the subscription made without it and subscribes the convener again', async () => {
    expect(w.h.m365.state.subscriptions.has(legacyId)).toBe(false);
    expect((await w.subscriptionStore.list()).map((r) => r.id)).not.toContain(legacyId);
    const convener = w.subscriptions.list().filter((r) => r.mailbox === CONVENER && r.kind === 'events');
    expect(convener).toHaveLength(1);
    expect(w.h.m365.state.subscriptions.get(convener[0]?.id ?? '')?.immutableIds).toBe(true);
  });
});
