import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphError, type Harness, people, startHarness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const PROP_ID = 'String {d4b3f1a2-6f7e-4a8b-9c0d-1e2f3a4b5c6d} Name ConcordDisputeId';

type Message = Record<string, unknown> & { id: string; conversationId: string; internetMessageId: string };

const IMMUTABLE = 'IdType="ImmutableId"';

/** Sends the Team Manager's draft and returns it as it arrived in the counterpart's inbox. */
async function sendToCounterpart(d: Message): Promise<Message> {
  await h.graph.api(`/users/${people.teamManager}/messages/${d.id}/send`).post(null);
  // Exchange sends asynchronously (sendDelayMs): wait until it has gone.
  await h.m365.notifier.idle();
  const theirs = await h.admin<{ value: Message[] }>(
    'GET',
    `/mailboxes/${people.newcastlePermanence}/messages?folder=inbox`,
  );
  return theirs.body.value.find((m) => m.internetMessageId === d.internetMessageId) as Message;
}

async function draft(
  from: string,
  to: string,
  disputeId: string,
  extra: Record<string, unknown> = {},
): Promise<Message> {
  return h.graph
    .api(`/users/${from}/messages`)
    .header('Prefer', 'IdType="ImmutableId"')
    .post({
      subject: `Dispute ${disputeId}: Stage 1`,
      importance: 'high',
      body: { contentType: 'html', content: '<p>Please respond within <b>5 working days</b>.</p>' },
      toRecipients: [{ emailAddress: { address: to } }],
      internetMessageHeaders: [{ name: 'x-concord-dispute', value: disputeId }],
      singleValueExtendedProperties: [{ id: PROP_ID, value: disputeId }],
      ...extra,
    });
}

async function inboxOf(user: string): Promise<Message[]> {
  const res = await h.graph.api(`/users/${user}/mailFolders('inbox')/messages`).top(50).get();
  return res.value;
}

describe('drafts', () => {
  it('creates a draft with importance, x- headers and an extended property, ids and threading ready', async () => {
    const d = await draft(people.teamManager, people.gatesheadTeamManager, 'D-1');
    expect(d).toMatchObject({ isDraft: true, importance: 'high', subject: 'Dispute D-1: Stage 1' });
    expect(d.id).toMatch(/=$/);
    expect(d.internetMessageId).toMatch(/^<.+@ANE\.EXAMPLE>$/);
    expect(d.conversationId).toBeTruthy();
    expect(d.from).toEqual({
      emailAddress: { name: 'Team Manager, Adopt North East', address: people.teamManager },
    });
    // Headers and extended properties are not in the default projection.
    expect(d.internetMessageHeaders).toBeUndefined();
    expect(d.singleValueExtendedProperties).toBeUndefined();
  });

  it('rejects a header that does not start with x-', async () => {
    const error = await graphError(
      draft(people.teamManager, people.gatesheadTeamManager, 'D-bad', {
        internetMessageHeaders: [{ name: 'Dispute', value: 'x' }],
      }),
    );
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('InvalidInternetMessageHeader');
  });

  it('$select and $expand=singleValueExtendedProperties($filter=id eq …)', async () => {
    const d = await draft(people.teamManager, people.gatesheadTeamManager, 'D-2');
    const got = await h.graph
      .api(`/users/${people.teamManager}/messages/${d.id}`)
      .select('subject,internetMessageHeaders,conversationId')
      .expand(`singleValueExtendedProperties($filter=id eq '${PROP_ID}')`)
      .get();
    expect(Object.keys(got).sort()).toEqual(
      [
        '@odata.context',
        '@odata.etag',
        'conversationId',
        'id',
        'internetMessageHeaders',
        'singleValueExtendedProperties',
        'subject',
      ].sort(),
    );
    expect(got.internetMessageHeaders).toEqual([{ name: 'x-concord-dispute', value: 'D-2' }]);
    expect(got.singleValueExtendedProperties).toEqual([{ id: PROP_ID, value: 'D-2' }]);
  });

  it('finds the tagged draft by extended property and by conversationId', async () => {
    const d = await draft(people.teamManager, people.gatesheadTeamManager, 'D-3');
    const byProp = await h.graph
      .api(`/users/${people.teamManager}/mailFolders/drafts/messages`)
      .header('Prefer', IMMUTABLE)
      .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${PROP_ID}' and ep/value eq 'D-3')`)
      .get();
    expect(byProp.value.map((m: Message) => m.id)).toEqual([d.id]);
    const byConversation = await h.graph
      .api(`/users/${people.teamManager}/messages`)
      .header('Prefer', IMMUTABLE)
      .filter(`conversationId eq '${d.conversationId}'`)
      .get();
    expect(byConversation.value.map((m: Message) => m.id)).toEqual([d.id]);
  });

  it('PATCH updates a draft', async () => {
    const d = await draft(people.teamManager, people.gatesheadTeamManager, 'D-4');
    const patched = await h.graph
      .api(`/users/${people.teamManager}/messages/${d.id}`)
      .patch({ subject: 'Changed' });
    expect(patched.subject).toBe('Changed');
  });
});

