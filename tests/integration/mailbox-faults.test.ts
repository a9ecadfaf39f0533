/**
 * One bad mailbox never stops the service. The whole of Concord (createApp, the real Graph client)
 * against the local Microsoft 365 with one mailbox answering as a real council tenant does when it is
 * outside the app's Exchange RBAC for Applications scope (403 ErrorAccessDenied) or has no Exchange
 * Online mailbox (404 MailboxNotEnabledForRESTAPI): Concord starts, serves, says which mailbox and why
 * (in /readyz and a log line), subscribes every other mailbox, and a later renewal failure of one
 * mailbox leaves the others' renewals done.
 */
import { Writable } from 'node:stream';
import type { MailboxFault } from '@concord/m365-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/index.ts';
import { type ConcordApp, startConcordApp } from '../support/concord-app.ts';

const MANAGER = 'team.manager@ane.example';

interface AdminSubscription {
  id: string;
  resource: string;
  expirationDateTime: string;
}

function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: createLogger({ level: 'info', destination }) };
}

async function subscriptions(world: ConcordApp): Promise<AdminSubscription[]> {
  return (await world.h.admin<{ value: AdminSubscription[] }>('GET', '/subscriptions')).value;
}

/** The mailbox a subscription's resource names (`users/{id}/…`), as an address. */
function mailboxOf(world: ConcordApp, resource: string): string {
  const key = decodeURIComponent(/users\/([^/]+)/i.exec(resource)?.[1] ?? '');
  return world.h.m365.state.find(key)?.email ?? key;
}

let world: ConcordApp | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe.each<[MailboxFault, number, string]>([
  ['access-denied', 403, 'ErrorAccessDenied'],
  ['not-enabled', 404, 'MailboxNotEnabledForRESTAPI'],
])('a manager mailbox that is %s', (fault, status, code) => {
  it('starts, serves, reports that one mailbox and subscribes every other', async () => {
    const { lines, log } = capturedLog();
    let offsetMs = 0;
    world = await startConcordApp({
      emulator: { faults: { mailboxes: { [MANAGER]: fault } } },
      graphNow: () => new Date(Date.now() + offsetMs),
      log,
    });

    // The emulator answers Microsoft's status and code on the mailbox's own routes.
    const direct = await world.h.graph.api
      .api(`/users/${MANAGER}/mailFolders('inbox')/messages`)
      .get()
      .catch((e: { statusCode: number; code: string }) => e);
    expect(direct).toMatchObject({ statusCode: status, code });

    const watched = world.app.directory.watchedMailboxes();
    const subscribed = (await subscriptions(world)).map((s) => ({
      mailbox: mailboxOf(world as ConcordApp, s.resource),
      kind: /events/i.test(s.resource) ? 'events' : 'inbox',
    }));
    for (const mailbox of watched.filter((m) => m !== MANAGER)) {
      expect(subscribed).toContainEqual({ mailbox, kind: 'inbox' });
      expect(subscribed).toContainEqual({ mailbox, kind: 'events' });
    }
    expect(subscribed.filter((s) => s.mailbox === MANAGER)).toEqual([]);

    // Readiness stays 200; the detail names the mailbox, the task and the reason.
    const ready = await fetch(`${world.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as {
      status: string;
      mailboxes: { failing: number; problems: { mailbox: string; task: string; kind: string }[] };
    };
    expect(body.status).toBe('ready');
    expect(body.mailboxes.failing).toBe(1);
    const kind = fault === 'access-denied' ? 'access-denied' : 'mailbox-not-enabled';
    expect(body.mailboxes.problems.map((p) => [p.mailbox, p.task, p.kind]).sort()).toEqual(
      [
        [MANAGER, 'delta', kind],
        [MANAGER, 'events', kind],
        [MANAGER, 'inbox', kind],
      ].sort(),
    );
    const logged = lines.filter((l) => l.mailbox === MANAGER && l.kind === kind);
    expect(logged.length).toBeGreaterThanOrEqual(3);
    expect(String(logged[0]?.msg)).toContain(MANAGER);

    // The fault is lifted (say the RBAC assignment applied): the retry subscribes it, /readyz clears.
    world.h.m365.faults.update({ mailboxes: {} });
    offsetMs = 60 * 60_000; // past the first backoff (at most 30 s, with jitter)
    expect(await world.app.inbound.retryDue()).toBe(3);
    expect(world.app.inbound.problems()).toEqual([]);
    const after = (await subscriptions(world)).map((s) => mailboxOf(world as ConcordApp, s.resource));
    expect(after.filter((m) => m === MANAGER)).toHaveLength(2);
  }, 150_000);
});

describe('renewal', () => {
  it("one mailbox's failing renewal does not stop the others' renewals", async () => {
    let offsetMs = 0;
    world = await startConcordApp({ graphNow: () => new Date(Date.now() + offsetMs) });
    const before = new Map((await subscriptions(world)).map((s) => [s.id, s.expirationDateTime]));
    expect(before.size).toBe(2 * world.app.directory.watchedMailboxes().length);
    // The first mailbox renewed is the practitioner's: a failure there used to stop every later one.
    const first = 'practitioner@ane.example';
    expect(world.app.directory.watchedMailboxes()[0]).toBe(first);
    world.h.m365.faults.update({ mailboxes: { [first]: 'access-denied' } });
    offsetMs = 49 * 60 * 60_000; // inside the renew-within day of the 70-hour lifetime

    const result = await world.app.inbound.renewDue();
    expect(result.failed).toBe(2); // its inbox and its events
    expect(result.renewed).toBe(before.size - 2);

    for (const sub of await subscriptions(world)) {
      const mailbox = mailboxOf(world, sub.resource);
      if (mailbox === first) expect(sub.expirationDateTime).toBe(before.get(sub.id));
      else expect(Date.parse(sub.expirationDateTime)).toBeGreaterThan(Date.parse(before.get(sub.id) ?? ''));
    }
    expect(world.app.inbound.problems().map((p) => [p.mailbox, p.kind, p.parked])).toEqual([
      [first, 'access-denied', false],
      [first, 'access-denied', false],
    ]);
  }, 150_000);
});
