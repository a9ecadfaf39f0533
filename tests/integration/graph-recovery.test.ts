/**
 * Recovering from what Microsoft 365 does in production, against the emulator through the real
 * client (msal-node, graph-client and Concord's middleware chain):
 * - a cached access token that Graph refuses (401 InvalidAuthenticationToken) is replaced by a new
 *   one and the request sent again, instead of the outbox retrying with the refused token;
 * - a subscription create whose answer was lost (carried out, then a 504) leaves no stray
 *   subscription behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphWorld, startGraphWorld } from '../graph/world.ts';

let w: GraphWorld;

beforeAll(async () => {
  w = await startGraphWorld({ startInbound: false });
}, 60_000);
afterAll(async () => {
  await w?.close();
});

describe('a refused access token', () => {
  it('is replaced by a new one from the token endpoint, and each request succeeds on its one retry', async () => {
    const manager = 'team.manager@ane.example';
    await w.h.graph.api.api(`/users/${manager}`).get();
    const { expired } = await w.h.admin<{ expired: number }>('POST', '/faults/expire-tokens');
    expect(expired).toBe(1);
    const before = (await w.h.admin<{ stats: { expiredTokens: number } }>('GET', '/faults')).stats
      .expiredTokens;
    // Several requests in flight see the same token refused; each is answered.
    const users = (await Promise.all(
      ['team.manager@ane.example', 'service.manager@ane.example', 'head.of.service@ane.example'].map((u) =>
        w.h.graph.api.api(`/users/${u}`).select('id,userPrincipalName').get(),
      ),
    )) as { userPrincipalName: string }[];
    expect(users.map((u) => u.userPrincipalName)).toEqual([
      'team.manager@ane.example',
      'service.manager@ane.example',
      'head.of.service@ane.example',
    ]);
    const after = (await w.h.admin<{ stats: { expiredTokens: number } }>('GET', '/faults')).stats
      .expiredTokens;
    expect(after - before).toBe(3);
    // And later requests use the new token straight away (no refusal at all).
    await w.h.graph.api.api(`/users/${manager}`).get();
    expect(
      (await w.h.admin<{ stats: { expiredTokens: number } }>('GET', '/faults')).stats.expiredTokens,
    ).toBe(after);
  });
});

describe('a subscription create whose answer was lost', () => {
  interface Listed {
    id: string;
    resource: string;
    notificationUrl: string;
  }
  const ours = async (resource: string) =>
    (await w.h.admin<{ value: Listed[] }>('GET', '/subscriptions')).value.filter(
      (s) =>
        s.resource.toLowerCase() === resource &&
        s.notificationUrl === `${w.webhookUrl}/api/graph/notifications`,
    );

  it('leaves no stray: the retry deletes the subscription Graph made but the store never heard of', async () => {
    const mailbox = 'team.manager@ane.example';
    // Graph makes the subscription, then the gateway times out (504): the answer is lost.
    await w.h.admin('POST', '/faults/fail-next', {
      status: 504,
      method: 'POST',
      pathContains: '/subscriptions',
      afterApplying: true,
    });
    const first = await w.subscriptions.ensure([mailbox], 'inbox');
    const second = first.failures.length ? await w.subscriptions.ensure([mailbox], 'inbox') : first;
    expect(second.failures).toEqual([]);
    const atGraph = await ours(`/users/${encodeURIComponent(mailbox)}/messages`);
    expect(atGraph.map((s) => s.id)).toEqual(second.records.map((r) => r.id));
    expect(
      (await w.subscriptionStore.list()).filter((r) => r.mailbox === mailbox && r.kind === 'inbox'),
    ).toHaveLength(1);
  });

  it('after a crash between the create and the store, the next start deletes the stray it left', async () => {
    const mailbox = 'service.manager@ane.example';
    const resource = `/users/${encodeURIComponent(mailbox)}/events`;
    // The create reached Graph; the process died before it stored the record.
    await w.h.graph.api.api('/subscriptions').post({
      changeType: 'updated,deleted',
      notificationUrl: `${w.webhookUrl}/api/graph/notifications`,
      lifecycleNotificationUrl: `${w.webhookUrl}/api/graph/lifecycle`,
      resource,
      expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
      clientState: 'i1.lost-with-the-process',
    });
    expect(await ours(resource)).toHaveLength(1);
    const { records, failures } = await w.subscriptions.ensure([mailbox], 'events');
    expect(failures).toEqual([]);
    expect((await ours(resource)).map((s) => s.id)).toEqual(records.map((r) => r.id));
  });
});
