/**
 * The same Graph sequence under 20% injected faults (10% 429 with Retry-After, 5% 503, 5% 504, a fixed
 * seed): Stage 1 email, reply, acknowledgement, Stage 3 meeting, decline, re-booking. Each effect is
 * performed the way the outbox worker would (again with the same key until it succeeds). It must end
 * with exactly one email per effect and one live event, and every reply fed once or more (never lost).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, bundledCalendar } from '../../src/domain/calendar/index.ts';
import { DISPUTE_HEADER, DISPUTE_ID_PROPERTY, extendedPropertyFilter } from '../../src/graph/ids.ts';
import type { OutboxEffect, PerformResult } from '../../src/runtime/effect-performer.ts';
import { acknowledgement, type BookMeeting, stage1Email } from '../graph/effects.ts';
import { type GraphWorld, startGraphWorld } from '../graph/world.ts';

let w: GraphWorld;
const ew = bundledCalendar('england-and-wales');

beforeAll(async () => {
  w = await startGraphWorld();
  await w.h.admin('PUT', '/faults', {
    rate429: 0.1,
    rate503: 0.05,
    rate504: 0.05,
    seed: 20261122,
    retryAfterSeconds: 1,
  });
}, 60_000);
afterAll(async () => {
  await w?.close();
});

/**
 * Performs like the outbox: same key, again, until done (at most 10 attempts), after Retry-After. The outbox counts
 * attempts when it claims a row, so performing an effect again after a crash (before it was marked
 * done) is never attempt 1: `from` is 2 then.
 */
async function performUntilDone(
  disputeId: string,
  effect: OutboxEffect,
  from = 1,
): Promise<{ result: PerformResult; attempts: number }> {
  for (let attempt = from; attempt < from + 10; attempt++) {
    const result = await w.performer.perform(effect, { key: effect.key, disputeId, attempt });
    if (result.ok) return { result, attempts: attempt };
    if (!result.retryable) throw new Error(`parked: ${result.error}`);
    // The outbox waits at least Retry-After before the next attempt (a send that may still be on
    // its way answers retry-later for 2 minutes): Concord's clock moves on by that much.
    if (result.retryAfterMs) w.clock.offsetMs += result.retryAfterMs;
  }
  throw new Error('did not complete in 10 attempts');
}

interface AdminMessage {
  id: string;
  subject: string;
  internetMessageId: string;
  internetMessageHeaders: { name: string; value: string }[];
}
const tagged = async (disputeId: string, address: string) =>
  (
    await w.h.admin<{ value: AdminMessage[] }>('GET', `/mailboxes/${address}/messages?folder=inbox`)
  ).value.filter((m) =>
    m.internetMessageHeaders.some((h) => h.name === DISPUTE_HEADER && h.value === disputeId),
  );

const RUNS = [
  ['d-faults-1', 'gateshead-team-manager'],
  ['d-faults-2', 'north-tyneside-team-manager'],
  ['d-faults-3', 'south-tyneside-team-manager'],
] as const;

