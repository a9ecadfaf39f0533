/**
 * Mailbox health: what each Graph answer means, backoff between attempts, a fresh 403 kept
 * retry-later through the RBAC grace period, parking after that, and recovery.
 */
import { describe, expect, it } from 'vitest';
import { GraphStatusError } from '../../src/graph/errors.ts';
import { createMailboxHealth, problemKindOf } from '../../src/graph/mailbox-health.ts';
import { silentLogger } from '../../src/log/index.ts';

const denied = new GraphStatusError(403, 'ErrorAccessDenied', 'Access is denied.');
const policy = { baseMs: 1_000, maxMs: 60_000, maxAttempts: 3 };

function health(options: { rbacGraceMs?: number } = {}) {
  let now = Date.parse('2027-01-04T09:00:00Z');
  const h = createMailboxHealth({
    now: () => new Date(now),
    log: silentLogger(),
    policy,
    random: () => 1,
    parkedRetryMs: 6 * 3_600_000,
    ...options,
  });
  return { h, advance: (ms: number) => (now += ms), at: () => now };
}

describe('problemKindOf', () => {
  it.each([
    [denied, 'access-denied'],
    [new GraphStatusError(404, 'MailboxNotEnabledForRESTAPI', 'inactive'), 'mailbox-not-enabled'],
    [
      new GraphStatusError(404, 'ExtensionError', 'Reason: MailboxNotEnabledForRESTAPI: inactive'),
      'mailbox-not-enabled',
    ],
    [new GraphStatusError(404, 'Request_ResourceNotFound', 'no such user'), 'mailbox-not-found'],
    [new GraphStatusError(410, 'SyncStateNotFound', 'expired'), 'delta-expired'],
    [new GraphStatusError(503, 'serviceNotAvailable', 'busy'), 'transient'],
    [new TypeError('fetch failed'), 'transient'],
  ])('%s → %s', (error, kind) => {
    expect(problemKindOf(error).kind).toBe(kind);
  });
});

describe('createMailboxHealth', () => {
  it('backs off, doubling up to the cap, per mailbox and task', () => {
    const { h, at } = health({ rbacGraceMs: 0 });
    const first = h.failed('a@x.example', 'inbox', new GraphStatusError(503, 'busy', 'busy'));
    expect(Date.parse(first.nextAttemptAt) - at()).toBe(1_000);
    const second = h.failed('a@x.example', 'inbox', new GraphStatusError(503, 'busy', 'busy'));
    expect(Date.parse(second.nextAttemptAt) - at()).toBe(2_000);
    expect(second.since).toBe(first.since);
    h.failed('b@x.example', 'events', denied);
    expect(h.list()).toHaveLength(2);
    expect(h.due()).toEqual([]);
  });

  it('keeps a fresh 403 retry-later through the grace period, then parks it', () => {
    const { h, advance, at } = health({ rbacGraceMs: 2 * 3_600_000 });
    for (let i = 0; i < 5; i++) expect(h.failed('a@x.example', 'inbox', denied).parked).toBe(false);
    advance(2 * 3_600_000);
    const parked = h.failed('a@x.example', 'inbox', denied);
    expect(parked.parked).toBe(true);
    expect(Date.parse(parked.nextAttemptAt) - at()).toBe(6 * 3_600_000);
  });

  it('parks any other failure after maxAttempts, and clears on success', () => {
    const { h, advance } = health();
    const notEnabled = new GraphStatusError(404, 'MailboxNotEnabledForRESTAPI', 'inactive');
    h.failed('a@x.example', 'delta', notEnabled);
    h.failed('a@x.example', 'delta', notEnabled);
    expect(h.failed('a@x.example', 'delta', notEnabled).parked).toBe(true);
    advance(6 * 3_600_000);
    expect(h.due().map((p) => p.mailbox)).toEqual(['a@x.example']);
    h.succeeded('A@x.example', 'delta');
    expect(h.list()).toEqual([]);
  });
});
