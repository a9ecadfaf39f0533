/**
 * Issue 12, "Meetings worth accepting", through the whole app (`createApp`) against the local
 * Microsoft 365 with the test clock: ANE walked to Stage 3 with no replies (each deadline passes and
 * the manager escalates), the Assistant Director escalating at 09:00.
 * - The meeting is never inside the next working half-day: booked at 09:00, it starts at 13:00 or
 *   later, clear of the lunch hour.
 * - "Move" offers slots on at least three different days.
 * - The invitation every attendee receives carries the case: reference, procedure, stage, what the
 *   procedure asks of the meeting, the date it must happen by, the category's label, the issue and
 *   the resolution sought (escaped), and says it is a Teams meeting the procedure also allows in person.
 * - The other agency says which time suits them, as Graph documents it: declining with a
 *   `proposedNewTime` inside the window re-books at that time; a tentative answer with one offers it
 *   to the convener first.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import { londonDay } from '../../src/domain/calendar/index.ts';
import type { DisputeEvent, DisputeState } from '../../src/domain/dispute/types.ts';
import { textOf } from '../bot/harness.ts';
import { type AdminEvent, type ConcordApp, eventInstant, startConcordApp } from '../support/concord-app.ts';
import { eventually } from '../support/wait.ts';

/** Monday 11 January 2027, 09:30 London (GMT). */
const T0 = '2027-01-11T09:30:00.000Z';
/** Tuesday 19 January 2027, 09:00: after the Stage 1 deadline (end of Monday 18 January). */
const AFTER_STAGE_1 = '2027-01-19T09:00:00.000Z';
/** Wednesday 27 January 2027, 09:00: after the Stage 2 deadline (end of Tuesday 26 January). */
const AFTER_STAGE_2 = '2027-01-27T09:00:00.000Z';
const CASE = 'ANE-2027-0107';

let w: ConcordApp;
const id = randomUUID();

beforeAll(async () => {
  w = await startConcordApp();
}, 60_000);
afterAll(async () => {
  await w?.close();
}, 30_000);

const state = async (): Promise<DisputeState> => {
  const s = await w.app.runtime.service.get(id);
  if (!s) throw new Error('no dispute');
  return s;
};
const settled = <T>(what: string, probe: () => Promise<T | undefined>) =>
  eventually(
    what,
    async () => {
      await w.app.runtime.worker.drain();
      return probe();
    },
    { timeoutMs: 60_000 },
  );
const act = async (event: DisputeEvent) => {
  const result = await w.app.runtime.service.applyEvent(id, event, {
    source: 'teams',
    ...(event.type === 'raised' ? { procedureId: 'ane' } : {}),
  });
  if (!result.ok) throw new Error(`${event.type} refused: ${refusalText(result.refusal)}`);
  await w.app.runtime.worker.drain();
  return result.state;
};
const booked = (attempts: number) =>
  settled(`the Stage 3 meeting, booking ${attempts}`, async () => {
    const s = await state();
    return s.stage.id === 'stage-3' &&
      s.stage.phase === 'meeting-booked' &&
      s.stage.meeting?.attempts === attempts
      ? s
      : undefined;
  });
/** The start choices ("Move") of the latest meeting card to a person. */
const moveChoices = async (personId: string, after = 0): Promise<string[]> => {
  const card = await settled('a meeting card with times to move to', async () =>
    w.connector
      .cardsTo(personId)
      .slice(after)
      .reverse()
      .find((c) => /Move/.test(textOf(c.card)) && choicesOf(c.card).length > 0),
  );
  return choicesOf(card.card);
};
function choicesOf(card: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Input.ChoiceSet' && Array.isArray(o.choices))
        for (const c of o.choices as { value: string }[]) out.push(c.value);
      else Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}
const copyOf = (address: string, organiserEvent: AdminEvent) =>
  settled(`${address}'s invitation`, async () =>
    (await w.events(address)).find((e) => e.iCalUId === organiserEvent.iCalUId && !e.isCancelled),
  );
const organiserEvent = (address: string, eventId: string) =>
  settled(`event ${eventId}`, async () => (await w.events(address)).find((e) => e.id === eventId));

