/**
 * Issue 5, "Tests (against the local Microsoft 365)": the ANE journey through the real adapters.
 *
 * The whole app (`createApp`: store, runtime with the test clock, directory service, Graph mail,
 * meetings and reply/response tracking, the bot's card sender, the HTTP server with the webhook
 * routes) runs against the local Microsoft 365 emulator. People's decisions go in as the bot puts
 * them in (`runtime.service.applyEvent(…, { source: 'teams' })`, acting as people from
 * directory/sample-ane.json); the partner council's people act through the emulator's admin API
 * (replying on the thread, answering invitations); Teams cards go to a stand-in Bot Connector.
 *
 * Raise → Stage 1 email to the counterpart in Gateshead, the reply (back through the webhook), not
 * agreed with the acknowledgement on the thread → Stage 2 email, no reply, the clock passes the
 * deadline, the no-response prompt, not agreed → Stage 3 meeting booked inside 5 working days, a
 * required counterpart declines, Concord re-books, all accept, the meeting ends, minutes "not
 * resolved" → Stage 4 booked, held, resolved → the written confirmation to all parties. Then the
 * same journey with 20% injected Graph faults, which must end with no duplicate email or event.
 */

import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import type { DisputeEvent, DisputeState, PersonRef } from '../../src/domain/dispute/types.ts';
import {
  DISPUTE_HEADER,
  DISPUTE_ID_PROPERTY,
  EFFECT_KEY_PROPERTY,
  extendedPropertyFilter,
} from '../../src/graph/ids.ts';
import { textOf } from '../bot/harness.ts';
import {
  type AdminEvent,
  type AdminMail,
  addresses,
  type ConcordApp,
  eventInstant,
  startConcordApp,
} from '../support/concord-app.ts';
import { eventually } from '../support/wait.ts';

/** Monday 11 January 2027, 09:30 London (GMT): no bank holiday or ANE closure day in the 20 working days. */
const T0 = '2027-01-11T09:30:00.000Z';
/** Tuesday 19 January 2027, 09:00: the morning after the Stage 2 deadline (end of Monday 18 January). */
const AFTER_STAGE_2_DEADLINE = '2027-01-19T09:00:00.000Z';

const ANE = {
  practitioner: 'ane-practitioner',
  tm: 'ane-team-manager',
  sm: 'ane-service-manager',
  ad: 'ane-assistant-director',
} as const;
const GATESHEAD = {
  tm: 'gateshead-team-manager',
  sm: 'gateshead-service-manager',
  hos: 'gateshead-head-of-service',
  ad: 'gateshead-assistant-director',
} as const;
/** Host mailboxes Concord sends dispute email from. */
const SENDERS = ['team.manager@ane.example', 'service.manager@ane.example', 'head.of.service@ane.example'];

/** What a run found, for the log line and the report. */
interface Figures {
  emails: number;
  emailsByKind: Record<string, number>;
  liveEvents: number;
  /** book-meeting effects performed. */
  bookings: number;
  cards: number;
  outboxAttempts: number;
  /** Effects the outbox had to perform more than once, by type. */
  retried: Record<string, number>;
  ms: number;
  /**
   * Graph HTTP requests Concord made from the raise to the written confirmation (start-up and the
   * test's own reads excluded; a `$batch` counts once), and per stage (the journey has four).
   */
  graphRequests: number;
  graphRequestsPerStage: number;
  /** Requests inside those `$batch`es. */
  batchedRequests: number;
  /** Graph requests by step of the journey (a `$batch` once). */
  graphRequestsByStep: Record<string, number>;
}

let world: ConcordApp | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
}, 30_000);

/** The kind of a Concord email, from its subject (the dispute id is in the header). */
function kindOf(subject: string): string {
  if (/written confirmation/i.test(subject)) return 'written-confirmation';
  const stage = /Stage (\d)/.exec(subject)?.[1] ?? '?';
  return /^RE:/i.test(subject) ? `stage-${stage}-acknowledgement` : `stage-${stage}-statement`;
}

