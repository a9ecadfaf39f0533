/**
 * REST ids and immutable ids, as Exchange gives them: REST ids unless the request sends
 * `Prefer: IdType="ImmutableId"`; both accepted; a REST id changes when the item moves, an immutable
 * id does not; a subscription's notifications use the id format it was created with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, people, type Receiver, startHarness, startReceiver } from './helpers.ts';

const IMMUTABLE = 'IdType="ImmutableId"';
let h: Harness;
let receiver: Receiver;
beforeAll(async () => {
  h = await startHarness();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

const draft = (prefer?: string) => {
  const request = h.graph.api(`/users/${people.teamManager}/messages`);
  if (prefer) request.header('Prefer', prefer);
  return request.post({ subject: 'Ids', toRecipients: [{ emailAddress: { address: people.director } }] });
};

describe('id formats', () => {
  it('answers REST ids unless the request asks for immutable ones, and accepts both', async () => {
    const immutable = (await draft(IMMUTABLE)) as { id: string };
    expect(immutable.id.startsWith('AAkALg')).toBe(true);
    const rest = (await h.graph.api(`/users/${people.teamManager}/messages/${immutable.id}`).get()) as {
      id: string;
    };
    expect(rest.id.startsWith('AAMkA')).toBe(true);
    expect(rest.id).not.toBe(immutable.id);
    const again = (await h.graph
      .api(`/users/${people.teamManager}/messages/${rest.id}`)
      .header('Prefer', IMMUTABLE)
      .get()) as { id: string };
    expect(again.id).toBe(immutable.id);
    expect(((await draft()) as { id: string }).id.startsWith('AAMkA')).toBe(true);
  });

  it('changes the REST id on a move, never the immutable id', async () => {
    const d = (await draft(IMMUTABLE)) as { id: string };
    const restBefore = (
      (await h.graph.api(`/users/${people.teamManager}/messages/${d.id}`).get()) as { id: string }
    ).id;
    const moved = (await h.graph
      .api(`/users/${people.teamManager}/messages/${d.id}/move`)
      .header('Prefer', IMMUTABLE)
      .post({ destinationId: 'archive' })) as { id: string };
    expect(moved.id).toBe(d.id);
    const restAfter = (
      (await h.graph.api(`/users/${people.teamManager}/messages/${d.id}`).get()) as { id: string }
    ).id;
    expect(restAfter).not.toBe(restBefore);
    const stale = await h.graph
      .api(`/users/${people.teamManager}/messages/${restBefore}`)
      .get()
      .catch((e: { statusCode: number }) => e);
    expect(stale).toMatchObject({ statusCode: 404 });
  });

  it.each([
    ['without the Prefer header: REST ids', undefined, 'AAMkA'],
    ['with Prefer: IdType="ImmutableId": immutable ids', IMMUTABLE, 'AAkALg'],
  ])('a subscription made %s', async (_name, prefer, prefix) => {
    const request = h.graph.api('/subscriptions');
    if (prefer) request.header('Prefer', prefer);
    const sub = (await request.post({
      changeType: 'created',
      notificationUrl: `${receiver.url}/api/graph/notifications`,
      resource: `/users/${people.serviceManager}/mailFolders('inbox')/messages`,
      expirationDateTime: new Date(Date.now() + 60 * 60_000).toISOString(),
      clientState: 'ids',
    })) as { id: string };
    const arrived = receiver.waitFor((p) => JSON.stringify(p.json ?? {}).includes(sub.id), 10_000);
    await h.admin('POST', `/mailboxes/${people.director}/send`, {
      to: people.serviceManager,
      subject: 'Notify',
      body: 'x',
    });
    const change = (await arrived).json?.value.find((n) => n.subscriptionId === sub.id) as {
      resource: string;
      resourceData: { id: string };
    };
    expect(change.resourceData.id.startsWith(prefix)).toBe(true);
    // Whichever documented form the resource takes, it names the same item.
    expect(change.resource.toLowerCase()).toContain(`messages`);
    expect(change.resource).toContain(change.resourceData.id);
    await h.graph.api(`/subscriptions/${sub.id}`).delete();
  });
});
