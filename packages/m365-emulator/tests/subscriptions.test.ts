import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphError, type Harness, people, type Receiver, startHarness, startReceiver } from './helpers.ts';

let h: Harness;
let receiver: Receiver;
beforeAll(async () => {
  h = await startHarness({ notifier: { retryDelaysMs: [50, 100] } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});
beforeEach(() => {
  receiver.validation = 'echo';
  receiver.notificationStatus = 202;
});

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

type Sub = { id: string; expirationDateTime: string; clientState: string; resource: string };

async function subscribe(user: string, extra: Record<string, unknown> = {}): Promise<Sub> {
  return h.graph.api('/subscriptions').post({
    changeType: 'created',
    notificationUrl: `${receiver.url}/api/graph/notifications`,
    lifecycleNotificationUrl: `${receiver.url}/api/graph/lifecycle`,
    resource: `/users/${user}/mailFolders('inbox')/messages`,
    expirationDateTime: inMinutes(60),
    clientState: 'secret-state',
    ...extra,
  });
}

describe('subscription create and the validation handshake', () => {
  it('validates both URLs with a URL-encoded validationToken, then returns the subscription', async () => {
    const before = receiver.posts.length;
    const sub = await subscribe(people.teamManager);
    expect(sub).toMatchObject({
      changeType: 'created',
      clientState: 'secret-state',
      resource: `/users/${people.teamManager}/mailFolders('inbox')/messages`,
    });
    expect(receiver.posts.length).toBe(before); // handshakes are answered, not recorded as notifications
    const log = await h.admin<{ value: { kind: string; url: string; status: number }[] }>(
      'GET',
      '/notifications',
    );
    const validations = log.body.value.filter((r) => r.kind === 'validation');
    expect(validations.map((v) => new URL(v.url).pathname)).toEqual(
      expect.arrayContaining(['/api/graph/notifications', '/api/graph/lifecycle']),
    );
  });

  it.each([
    ['wrong echo', 'wrong'],
    ['500', 'status500'],
    ['not text/plain', 'json'],
  ] as const)('400 when the endpoint fails the handshake (%s)', async (_name, mode) => {
    receiver.validation = mode;
    const error = await graphError(subscribe(people.teamManager));
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/validation request failed/);
  });

  it('400 when expiration is beyond 10,080 minutes or in the past', async () => {
    for (const expirationDateTime of [inMinutes(10_080 + 10), inMinutes(-1)]) {
      const error = await graphError(subscribe(people.teamManager, { expirationDateTime }));
      expect(error.statusCode).toBe(400);
    }
    const ok = await subscribe(people.teamManager, { expirationDateTime: inMinutes(10_079) });
    expect(ok.id).toBeTruthy();
  });

  it('400 for a bad changeType and for an unknown property', async () => {
    expect((await graphError(subscribe(people.teamManager, { changeType: 'arrived' }))).statusCode).toBe(400);
    const unknown = await graphError(subscribe(people.teamManager, { notificationURI: 'x' }));
    expect(unknown).toMatchObject({ statusCode: 400, code: 'RequestBodyRead' });
  });
});

describe('change notifications', () => {
  it('POSTs created inbox messages with clientState, resource and resourceData', async () => {
    const sub = await subscribe(people.serviceManager);
    const sent = await h.admin<{ internetMessageId: string }>(
      'POST',
      `/mailboxes/${people.gatesheadTeamManager}/send`,
      {
        to: people.serviceManager,
        subject: 'Reply from Gateshead',
        body: 'Agreed.',
      },
    );
    expect(sent.status).toBe(201);
    const post = await receiver.waitFor(
      (p) => p.json?.value.some((n) => n.subscriptionId === sub.id) ?? false,
    );
    expect(post.path).toBe('/api/graph/notifications');
    const n = post.json?.value.find((x) => x.subscriptionId === sub.id) as {
      resource: string;
      resourceData: Record<string, string>;
    };
    expect(n).toMatchObject({
      changeType: 'created',
      clientState: 'secret-state',
      tenantId: h.m365.tenantId,
      subscriptionExpirationDateTime: sub.expirationDateTime,
    });
    expect(n.resource).toMatch(/^Users\/[0-9a-f-]+\/Messages\/.+=$/);
    expect(n.resourceData['@odata.type']).toBe('#Microsoft.Graph.Message');
    // The notified id reads back through Graph.
    const message = await h.graph
      .api(`/users/${people.serviceManager}/messages/${n.resourceData.id}`)
      .select('internetMessageId')
      .get();
    expect(message.internetMessageId).toBe(sent.body.internetMessageId);
  });

  it('retries when the webhook does not acknowledge', async () => {
    const sub = await subscribe(people.headOfService);
    receiver.notificationStatus = 500;
    await h.admin('POST', `/mailboxes/${people.gatesheadTeamManager}/send`, {
      to: people.headOfService,
      subject: 'retry me',
      body: '.',
    });
    await h.admin('POST', '/notifications/idle');
    const attempts = receiver.posts.filter((p) => p.json?.value.some((n) => n.subscriptionId === sub.id));
    expect(attempts.length).toBe(3); // first try + two retries
  });

  it('renew with PATCH, list, and DELETE', async () => {
    const sub = await subscribe(people.director);
    const renewed = await h.graph
      .api(`/subscriptions/${sub.id}`)
      .patch({ expirationDateTime: inMinutes(600) });
    expect(Date.parse(renewed.expirationDateTime)).toBeGreaterThan(Date.parse(sub.expirationDateTime));
    const tooLong = await graphError(
      h.graph.api(`/subscriptions/${sub.id}`).patch({ expirationDateTime: inMinutes(20_000) }),
    );
    expect(tooLong.statusCode).toBe(400);
    const list = await h.graph.api('/subscriptions').get();
    expect(list.value.map((s: Sub) => s.id)).toContain(sub.id);
    await h.graph.api(`/subscriptions/${sub.id}`).delete();
    const gone = await graphError(h.graph.api(`/subscriptions/${sub.id}`).get());
    expect(gone.statusCode).toBe(404);
  });

  it('expired subscriptions stop notifying and disappear (emulator clock moved on)', async () => {
    const sub = await subscribe(people.familyFinder, { expirationDateTime: inMinutes(5) });
    await h.admin('POST', '/clock', { advanceMs: 10 * 60_000 });
    try {
      const gone = await graphError(h.graph.api(`/subscriptions/${sub.id}`).get());
      expect(gone.statusCode).toBe(404);
    } finally {
      await h.admin('POST', '/clock', { advanceMs: -10 * 60_000 });
    }
  });
});

describe('lifecycle notifications', () => {
  it.each(['reauthorizationRequired', 'missed', 'subscriptionRemoved'] as const)(
    '%s goes to lifecycleNotificationUrl',
    async (event) => {
      const sub = await subscribe(people.practitioner);
      const res = await h.admin('POST', `/subscriptions/${sub.id}/lifecycle`, { event });
      expect(res.status).toBe(200);
      const post = await receiver.waitFor(
        (p) =>
          p.path === '/api/graph/lifecycle' &&
          (p.json?.value.some((n) => n.subscriptionId === sub.id && n.lifecycleEvent === event) ?? false),
      );
      expect(post.json?.value[0]).toMatchObject({ clientState: 'secret-state', tenantId: h.m365.tenantId });
      if (event === 'subscriptionRemoved')
        expect((await graphError(h.graph.api(`/subscriptions/${sub.id}`).get())).statusCode).toBe(404);
      else await h.graph.api(`/subscriptions/${sub.id}/reauthorize`).post(null);
    },
  );
});

describe('delta catch-up after dropped notifications', () => {
  it('finds the messages whose notifications were dropped', async () => {
    const user = 'disputes@ane.example'; // no other subscription watches this inbox
    // Sync to now.
    let url: string | undefined = `/users/${user}/mailFolders('inbox')/messages/delta`;
    let deltaLink = '';
    while (url) {
      const page = await h.graph.api(url).get();
      url = page['@odata.nextLink'];
      deltaLink = page['@odata.deltaLink'] ?? deltaLink;
    }
    const sub = await subscribe(user);
    await h.admin('POST', '/notifications/drop', { count: 2 });
    for (const subject of ['lost 1', 'lost 2'])
      await h.admin('POST', `/mailboxes/${people.newcastlePermanence}/send`, {
        to: user,
        subject,
        body: '.',
      });
    await h.admin('POST', '/notifications/idle');
    const delivered = receiver.posts.filter((p) => p.json?.value.some((n) => n.subscriptionId === sub.id));
    expect(delivered).toHaveLength(0);
    const log = await h.admin<{ value: { dropped?: boolean; subscriptionIds: string[] }[] }>(
      'GET',
      '/notifications',
    );
    expect(log.body.value.filter((r) => r.dropped && r.subscriptionIds.includes(sub.id))).toHaveLength(2);
    // Concord would now get `missed` and run delta.
    const changes = await h.graph.api(deltaLink).select('subject').get();
    expect(changes.value.map((m: { subject: string }) => m.subject).sort()).toEqual(['lost 1', 'lost 2']);
  });
});

describe('notification resource forms', () => {
  it('takes each documented form in turn', async () => {
    const { resourceForm } = await import('../src/notifier.ts');
    const forms = [0, 1, 2, 3].map((n) => resourceForm(n, 'u-1', 't-1', 'Messages', 'AAMk='));
    expect(forms).toEqual([
      'Users/u-1/Messages/AAMk=',
      'users/u-1@t-1/messages/AAMk=',
      "Users('u-1')/Messages('AAMk=')",
      'Users/u-1/Messages/AAMk=',
    ]);
  });
});
