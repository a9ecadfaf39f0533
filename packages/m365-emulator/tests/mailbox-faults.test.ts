/**
 * Per-mailbox faults: a mailbox outside the app's Exchange RBAC for Applications scope answers 403
 * `ErrorAccessDenied`, one without an Exchange Online mailbox 404 `MailboxNotEnabledForRESTAPI`, on
 * every mailbox-scoped route (and subscriptions on it), while its directory entry and every other
 * mailbox answer as usual.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseFaultsJson } from '../src/faults.ts';
import { graphError, type Harness, people, type Receiver, startHarness, startReceiver } from './helpers.ts';

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
afterEach(async () => {
  await h.admin('PUT', '/faults', { mailboxes: {} });
});

const subscribe = (mailbox: string) =>
  h.graph.api('/subscriptions').post({
    changeType: 'created',
    notificationUrl: `${receiver.url}/api/graph/notifications`,
    resource: `users/${mailbox}/mailFolders('inbox')/messages`,
    expirationDateTime: new Date(Date.now() + 60 * 60_000).toISOString(),
    clientState: 'state',
  });

describe.each([
  ['access-denied', 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'],
  [
    'not-enabled',
    404,
    'MailboxNotEnabledForRESTAPI',
    'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
  ],
] as const)('a mailbox that is %s', (fault, status, code, message) => {
  it("answers Microsoft's status, code and message on every mailbox-scoped route", async () => {
    await h.admin('PUT', '/faults', { mailboxes: { [people.teamManager]: fault } });
    const mailbox = `/users/${people.teamManager}`;
    // One call at a time: a call started before the previous one is awaited can be refused before
    // anything listens for it (an unhandled rejection), now that connections are kept alive.
    for (const call of [
      () => h.graph.api(`${mailbox}/messages`).get(),
      () => h.graph.api(`${mailbox}/mailFolders('inbox')/messages/delta`).get(),
      () => h.graph.api(`${mailbox}/events`).get(),
      () => h.graph.api(`${mailbox}/messages`).post({ subject: 'x' }),
      () =>
        h.graph.api(`${mailbox}/calendar/getSchedule`).post({
          schedules: [people.teamManager],
          startTime: { dateTime: '2027-01-04T09:00:00', timeZone: 'UTC' },
          endTime: { dateTime: '2027-01-04T17:00:00', timeZone: 'UTC' },
        }),
    ])
      expect(await graphError(call())).toMatchObject({ statusCode: status, code, message });
    // By object id too.
    const id = h.m365.state.find(people.teamManager)?.id;
    expect(await graphError(h.graph.api(`/users/${id}/messages`).get())).toMatchObject({
      statusCode: status,
    });
    // Inside $batch, as an inner response.
    const batch = (await h.graph.api('/$batch').post({
      requests: [{ id: '1', method: 'GET', url: `${mailbox}/messages` }],
    })) as { responses: { status: number; body: { error: { code: string } } }[] };
    expect(batch.responses[0]).toMatchObject({ status, body: { error: { code } } });
  });

  it('refuses a subscription on it (ExtensionError with the same status), and its renewal', async () => {
    const sub = (await subscribe(people.teamManager)) as { id: string };
    await h.admin('PUT', '/faults', { mailboxes: { [people.teamManager]: fault } });
    const create = await graphError(subscribe(people.teamManager));
    expect(create).toMatchObject({ statusCode: status, code: 'ExtensionError' });
    expect(create.message).toContain(code);
    const renew = await graphError(
      h.graph
        .api(`/subscriptions/${sub.id}`)
        .patch({ expirationDateTime: new Date(Date.now() + 2 * 60 * 60_000).toISOString() }),
    );
    expect(renew).toMatchObject({ statusCode: status, code: 'ExtensionError' });
  });

  it('leaves its directory entry and every other mailbox alone', async () => {
    await h.admin('PUT', '/faults', { mailboxes: { [people.teamManager]: fault } });
    const user = (await h.graph.api(`/users/${people.teamManager}`).select('id,mail').get()) as {
      mail: string;
    };
    expect(user.mail).toBe(people.teamManager);
    await expect(h.graph.api(`/users/${people.serviceManager}/messages`).get()).resolves.toBeTruthy();
    await expect(subscribe(people.serviceManager)).resolves.toBeTruthy();
  });
});

describe('fault configuration', () => {
  it('parses EMULATOR_FAULTS / --faults JSON and says what is wrong with a bad one', () => {
    expect(parseFaultsJson('{"mailboxes":{"Team.Manager@ane.example":"access-denied"}}')).toEqual({
      mailboxes: { 'team.manager@ane.example': 'access-denied' },
    });
    expect(() => parseFaultsJson('{mailboxes')).toThrow(/not JSON/);
    expect(() => parseFaultsJson('[]')).toThrow(/JSON object/);
    expect(() => parseFaultsJson('{"mailbox":{}}')).toThrow(/unknown fault "mailbox"/);
    expect(() => parseFaultsJson('{"mailboxes":{"a@b.example":"denied"}}')).toThrow(
      /faults.mailboxes\["a@b.example"\]: "denied" is not one of "access-denied", "not-enabled"/,
    );
  });

  it('refuses a bad mailbox fault through the admin API with 400', async () => {
    const res = await fetch(`${h.m365.adminUrl}/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mailboxes: { [people.teamManager]: 'nope' } }),
    });
    expect(res.status).toBe(400);
  });
});