const inAneWorkingHours = (start: Date, end: Date) =>
  start.getUTCHours() >= 9 &&
  end.getUTCHours() * 60 + end.getUTCMinutes() <= 17 * 60 &&
  start.toISOString().slice(0, 10) === end.toISOString().slice(0, 10) &&
  start.getUTCDay() >= 1 &&
  start.getUTCDay() <= 5;

/**
 * Runs the journey for one dispute and checks every step. Returns the figures. Works the same with
 * or without injected faults: every wait polls (with the outbox drained on each look) rather than
 * sleeping, so retries and backoff only make it take longer.
 */
async function runJourney(w: ConcordApp, caseReference: string): Promise<Figures> {
  const started = Date.now();
  const requestsAtStart = w.h.m365.state.requests.length;
  /** Where each step of the journey starts in the emulator's request log, for the breakdown. */
  const steps: { name: string; from: number }[] = [];
  const step = (name: string) => steps.push({ name, from: w.h.m365.state.requests.length - requestsAtStart });
  const ownCallsAtStart = w.h.calls();
  const { app, h, connector } = w;
  const runtime = app.runtime;
  const driver = runtime.driver;
  if (!driver) throw new Error('the app was not started with CLOCK=test');
  const id = randomUUID();
  const person = (pid: string): PersonRef => w.person(pid);
  const tm = person(ANE.tm);
  const sm = person(ANE.sm);
  const ad = person(ANE.ad);
  const gTm = person(GATESHEAD.tm);
  const gSm = person(GATESHEAD.sm);
  const gHos = person(GATESHEAD.hos);
  const gAd = person(GATESHEAD.ad);

  const state = async (): Promise<DisputeState> => {
    const s = await runtime.service.get(id);
    if (!s) throw new Error('no dispute');
    return s;
  };
  /** Performs whatever the outbox has due now, then looks. */
  const settled = async <T>(what: string, probe: () => Promise<T | undefined>) =>
    eventually(
      what,
      async () => {
        await runtime.worker.drain();
        return probe();
      },
      { timeoutMs: 30_000 },
    );
  /** A person's decision, as the bot makes it. */
  const act = async (event: DisputeEvent) => {
    const result = await runtime.service.applyEvent(id, event, {
      source: 'teams',
      ...(event.type === 'raised' ? { procedureId: 'ane' } : {}),
    });
    if (!result.ok) throw new Error(`${event.type} refused: ${refusalText(result.refusal)}`);
    await runtime.worker.drain();
    return result.state;
  };
  const inPhase = (phase: DisputeState['stage']['phase'], stageId: string) =>
    settled(`${stageId} at ${phase}`, async () => {
      const s = await state();
      return s.stage.id === stageId && s.stage.phase === phase ? s : undefined;
    });
  /** A card delivered into the person's Teams chat whose text matches. */
  const cardTo = (personId: string, text: RegExp, after = 0) =>
    settled(`a card to ${personId} matching ${text}`, async () =>
      connector
        .cardsTo(personId)
        .slice(after)
        .find((c) => text.test(textOf(c.card))),
    );
  /** Concord's mail for this dispute in a mailbox's inbox (tagged with the x-concord-dispute header). */
  const disputeMail = async (address: string) =>
    (await w.messages(address, 'inbox')).filter((m) =>
      m.internetMessageHeaders.some((hd) => hd.name.toLowerCase() === DISPUTE_HEADER && hd.value === id),
    );
  const mailTo = (address: string, match: (m: AdminMail) => boolean, what: string) =>
    settled(what, async () => (await disputeMail(address)).find(match));
  const replyAs = (address: string, messageId: string, comment: string) =>
    h.admin(
      'POST',
      `/mailboxes/${encodeURIComponent(address)}/messages/${encodeURIComponent(messageId)}/reply`,
      { comment },
    );
  /** An attendee answers their copy of the organiser's event (matched by iCalUId). */
  const respond = async (address: string, organiserEvent: AdminEvent, response: 'accept' | 'decline') => {
    const copy = await settled(`${address}'s invitation`, async () =>
      (await w.events(address)).find((e) => e.iCalUId === organiserEvent.iCalUId && !e.isCancelled),
    );
    await h.admin(
      'POST',
      `/mailboxes/${encodeURIComponent(address)}/events/${encodeURIComponent(copy.id)}/respond`,
      { response, ...(response === 'decline' ? { comment: 'I am in court that morning.' } : {}) },
    );
    return copy;
  };
  const convenerEvent = (eventId: string) =>
    settled(`event ${eventId} on the convener's calendar`, async () =>
      (await w.events(ad.email)).find((e) => e.id === eventId),
    );
  /** The meeting Concord booked for the stage: on the convener's calendar, in the window, in working hours. */
  const checkMeeting = async (s: DisputeState, expectedAttendees: PersonRef[]): Promise<AdminEvent> => {
    const meeting = s.stage.meeting;
    if (!meeting?.eventId || !s.stage.due) throw new Error('no meeting booked');
    const event = await convenerEvent(meeting.eventId);
    expect(event.isOrganizer).toBe(true);
    expect(event.isCancelled).toBeFalsy();
    expect(event.importance).toBe('high');
    expect(event.isOnlineMeeting).toBe(true);
    expect(event.onlineMeetingProvider).toBe('teamsForBusiness');
    expect(event.onlineMeeting?.joinUrl).toMatch(/^https:\/\//);
    expect(event.subject).toContain(caseReference);
    const start = eventInstant(event.start);
    const end = eventInstant(event.end);
    expect(start.toISOString()).toBe(meeting.start);
    // Inside [the stage's start, the end of its 5th working day], in ANE's working hours (09:00–17:00 GMT).
    expect(start.getTime()).toBeGreaterThanOrEqual(Date.parse(s.stage.startedAt));
    expect(end.getTime()).toBeLessThanOrEqual(Date.parse(s.stage.due));
    expect(inAneWorkingHours(start, end)).toBe(true);
    // Sensible hours: clear of the lunch hour (London is UTC in January).
    const minutes = (d: Date) => d.getUTCHours() * 60 + d.getUTCMinutes();
    expect(minutes(end) <= 12 * 60 || minutes(start) >= 13 * 60).toBe(true);
    expect(end.getTime() - start.getTime()).toBe(60 * 60_000);
    expect(addresses(event.attendees)).toEqual(expectedAttendees.map((p) => p.email.toLowerCase()).sort());
    return event;
  };

  // ── Raise: the practitioner, after the immediate-risk check; the Team Manager decides on Stage 1.
  await driver.advanceTo(new Date(T0));
  const practitioner = person(ANE.practitioner);
  await act({
    type: 'raised',
    disputeId: id,
    by: practitioner,
    immediateRiskChecked: true,
    caseReference,
    raisingOrganisationId: 'ane',
    counterpartOrganisationId: 'gateshead',
    category: 'incomplete-documentation',
    details: {
      issue: 'The child permanence report is incomplete, which delays matching.',
      informalAttempts: 'Raised with the allocated social worker on 4 January 2027; no date given.',
      resolutionSought: 'A completed report within ten working days.',
    },
  });
  // The Team Manager's decision card: review the pre-filled Stage 1 statement, raise it, or accept.
  const decisionCard = await cardTo(tm.id, /Review the Stage 1 email/);
  expect(textOf(decisionCard.card)).toMatch(/Send Stage 1 email[\s\S]*Accept the decision/);
  expect(textOf(decisionCard.card)).toContain(caseReference);

  step('stage1');
  // ── Stage 1: the Team Manager raises it; High Importance email from their mailbox to Gateshead's Team Manager.
  await act({ type: 'decision', by: tm, choice: 'escalate' });
  const stage1 = await mailTo(gTm.email, (m) => /Stage 1/.test(m.subject), 'the Stage 1 email');
  expect(stage1.importance).toBe('high');
  expect(stage1.from?.emailAddress.address.toLowerCase()).toBe(tm.email);
  expect(addresses(stage1.toRecipients)).toEqual([gTm.email]);
  expect(stage1.text).toContain('Please respond by Monday 18 January 2027 (within 5 working days).');
  expect(stage1.text).toContain(caseReference);
  expect(stage1.text).toContain('The child permanence report is incomplete');
  const atStage1 = await inPhase('awaiting-response', 'stage-1');
  expect(atStage1.stage.dueDate).toBe('2027-01-18');
  expect(atStage1.stage.thread[0]?.internetMessageId).toBe(stage1.internetMessageId);

  step('reply');
  // The counterpart replies on the thread; the reply comes back through the webhook as reply-received.
  const notificationsBefore = (await h.admin<{ value: unknown[] }>('GET', '/notifications')).value.length;
  await replyAs(
    gTm.email,
    stage1.id,
    'Actions: the report will be completed by 22 January 2027 (owner: Team Manager, Gateshead).',
  );
  await w.settleInbound();
  const replied = await inPhase('awaiting-acknowledgement', 'stage-1');
  const reply = replied.stage.thread.find((m) => m.kind === 'reply');
  expect(reply?.text).toContain('the report will be completed by 22 January 2027');
  expect(reply?.text).not.toMatch(/Please respond by/); // quoted history stripped
  expect(reply?.conversationId).toBe(stage1.conversationId);
  // It came through the app's webhook (the periodic delta catch-up is off in these tests).
  const deliveries = (await h.admin<{ value: { url: string; status?: number }[] }>('GET', '/notifications'))
    .value;
  expect(
    deliveries
      .slice(notificationsBefore)
      .some((d) => d.url === `${w.url}/api/graph/notifications` && d.status === 202),
  ).toBe(true);
  const reviewCard = await cardTo(tm.id, /the report will be completed by 22 January 2027/);
  expect(textOf(reviewCard.card)).toMatch(/Not agreed/);
  // What the response should include is the response's content (ANE: SMART actions), not the statement's.
  expect(textOf(reviewCard.card)).toMatch(/specific, measurable, achievable, realistic and time-limited/);
  expect(textOf(reviewCard.card)).not.toMatch(/Details of attempts to resolve the problem informally/);

  step('ack');
  // Not agreed: the acknowledgement goes on the same thread, High Importance; the Service Manager decides on Stage 2.
  await act({
    type: 'acknowledged',
    by: tm,
    agreed: false,
    note: 'The date does not meet the matching panel.',
  });
  const ack = await mailTo(gTm.email, (m) => /^RE:/i.test(m.subject), 'the acknowledgement');
  expect(ack.importance).toBe('high');
  expect(ack.from?.emailAddress.address.toLowerCase()).toBe(tm.email);
  expect(addresses(ack.toRecipients)).toEqual([gTm.email]);
  expect(ack.conversationId).toBe(stage1.conversationId);
  expect(ack.text).toMatch(/not agreed/i);
  await cardTo(sm.id, /Review the Stage 2 email/);

  step('stage2');
  // ── Stage 2: between Service Managers; no reply by the deadline.
  await act({ type: 'decision', by: sm, choice: 'escalate' });
  const stage2 = await mailTo(gSm.email, (m) => /Stage 2/.test(m.subject), 'the Stage 2 email');
  expect(stage2.importance).toBe('high');
  expect(stage2.from?.emailAddress.address.toLowerCase()).toBe(sm.email);
  expect(addresses(stage2.toRecipients)).toEqual([gSm.email]);
  expect(stage2.text).toContain('Please respond by Monday 18 January 2027 (within 5 working days).');
  await inPhase('awaiting-response', 'stage-2');

  const advanced = await driver.advanceTo(new Date(AFTER_STAGE_2_DEADLINE));
  expect(advanced.fired.some((f) => f.kind === 'stage-deadline' && f.stageId === 'stage-2')).toBe(true);
  const overdue = await state();
  expect(overdue.stage.overdue).toBe(true);
  expect(overdue.stage.awaiting?.id).toBe(sm.id);
  const prompt = await cardTo(sm.id, /No response by the deadline/);
  expect(textOf(prompt.card)).toMatch(/Chase/);

  // Not agreed (no reply: no acknowledgement email); the Assistant Director / Head of Service decides on Stage 3.
  await act({ type: 'acknowledged', by: sm, agreed: false });
  await cardTo(ad.id, /Decide whether to raise Formal Resolution Process – Stage 3/);

  step('stage3');
  // ── Stage 3: a meeting booked at once on the convener's calendar, inside 5 working days.
  await act({ type: 'decision', by: ad, choice: 'escalate' });
  const booked3 = await inPhase('meeting-booked', 'stage-3');
  expect(booked3.stage.startedAt).toBe(AFTER_STAGE_2_DEADLINE);
  expect(booked3.stage.dueDate).toBe('2027-01-26');
  const stage3Attendees = [tm, sm, gTm, gSm, gHos];
  const first3 = await checkMeeting(booked3, stage3Attendees);
  // Escalated at 09:00: never inside the next working half-day, so 13:00 that day at the earliest.
  expect(eventInstant(first3.start).getTime()).toBeGreaterThanOrEqual(Date.parse('2027-01-19T13:00:00.000Z'));
  await cardTo(ad.id, /resolution meeting is booked/);

  step('decline');
  // A required counterpart declines: Concord cancels that event and books another slot.
  await respond(gTm.email, first3, 'decline');
  await w.settleInbound();
  const rebooked = await settled('the re-booked Stage 3 meeting', async () => {
    const s = await state();
    const m = s.stage.meeting;
    return s.stage.phase === 'meeting-booked' && m?.attempts === 2 && m.eventId !== first3.id ? s : undefined;
  });
  const second3 = await checkMeeting(rebooked, stage3Attendees);
  expect(second3.id).not.toBe(first3.id);
  expect(eventInstant(second3.start).getTime()).not.toBe(eventInstant(first3.start).getTime());
  expect(rebooked.stage.meeting?.declinedSlots).toEqual([eventInstant(first3.start).toISOString()]);
  // The old event is gone from the convener's calendar; each invitee's copy of it is cancelled.
  expect((await w.events(ad.email)).some((e) => e.id === first3.id)).toBe(false);
  for (const p of stage3Attendees) {
    const copies = (await w.events(p.email)).filter((e) => e.iCalUId === first3.iCalUId);
    expect(copies.map((c) => c.isCancelled)).toEqual([true]);
  }
  await cardTo(ad.id, /declined/);

  step('accept3');
  // Everyone accepts the new time.
  for (const p of stage3Attendees) await respond(p.email, second3, 'accept');
  await w.settleInbound();
  await settled('every Stage 3 acceptance recorded', async () => {
    const s = await state();
    return s.stage.meeting?.attendees.every((a) => a.response === 'accepted') ? s : undefined;
  });
  const accepted3 = await convenerEvent(second3.id);
  expect(accepted3.attendees.every((a) => a.status?.response === 'accepted')).toBe(true);

  step('end3');
  // The meeting ends: the convener is asked for the minutes and the outcome.
  const cardsToAdBeforeOutcome = connector.cardsTo(ad.id).length;
  const ended3 = await driver.advanceTo(new Date(eventInstant(second3.end).getTime() + 60_000));
  expect(ended3.fired.filter((f) => f.kind === 'meeting-end').map((f) => [f.stageId, f.outcome])).toEqual([
    ['stage-3', 'applied'],
  ]);
  const held3 = await inPhase('awaiting-outcome', 'stage-3');
  expect(held3.stage.meeting?.status).toBe('held');
  expect(held3.stage.awaiting?.id).toBe(ad.id);
  const outcomeCard3 = await cardTo(ad.id, /Concord: record the outcome/, cardsToAdBeforeOutcome);
  expect(textOf(outcomeCard3.card)).toMatch(/Minutes of the meeting/);
  await act({
    type: 'outcome-recorded',
    by: ad,
    resolved: false,
    summary: 'Not resolved: no agreed date for the report.',
    minutes: 'Stage 3 meeting held. The report is still incomplete; no date agreed.',
  });
  await cardTo(ad.id, /Decide whether to raise Formal Resolution Process – Stage 4/);

  step('stage4');
  // ── Stage 4: the Assistant Director with their counterpart, booked within 5 working days.
  await act({ type: 'decision', by: ad, choice: 'escalate' });
  const booked4 = await inPhase('meeting-booked', 'stage-4');
  expect(booked4.stage.dueDate).toBe('2027-01-26');
  const stage4 = await checkMeeting(booked4, [gAd]);
  for (const p of [gAd]) await respond(p.email, stage4, 'accept');
  await w.settleInbound();
  await settled('the Stage 4 acceptance recorded', async () => {
    const s = await state();
    return s.stage.meeting?.attendees.every((a) => a.response === 'accepted') ? s : undefined;
  });
  const cardsToAdBefore4 = connector.cardsTo(ad.id).length;
  await driver.advanceTo(new Date(eventInstant(stage4.end).getTime() + 60_000));
  await inPhase('awaiting-outcome', 'stage-4');
  await cardTo(ad.id, /Concord: record the outcome/, cardsToAdBefore4);
  await act({
    type: 'outcome-recorded',
    by: ad,
    resolved: true,
    summary: 'Resolved: the report will be completed by 29 January 2027.',
    minutes: 'Stage 4 meeting held with the Assistant Director, Gateshead.',
    actions: [
      {
        description: 'Complete the child permanence report',
        owner: 'Team Manager, Gateshead',
        dueDate: '2027-01-29',
      },
    ],
  });

  step('close');
  // ── Close: the written confirmation of the outcome goes to all parties.
  const confirmation = await mailTo(
    gAd.email,
    (m) => /written confirmation/i.test(m.subject),
    'the written confirmation',
  );
  expect(confirmation.importance).toBe('high');
  expect(confirmation.from?.emailAddress.address.toLowerCase()).toBe(ad.email);
  expect(addresses(confirmation.toRecipients)).toEqual([gAd.email, gHos.email, gSm.email, gTm.email].sort());
  expect(addresses(confirmation.ccRecipients)).toEqual(
    expect.arrayContaining([practitioner.email, tm.email, sm.email]),
  );
  expect(confirmation.text).toContain('the report will be completed by 29 January 2027');
  for (const p of [gTm, gSm, gHos, practitioner, tm, sm])
    await mailTo(p.email, (m) => m.internetMessageId === confirmation.internetMessageId, `${p.email}'s copy`);
  const final = await settled('the resolved dispute with nothing left to do', async () => {
    const s = await state();
    const pending = await runtime.store.db
      .selectFrom('outbox')
      .select('key')
      .where('dispute_id', '=', id)
      .where('status', '!=', 'done')
      .execute();
    return s.status === 'resolved' && pending.length === 0 ? s : undefined;
  });
  expect(final.outcomes.map((o) => [o.stageId, o.resolved])).toEqual([
    ['stage-1', false],
    ['stage-2', false],
    ['stage-3', false],
    ['stage-4', true],
  ]);
  await cardTo(final.owner.id, /Dispute resolved/);

  step('count');
  // ── Count: per dispute, one email per send-email effect and one live event per meeting stage.
  await h.admin('PUT', '/faults', { rate429: 0, rate503: 0, rate504: 0 });
  const outbox = await runtime.store.db
    .selectFrom('outbox')
    .select(['key', 'type', 'status', 'attempts'])
    .where('dispute_id', '=', id)
    .execute();
  expect(outbox.filter((r) => r.status !== 'done')).toEqual([]);
  const emailKeys = outbox
    .filter((r) => r.type === 'send-email')
    .map((r) => r.key)
    .sort();
  // Sender side: every tagged item is sent (no draft left), one per effect key.
  // Concord's Graph requests, before the checks below make the test's own.
  const served = w.h.m365.state.requests.slice(requestsAtStart);
  // Requests per step ($batch once), and with DUMP_GRAPH_REQUESTS=<file> every request, for docs/graph.md.
  const graphRequestsByStep: Record<string, number> = {};
  steps.forEach((s, i) => {
    const slice = served.slice(s.from, steps[i + 1]?.from ?? served.length);
    graphRequestsByStep[s.name] = slice.filter((r) => !r.batched).length;
  });
  const dump = process.env.DUMP_GRAPH_REQUESTS;
  if (dump) writeFileSync(dump, JSON.stringify({ steps, served }, null, 1));
  const graphRequests = served.filter((r) => !r.batched).length - (w.h.calls() - ownCallsAtStart);
  const batchedRequests = served.filter((r) => r.batched).length;
  const sentKeys: string[] = [];
  for (const mailbox of SENDERS) {
    const items = (
      await h.graph.api
        .api(`/users/${mailbox}/messages`)
        .filter(extendedPropertyFilter(DISPUTE_ID_PROPERTY, id))
        .expand(`singleValueExtendedProperties($filter=id eq '${EFFECT_KEY_PROPERTY}')`)
        .select('id,isDraft,subject')
        .top(100)
        .get()
    ).value as { isDraft: boolean; singleValueExtendedProperties?: { value: string }[] }[];
    for (const item of items) {
      expect(item.isDraft).toBe(false);
      sentKeys.push(item.singleValueExtendedProperties?.[0]?.value ?? '');
    }
  }
  expect(sentKeys.sort()).toEqual(emailKeys);
  // Recipient side: by the x-concord-dispute header and kind, each recipient got each email once.
  const emailsByKind: Record<string, number> = {};
  const recipientCopies = new Map<string, number>();
  const everyone = [gTm, gSm, gHos, gAd, practitioner, tm, sm, ad];
  for (const p of everyone) {
    for (const m of await disputeMail(p.email)) {
      const key = `${p.email}|${kindOf(m.subject)}`;
      recipientCopies.set(key, (recipientCopies.get(key) ?? 0) + 1);
    }
  }
  expect([...recipientCopies.entries()].filter(([, n]) => n > 1)).toEqual([]);
  const distinct = new Map<string, string>();
  for (const p of everyone)
    for (const m of await disputeMail(p.email)) distinct.set(m.internetMessageId ?? m.id, kindOf(m.subject));
  for (const kind of distinct.values()) emailsByKind[kind] = (emailsByKind[kind] ?? 0) + 1;
  expect(emailsByKind).toEqual({
    'stage-1-statement': 1,
    'stage-1-acknowledgement': 1,
    'stage-2-statement': 1,
    'written-confirmation': 1,
  });
  // Events: on the convener's calendar, one live event per meeting stage; none for the declined slot.
  const live = (
    await h.graph.api
      .api(`/users/${ad.email}/events`)
      // Ids as Concord stores them (Graph answers REST ids otherwise).
      .header('Prefer', 'IdType="ImmutableId"')
      .filter(extendedPropertyFilter(DISPUTE_ID_PROPERTY, id))
      .select('id,subject,isCancelled')
      .top(100)
      .get()
  ).value as { id: string; subject: string; isCancelled?: boolean }[];
  expect(
    live
      .filter((e) => !e.isCancelled)
      .map((e) => e.id)
      .sort(),
  ).toEqual([second3.id, stage4.id].sort());
  // Each invitee holds one live copy per meeting stage.
  for (const p of [...stage3Attendees, gAd]) {
    const copies = (await w.events(p.email)).filter(
      (e) => !e.isCancelled && e.subject.includes(caseReference),
    );
    const perStage = new Map<string, number>();
    for (const c of copies) {
      const stage = /Stage (\d)/.exec(c.subject)?.[1] ?? '?';
      perStage.set(stage, (perStage.get(stage) ?? 0) + 1);
    }
    expect([...perStage.values()].every((n) => n === 1)).toBe(true);
  }
  const bookings = outbox.filter((r) => r.type === 'book-meeting');
  expect(bookings).toHaveLength(3); // Stage 3, its re-booking, Stage 4

  // The record shows the reply came in by email and the responses from the calendar.
  const audit = await runtime.store.db
    .selectFrom('audit')
    .select(['source', 'event'])
    .where('dispute_id', '=', id)
    .orderBy('seq')
    .execute();
  const sourcesOf = (type: string) =>
    audit.filter((a) => (a.event as { type: string }).type === type).map((a) => a.source);
  expect(sourcesOf('reply-received')).toEqual(['email']);
  expect(sourcesOf('meeting-response').every((s) => s === 'calendar')).toBe(true);
  expect(sourcesOf('meeting-response').length).toBeGreaterThanOrEqual(stage3Attendees.length + 2);
  expect(sourcesOf('decision')).toEqual(['teams', 'teams', 'teams', 'teams']);

  const retried: Record<string, number> = {};
  for (const r of outbox) if (r.attempts > 1) retried[r.type] = (retried[r.type] ?? 0) + 1;
  return {
    emails: distinct.size,
    emailsByKind,
    liveEvents: live.filter((e) => !e.isCancelled).length,
    bookings: bookings.length,
    cards: connector.cards().filter((c) => c.method === 'POST').length,
    outboxAttempts: outbox.reduce((n, r) => n + r.attempts, 0),
    retried,
    ms: Date.now() - started,
    graphRequests,
    graphRequestsPerStage: Math.round((graphRequests / 4) * 10) / 10,
    batchedRequests,
    graphRequestsByStep,
  };
}

describe('the ANE journey through the real adapters and the local Microsoft 365', () => {
  it('Stage 1 email, reply and acknowledgement; Stage 2; Stage 3 booked, declined and re-booked; Stage 4; written confirmation', async () => {
    world = await startConcordApp();
    const figures = await runJourney(world, 'ANE-2027-0042');
    // Teams cards went only to people in the host tenant (the counterparts are reached by email):
    // the decision and review cards to the Team Manager, the no-response prompt to the Service
    // Manager, the meeting and minutes cards to the convener (each checked in the journey).
    const recipients = new Set(world.connector.cards().map((c) => c.personId));
    expect([...recipients].sort()).toEqual([ANE.ad, ANE.sm, ANE.tm].sort());
    console.info(`[ane-journey] no faults: ${JSON.stringify(figures)}`);
    expect(figures.emails).toBe(4);
    expect(figures.liveEvents).toBe(2);
    // Graph requests per stage, start-up excluded: 5.0 to 5.3 when last measured (20 to 21 requests;
    // how many notifications share a read depends on timing), 5.8 to 6.0 before the notification
    // queue let a read window hold more than 4 notifications and a $batch hold more than 4 requests
    // for one mailbox, 8.0 before messages and events shared a read window and a reply was tagged and
    // sent in one batch, 12 before notifications were read together. The issue's target is 4; what
    // remains and why: docs/graph.md "Fewer calls".
    expect(figures.graphRequestsPerStage).toBeLessThanOrEqual(5.5);
  }, 180_000);

  it('completes with 20% injected faults, with no duplicate email or event', async () => {
    world = await startConcordApp();
    // 429 (with Retry-After) 10%, 503 5%, 504 5% of every Graph request from here on, repeatably.
    await world.h.admin('PUT', '/faults', {
      rate429: 0.1,
      rate503: 0.05,
      rate504: 0.05,
      seed: 20270111,
      retryAfterSeconds: 1,
    });
    // Count the Graph requests the faults were drawn for (the emulator rolls once per request).
    const controller = world.h.m365.faults;
    const pick = controller.pick.bind(controller);
    const statuses: number[] = [];
    let requests = 0;
    controller.pick = (method, path) => {
      const fault = pick(method, path);
      if (controller.config().rate429 > 0) {
        requests += 1;
        if (fault) statuses.push(fault.status);
      }
      return fault;
    };
    // And, so that the outbox itself must try again with the same key, two faults that outlast the
    // Graph client's own retries (4 × 503): the first send of a draft already created (Stage 1), and
    // the first creation of an event (Stage 3).
    await world.h.admin('POST', '/faults/fail-next', {
      status: 503,
      count: 4,
      pathContains: '/send',
      method: 'POST',
    });
    await world.h.admin('POST', '/faults/fail-next', {
      status: 503,
      count: 4,
      pathContains: '/events',
      method: 'POST',
    });
    const figures = await runJourney(world, 'ANE-2027-0043');
    expect(figures.retried['send-email']).toBeGreaterThanOrEqual(1);
    expect(figures.retried['book-meeting']).toBeGreaterThanOrEqual(1);
    const count = (status: number) => statuses.filter((s) => s === status).length;
    console.info(
      `[ane-journey] 20% faults: ${statuses.length} of ${requests} Graph requests failed ` +
        `(429: ${count(429)}, 503: ${count(503)}, 504: ${count(504)}); ${JSON.stringify(figures)}`,
    );
    expect(statuses.length).toBeGreaterThan(5);
    expect(statuses.length / requests).toBeGreaterThan(0.1);
    expect(figures.emails).toBe(4);
    expect(figures.liveEvents).toBe(2);
  }, 240_000);
});