describe('send and delivery', () => {
  it('send → 202; the sent item keeps its id; the recipient gets it with headers in the same conversation', async () => {
    const d = await draft(people.teamManager, people.gatesheadTeamManager, 'D-10', {
      ccRecipients: [{ emailAddress: { address: people.serviceManager } }],
    });
    // Graph answers 202 with no body (graph-client then hands back the empty raw body stream).
    await h.graph.api(`/users/${people.teamManager}/messages/${d.id}/send`).post(null);
    // Exchange sends asynchronously (sendDelayMs): wait until it has gone.
    await h.m365.notifier.idle();
    // Exchange sends asynchronously (sendDelayMs): wait until it has gone.
    await h.m365.notifier.idle();
    // The sent copy keeps the draft's id with immutable ids (a REST id changes with the folder).
    const sentItem = await h.graph
      .api(`/users/${people.teamManager}/messages/${d.id}`)
      .header('Prefer', IMMUTABLE)
      .get();
    expect(sentItem).toMatchObject({ isDraft: false, internetMessageId: d.internetMessageId });
    const inSent = await h.graph
      .api(`/users/${people.teamManager}/mailFolders('sentitems')/messages`)
      .header('Prefer', IMMUTABLE)
      .get();
    expect(inSent.value.map((m: Message) => m.id)).toContain(d.id);

    // Gateshead is another tenant: read its mailbox through the admin API, as the counterpart would.
    const gateshead = await h.admin<{ value: Message[] }>(
      'GET',
      `/mailboxes/${people.gatesheadTeamManager}/messages?folder=inbox`,
    );
    const received = gateshead.body.value.find((m) => m.internetMessageId === d.internetMessageId);
    expect(received).toMatchObject({ conversationId: d.conversationId, importance: 'high', isRead: false });
    const headers = received?.internetMessageHeaders as { name: string; value: string }[];
    expect(headers).toContainEqual({ name: 'x-concord-dispute', value: 'D-10' });
    expect(headers).toContainEqual({ name: 'Message-ID', value: d.internetMessageId });

    // The cc'd service manager is in the host tenant.
    const smInbox = await inboxOf(people.serviceManager);
    expect(smInbox.find((m) => m.internetMessageId === d.internetMessageId)?.conversationId).toBe(
      d.conversationId,
    );
  });

  it('a reply (played through the admin API) arrives with In-Reply-To/References on the same conversation', async () => {
    const d = await draft(people.teamManager, people.newcastlePermanence, 'D-11');
    const incoming = await sendToCounterpart(d);
    await h.admin(
      'POST',
      `/mailboxes/${people.newcastlePermanence}/messages/${encodeURIComponent(incoming.id)}/reply`,
      {
        comment: 'Agreed actions: review placement plan by Friday.',
      },
    );
    const reply = await h.graph
      .api(`/users/${people.teamManager}/mailFolders/inbox/messages`)
      .filter(`conversationId eq '${d.conversationId}'`)
      .select('subject,internetMessageHeaders,conversationId,body,uniqueBody,from')
      .header('Prefer', 'outlook.body-content-type="text"')
      .get();
    expect(reply.value).toHaveLength(1);
    const r = reply.value[0];
    expect(r.subject).toBe('RE: Dispute D-11: Stage 1');
    expect(r.from.emailAddress.address).toBe(people.newcastlePermanence);
    const headers = Object.fromEntries(
      r.internetMessageHeaders.map((x: { name: string; value: string }) => [x.name, x.value]),
    );
    expect(headers['In-Reply-To']).toBe(d.internetMessageId);
    expect(headers.References).toContain(d.internetMessageId);
    expect(r.body.contentType).toBe('text');
    expect(r.body.content).toContain('Agreed actions');
    expect(r.body.content).toContain('From: Team Manager, Adopt North East');
    expect(r.uniqueBody.content).toBe('Agreed actions: review placement plan by Friday.');
  });

  it('createReply returns a draft on the thread; reply sends at once; both keep the conversation', async () => {
    const d = await draft(people.teamManager, people.newcastlePermanence, 'D-12');
    const incoming = await sendToCounterpart(d);
    await h.admin(
      'POST',
      `/mailboxes/${people.newcastlePermanence}/messages/${encodeURIComponent(incoming.id)}/reply`,
      { comment: 'Not agreed.' },
    );
    const [reply] = (
      await h.graph
        .api(`/users/${people.teamManager}/mailFolders('inbox')/messages`)
        .filter(`conversationId eq '${d.conversationId}'`)
        .get()
    ).value as Message[];
    const ack = await h.graph
      .api(`/users/${people.teamManager}/messages/${reply?.id}/createReply`)
      .post({ comment: 'Acknowledged.' });
    expect(ack).toMatchObject({
      isDraft: true,
      conversationId: d.conversationId,
      subject: 'RE: Dispute D-12: Stage 1',
    });
    expect(ack.toRecipients[0].emailAddress.address).toBe(people.newcastlePermanence);
    await h.graph.api(`/users/${people.teamManager}/messages/${ack.id}/send`).post(null);
    // Exchange sends asynchronously (sendDelayMs): wait until it has gone.
    await h.m365.notifier.idle();
    await h.graph
      .api(`/users/${people.teamManager}/messages/${reply?.id}/reply`)
      .post({ comment: 'And a second note.' });
    const thread = await h.admin<{ value: Message[] }>(
      'GET',
      `/mailboxes/${people.newcastlePermanence}/messages?folder=inbox`,
    );
    const onThread = thread.body.value.filter((m) => m.conversationId === d.conversationId);
    expect(onThread.map((m) => m.subject)).toEqual([
      'RE: Dispute D-12: Stage 1',
      'RE: Dispute D-12: Stage 1',
      'Dispute D-12: Stage 1',
    ]);
  });

  it('accepts mail to an address nobody configured (mailbox created on delivery)', async () => {
    await h.graph.api(`/users/${people.teamManager}/sendMail`).post({
      message: {
        subject: 'Hello',
        body: { contentType: 'text', content: 'hi' },
        toRecipients: [{ emailAddress: { address: 'someone@elsewhere.example' } }],
      },
    });
    const boxes = await h.admin<{ value: { email: string; kind: string }[] }>('GET', '/mailboxes');
    expect(boxes.body.value).toContainEqual(
      expect.objectContaining({ email: 'someone@elsewhere.example', kind: 'ad-hoc' }),
    );
  });

  it("an app cannot send from another tenant's mailbox", async () => {
    const error = await graphError(
      h.graph.api(`/users/${people.gatesheadTeamManager}/messages`).post({ subject: 'x' }),
    );
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('ErrorInvalidUser');
  });
});