describe('Stage 3 meetings worth accepting (ANE)', () => {
  let first: AdminEvent;

  it('booked at 09:00, the meeting starts at 13:00 or later and keeps clear of lunch', async () => {
    const driver = w.app.runtime.driver;
    if (!driver) throw new Error('the app was not started with CLOCK=test');
    const tm = w.person('ane-team-manager');
    const sm = w.person('ane-service-manager');
    const ad = w.person('ane-assistant-director');
    await driver.advanceTo(new Date(T0));
    await act({
      type: 'raised',
      disputeId: id,
      by: w.person('ane-practitioner'),
      immediateRiskChecked: true,
      caseReference: CASE,
      raisingOrganisationId: 'ane',
      counterpartOrganisationId: 'gateshead',
      category: 'incomplete-documentation',
      details: {
        issue: 'The child permanence report is <b>incomplete</b>, which delays matching.',
        informalAttempts: 'Raised with the allocated social worker on 4 January 2027.',
        resolutionSought: 'A completed report within ten working days.',
      },
    });
    await act({ type: 'decision', by: tm, choice: 'escalate' });
    await driver.advanceTo(new Date(AFTER_STAGE_1));
    await act({ type: 'acknowledged', by: tm, agreed: false });
    await act({ type: 'decision', by: sm, choice: 'escalate' });
    await driver.advanceTo(new Date(AFTER_STAGE_2));
    await act({ type: 'acknowledged', by: sm, agreed: false });
    await act({ type: 'decision', by: ad, choice: 'escalate' });

    const s = await booked(1);
    const start = s.stage.meeting?.start ?? '';
    expect(s.stage.dueDate).toBe('2027-02-03');
    // Not inside the next working half-day: 13:00 on the day at the earliest.
    expect(start >= '2027-01-27T13:00:00.000Z').toBe(true);
    const hhmm = start.slice(11, 16); // GMT in January: London time is UTC
    expect(hhmm < '12:00' || hhmm >= '13:00').toBe(true);
    first = await organiserEvent(ad.email, s.stage.meeting?.eventId ?? '');
    expect(eventInstant(first.start).toISOString()).toBe(start);
  });

  it('"move" offers times on at least three different days', async () => {
    const ad = w.person('ane-assistant-director');
    const choices = await moveChoices(ad.id);
    expect(choices.length).toBeGreaterThanOrEqual(5);
    const days = new Set(choices.map((c) => londonDay(new Date(c))));
    expect(days.size).toBeGreaterThanOrEqual(3);
    const s = await state();
    expect(choices).not.toContain(s.stage.meeting?.start);
    for (const c of choices) expect(c < (s.stage.due ?? '')).toBe(true);
  });

  it('the invitation carries the case, what the procedure asks, the deadline in words and the agenda, escaped', async () => {
    const gTm = w.person('gateshead-team-manager');
    const invitation = await settled('the invitation in Gateshead', async () =>
      (await w.messages(gTm.email, 'inbox')).find(
        (m) => m['@odata.type'] === '#microsoft.graph.eventMessageRequest' && m.subject.includes(CASE),
      ),
    );
    expect(invitation.importance).toBe('high');
    const text = invitation.text;
    expect(text).toContain(`Case reference: ${CASE}`);
    expect(text).toContain('Stage: Formal Resolution Process – Stage 3');
    expect(text).toContain('To be held by: Wednesday 3 February 2027');
    expect(text).toContain('Adopt North East Partnership Dispute Escalation and Resolutions Process');
    expect(text).toContain('will convene a meeting (Virtual or in-person) within five working days');
    expect(text).toContain('Wednesday 3 February 2027');
    expect(text).toContain('Incomplete documentation');
    expect(text).not.toContain('incomplete-documentation');
    expect(text).toContain('A completed report within ten working days.');
    expect(text).toMatch(/Microsoft Teams meeting; it may be held in person/);
    expect(text).toMatch(/propose a new time/);
    // The agenda, and the issue's markup shown as text, never as HTML.
    expect(text).toContain('Agenda');
    const ad = w.person('ane-assistant-director');
    const html = (
      (await w.h.graph.api
        .api(`/users/${ad.email}/events/${encodeURIComponent(first.id)}`)
        .select('body')
        .get()) as {
        body: { contentType: string; content: string };
      }
    ).body;
    expect(html.contentType).toBe('html');
    expect(html.content).toContain('&lt;b&gt;incomplete&lt;/b&gt;');
    expect(html.content).not.toContain('<b>incomplete</b>');
    expect(html.content).toContain('<ol>');
    // The case reference stands for the child: the invitation names no child.
    expect(text).not.toMatch(/child's name/i);
  });

  it('a decline proposing a time inside the window is booked at that time', async () => {
    const gTm = w.person('gateshead-team-manager');
    const ad = w.person('ane-assistant-director');
    const copy = await copyOf(gTm.email, first);
    // Friday 29 January 2027, 14:00–15:00 London (GMT).
    const proposedNewTime = {
      start: { dateTime: '2027-01-29T14:00:00', timeZone: 'GMT Standard Time' },
      end: { dateTime: '2027-01-29T15:00:00', timeZone: 'GMT Standard Time' },
    };
    await w.h.admin('POST', `/mailboxes/${gTm.email}/events/${encodeURIComponent(copy.id)}/respond`, {
      response: 'decline',
      comment: 'I am in court that day; Friday afternoon works.',
      proposedNewTime,
    });
    await w.settleInbound();
    const s = await booked(2);
    expect(s.stage.meeting?.start).toBe('2027-01-29T14:00:00.000Z');
    expect(s.stage.meeting?.declinedSlots).toEqual([eventInstant(first.start).toISOString()]);
    const second = await organiserEvent(ad.email, s.stage.meeting?.eventId ?? '');
    expect(eventInstant(second.start).toISOString()).toBe('2027-01-29T14:00:00.000Z');
    expect((await w.events(ad.email)).some((e) => e.id === first.id)).toBe(false);
    first = second;
  });

  it('a tentative answer proposing a time offers it to the convener first', async () => {
    const gSm = w.person('gateshead-service-manager');
    const ad = w.person('ane-assistant-director');
    const cardsBefore = w.connector.cardsTo(ad.id).length;
    const copy = await copyOf(gSm.email, first);
    await w.h.admin('POST', `/mailboxes/${gSm.email}/events/${encodeURIComponent(copy.id)}/respond`, {
      response: 'tentativelyAccept',
      proposedNewTime: {
        start: { dateTime: '2027-02-01T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2027-02-01T11:00:00', timeZone: 'UTC' },
      },
    });
    await w.settleInbound();
    const s = await settled('the proposal offered', async () => {
      const st = await state();
      return st.stage.meeting?.alternatives?.[0] === '2027-02-01T10:00:00.000Z' ? st : undefined;
    });
    expect(s.stage.meeting?.start).toBe('2027-01-29T14:00:00.000Z');
    expect(s.stage.meeting?.proposals).toEqual([
      expect.objectContaining({ email: gSm.email, start: '2027-02-01T10:00:00.000Z' }),
    ]);
    const choices = await moveChoices(ad.id, cardsBefore);
    expect(choices[0]).toBe('2027-02-01T10:00:00.000Z');
    // A proposal outside the window is not offered.
    const hos = w.person('gateshead-head-of-service');
    const hosCopy = await copyOf(hos.email, first);
    await w.h.admin('POST', `/mailboxes/${hos.email}/events/${encodeURIComponent(hosCopy.id)}/respond`, {
      response: 'tentativelyAccept',
      proposedNewTime: {
        start: { dateTime: '2027-02-10T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2027-02-10T11:00:00', timeZone: 'UTC' },
      },
    });
    await w.settleInbound();
    const after = await settled('the head of service’s answer', async () => {
      const st = await state();
      const a = st.stage.meeting?.attendees.find((x) => x.person.email === hos.email);
      return a?.response === 'tentativelyAccepted' ? st : undefined;
    });
    expect(after.stage.meeting?.alternatives).not.toContain('2027-02-10T10:00:00.000Z');
  });
});