describe('20% injected faults', () => {
  it.each(RUNS)(
    '%s: the sequence completes with no duplicate email or event',
    async (disputeId, counterpartId) => {
      const start = Date.now();
      const callsBefore = w.h.calls();
      const faultsBefore = (await w.h.admin<{ stats: { injected: number } }>('GET', '/faults')).stats
        .injected;
      const perform = (effect: OutboxEffect) => performUntilDone(disputeId, effect);
      /** The same effect again, as after a crash before it was marked done. */
      const again = (effect: OutboxEffect) => performUntilDone(disputeId, effect, 2);
      const due = addWorkingDays({ calendar: ew, from: new Date(), workingDays: 5 });
      const tm = w.person('ane-team-manager');
      const counterpart = w.person(counterpartId);
      const statement = stage1Email(disputeId, tm, counterpart, {
        due: due.due.toISOString(),
        dueDate: due.dueDate,
      });
      await perform(statement);
      // The outbox may run it again after a crash: still one email.
      await again(statement);
      const inbox1 = await tagged(disputeId, counterpart.email);
      expect(inbox1).toHaveLength(1);

      await w.h.admin(
        'POST',
        `/mailboxes/${counterpart.email}/messages/${encodeURIComponent(inbox1[0]?.id ?? '')}/reply`,
        {
          comment: 'Actions: review by 4 December.',
        },
      );
      // Reads of the reply may hit faults; the queue retries, and delta catch-up is the backstop.
      await w.settle();
      await w.inbound.catchUpAll();
      const reply = w.fed.find((f) => f.event.type === 'reply-received' && f.disputeId === disputeId)
        ?.event as {
        internetMessageId: string;
        conversationId?: string;
      };
      expect(reply).toBeDefined();

      const ack = acknowledgement(disputeId, tm, counterpart, reply);
      await perform(ack);
      await again(ack);
      expect(await tagged(disputeId, counterpart.email)).toHaveLength(2);

      const meeting: BookMeeting = {
        type: 'book-meeting',
        key: `${disputeId}:stage-3:book:1`,
        convener: w.person('ane-assistant-director'),
        attendees: [
          { person: tm, required: true, external: false },
          { person: w.person('ane-service-manager'), required: true, external: false },
          { person: counterpart, required: true, external: true },
        ],
        window: { start: new Date().toISOString(), end: due.due.toISOString() },
        durationMinutes: 60,
        subject: 'ANE dispute ANE-2026-0042: Stage 3 meeting',
        agenda: ['Introductions'],
        avoidStarts: [],
      };
      const first = await perform(meeting);
      await again(meeting);
      const booked = (first.result.ok ? first.result.events?.[0] : undefined) as {
        eventId: string;
        start: string;
      };
      const rebook: BookMeeting = {
        ...meeting,
        key: `${disputeId}:stage-3:book:2`,
        replaces: booked.eventId,
        avoidStarts: [booked.start],
      };
      const second = await perform(rebook);
      await again(rebook);
      const rebooked = (second.result.ok ? second.result.events?.[0] : undefined) as { eventId: string };

      // The replaced event was cancelled (and so left the organiser's calendar); one live event per dispute.
      const live = (
        await w.h.graph.api
          .api('/users/head.of.service@ane.example/events')
          // Ids as Concord stores them (Graph answers REST ids otherwise).
          .header('Prefer', 'IdType="ImmutableId"')
          .filter(extendedPropertyFilter(DISPUTE_ID_PROPERTY, disputeId))
          .select('id,isCancelled')
          .get()
      ).value as { id: string; isCancelled?: boolean }[];
      expect(live.filter((e) => !e.isCancelled).map((e) => e.id)).toEqual([rebooked.eventId]);
      // Sender's side: exactly the two emails (statement, acknowledgement), nothing left in Drafts.
      const sent = (
        await w.h.graph.api
          .api('/users/team.manager@ane.example/messages')
          .filter(extendedPropertyFilter(DISPUTE_ID_PROPERTY, disputeId))
          .select('id,isDraft')
          .get()
      ).value as { isDraft: boolean }[];
      expect(sent.map((m) => m.isDraft)).toEqual([false, false]);
      const faults = await w.h.admin<{ stats: { injected: number; throttled: number } }>('GET', '/faults');
      console.info(
        `fault run ${disputeId}: ${faults.stats.injected - faultsBefore} faults injected, ${faults.stats.throttled} throttled, ` +
          `${w.h.calls() - callsBefore} Graph HTTP requests, ${Date.now() - start} ms; duplicates: 0`,
      );
    },
    120_000,
  );

  it('faults were in fact injected', async () => {
    const faults = await w.h.admin<{ stats: { injected: number } }>('GET', '/faults');
    expect(faults.stats.injected).toBeGreaterThan(3);
  });
});