describe('mail folders and delta', () => {
  it('serves well-known folders by name and key syntax', async () => {
    const inbox = await h.graph.api(`/users/${people.practitioner}/mailFolders/inbox`).get();
    expect(inbox.displayName).toBe('Inbox');
    const drafts = await h.graph.api(`/users/${people.practitioner}/mailFolders('drafts')/messages`).get();
    expect(drafts.value).toEqual([]);
  });

  it('pages a list with @odata.nextLink', async () => {
    for (let i = 0; i < 3; i++) await draft(people.familyFinder, people.teamManager, `P-${i}`);
    const first = await h.graph.api(`/users/${people.familyFinder}/mailFolders/drafts/messages`).top(2).get();
    expect(first.value).toHaveLength(2);
    expect(first['@odata.nextLink']).toContain('$skip=2');
    const second = await h.graph.api(first['@odata.nextLink']).get();
    expect(second.value).toHaveLength(1);
    expect(second['@odata.nextLink']).toBeUndefined();
  });

  it('delta: initial sync pages with nextLink to a deltaLink; later rounds return only changes', async () => {
    const user = people.headOfService;
    for (let i = 0; i < 3; i++)
      await h.admin('POST', `/mailboxes/${people.gatesheadTeamManager}/send`, {
        to: user,
        subject: `Before ${i}`,
        body: 'x',
      });
    let url: string | undefined = `/users/${user}/mailFolders('inbox')/messages/delta`;
    const seen: string[] = [];
    let deltaLink = '';
    while (url) {
      const page = await h.graph.api(url).header('Prefer', 'odata.maxpagesize=2').select('subject').get();
      seen.push(...page.value.map((m: { subject: string }) => m.subject));
      url = page['@odata.nextLink'];
      deltaLink = page['@odata.deltaLink'] ?? deltaLink;
    }
    expect(seen.sort()).toEqual(['Before 0', 'Before 1', 'Before 2']);
    expect(deltaLink).toContain('$deltatoken=');

    const empty = await h.graph.api(deltaLink).get();
    expect(empty.value).toEqual([]);

    await h.admin('POST', `/mailboxes/${people.gatesheadTeamManager}/send`, {
      to: user,
      subject: 'After',
      body: 'y',
    });
    const changes = await h.graph.api(empty['@odata.deltaLink']).get();
    expect(changes.value.map((m: { subject: string }) => m.subject)).toEqual(['After']);

    // A deletion shows as @removed.
    const after = changes.value[0];
    await h.graph.api(`/users/${user}/messages/${after.id}`).delete();
    const removed = await h.graph.api(changes['@odata.deltaLink']).get();
    expect(removed.value).toEqual([
      expect.objectContaining({ id: after.id, '@removed': { reason: 'deleted' } }),
    ]);
  });

  it('delta: changeType=created and $filter=receivedDateTime ge list only new arrivals, in every round', async () => {
    const user = people.serviceManager;
    const from = people.gatesheadTeamManager;
    await h.admin('POST', '/clock', { advanceMs: -30 * 86_400_000 });
    await h.admin('POST', `/mailboxes/${from}/send`, { to: user, subject: 'Last month', body: 'x' });
    await h.admin('POST', '/clock', { advanceMs: 30 * 86_400_000 });
    await h.admin('POST', `/mailboxes/${from}/send`, { to: user, subject: 'Today', body: 'x' });
    const since = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const first = await h.graph
      .api(`/users/${user}/mailFolders('inbox')/messages/delta`)
      .query({ changeType: 'created' })
      .filter(`receivedDateTime ge ${since}`)
      .select('id,subject,receivedDateTime')
      .get();
    const subjects = first.value.map((m: { subject: string }) => m.subject);
    expect(subjects).toContain('Today');
    expect(subjects).not.toContain('Last month');
    // An update to a message already listed is not a creation.
    const today = first.value.find((m: { subject: string }) => m.subject === 'Today');
    await h.graph.api(`/users/${user}/messages/${today.id}`).patch({ isRead: true });
    await h.admin('POST', `/mailboxes/${from}/send`, { to: user, subject: 'Later', body: 'y' });
    const next = await h.graph.api(first['@odata.deltaLink']).get();
    expect(next.value.map((m: { subject: string }) => m.subject)).toEqual(['Later']);
  });

  it('delta: refuses query options message delta does not support', async () => {
    const base = `/users/${people.serviceManager}/mailFolders('inbox')/messages/delta`;
    const status = (p: Promise<unknown>) =>
      p.then(
        () => 200,
        (e: { statusCode: number }) => e.statusCode,
      );
    expect(await status(h.graph.api(base).filter("subject eq 'x'").get())).toBe(400);
    expect(await status(h.graph.api(base).orderby('subject').get())).toBe(400);
    expect(await status(h.graph.api(base).query({ changeType: 'moved' }).get())).toBe(400);
    expect(await status(h.graph.api(base).orderby('receivedDateTime desc').get())).toBe(200);
  });

  it('delta: an expired sync state answers 410 SyncStateNotFound; a new round works', async () => {
    const user = people.serviceManager;
    const base = `/users/${user}/mailFolders('inbox')/messages/delta`;
    const round = await h.graph.api(base).query({ changeType: 'created' }).get();
    const link = round['@odata.deltaLink'] as string;
    const expired = await h.admin('POST', `/mailboxes/${user}/delta/expire`);
    expect(expired.status).toBe(200);
    const error = await h.graph
      .api(link)
      .get()
      .then(
        () => undefined,
        (e: { statusCode: number; code: string }) => e,
      );
    expect(error).toMatchObject({ statusCode: 410, code: 'SyncStateNotFound' });
    const again = await h.graph.api(base).query({ changeType: 'created' }).get();
    expect(again['@odata.deltaLink']).toContain('$deltatoken=');
  });

  it('marks a message read with PATCH', async () => {
    const [m] = await inboxOf(people.headOfService);
    const patched = await h.graph
      .api(`/users/${people.headOfService}/messages/${m?.id}`)
      .patch({ isRead: true });
    expect(patched.isRead).toBe(true);
  });
});
