/**
 * Issue 10, Solihull: Stages 1–3 recorded as discussions, then Stage 4, "referring the matter to the
 * Chair of the SSAB Policies and Procedures Sub-Committee to offer mediation". The chair is in
 * another tenant (directory/sample-solihull.json puts them in Solihull Police), so booking on their
 * calendar is what Graph answers 404 for; before, the dispute was parked "until an administrator
 * resolves it". Through the whole app against the local Microsoft 365: the meeting is organised from
 * the SSAB Business Team's shared mailbox, the chair is invited as a required attendee, the booking
 * effect completes and nothing is parked.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import type { DisputeEvent, DisputeState } from '../../src/domain/dispute/types.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { addresses, type ConcordApp, eventInstant, startConcordApp } from '../support/concord-app.ts';
import { eventually } from '../support/wait.ts';

const BUSINESS_TEAM = 'business.team@ssab.solihull.example';
const CHAIR = 'sub.committee.chair@solihull-police.example';
/** Monday 11 January 2027, 09:30 London. */
const T0 = '2027-01-11T09:30:00.000Z';

let w: ConcordApp;
const id = randomUUID();

beforeAll(async () => {
  w = await startConcordApp({ directory: 'directory/sample-solihull.json' });
}, 60_000);
afterAll(async () => {
  await w?.close();
}, 30_000);

const state = async (): Promise<DisputeState> => {
  const s = await w.app.runtime.service.get(id);
  if (!s) throw new Error('no dispute');
  return s;
};
const act = async (event: DisputeEvent) => {
  const result = await w.app.runtime.service.applyEvent(id, event, {
    source: 'teams',
    ...(event.type === 'raised' ? { procedureId: 'solihull-ssab' } : {}),
  });
  if (!result.ok) throw new Error(`${event.type} refused: ${refusalText(result.refusal)}`);
  await w.app.runtime.worker.drain();
  return result.state;
};

describe('Solihull Stage 4: mediation convened by a chair in another tenant', () => {
  it('is booked on the Business Team’s calendar with the chair invited, and never parks', async () => {
    const driver = w.app.runtime.driver;
    if (!driver) throw new Error('the app was not started with CLOCK=test');
    await driver.advanceTo(new Date(T0));
    const category = getProcedure('solihull-ssab')?.categories[0]?.id ?? '';
    await act({
      type: 'raised',
      disputeId: id,
      by: w.person('solihull-adults-staff-member'),
      immediateRiskChecked: true,
      caseReference: 'SSAB-2027-0011',
      raisingOrganisationId: 'solihull-adults',
      counterpartOrganisationId: 'solihull-health',
      category,
      // "Before you start": the raiser confirmed it is not a conduct concern (West Midlands PoT).
      outOfScopeConfirmed: true,
      details: {
        issue: 'The agencies disagree about whether a section 42 enquiry is needed.',
        informalAttempts: 'Discussed between the two practitioners on 7 January 2027.',
        resolutionSought: 'An agreed decision on the enquiry.',
      },
    });
    // Stages 1–3: each is a discussion recorded as not agreed, then the next stage is chosen.
    for (let i = 0; i < 20; i++) {
      const s = await state();
      if (s.stage.id === 'stage-4') break;
      const by = s.stage.awaiting ?? s.stage.actor ?? s.owner;
      if (s.stage.phase === 'awaiting-decision') await act({ type: 'decision', by, choice: 'escalate' });
      else if (s.stage.phase === 'awaiting-outcome')
        await act({ type: 'outcome-recorded', by, resolved: false, summary: 'No agreement.' });
      else throw new Error(`unexpected ${s.stage.id} ${s.stage.phase}`);
    }
    const booked = await eventually(
      'the Stage 4 meeting booked',
      async () => {
        await w.app.runtime.worker.drain();
        const s = await state();
        return s.stage.id === 'stage-4' && s.stage.phase === 'meeting-booked' ? s : undefined;
      },
      { timeoutMs: 60_000 },
    );
    const meeting = booked.stage.meeting;
    expect(meeting?.convener.email).toBe(CHAIR);
    const event = (await w.events(BUSINESS_TEAM)).find((e) => e.id === meeting?.eventId);
    expect(event?.isOrganizer).toBe(true);
    expect(event?.organizer?.emailAddress.address).toBe(BUSINESS_TEAM);
    expect(addresses(event?.attendees)).toContain(CHAIR);
    expect(event?.attendees.find((a) => a.emailAddress.address === CHAIR)?.type).toBe('required');
    expect(event && eventInstant(event.start).toISOString()).toBe(meeting?.start);
    // The chair holds the invitation in their own mailbox.
    const invitation = (await w.messages(CHAIR, 'inbox')).find(
      (m) => m['@odata.type'] === '#microsoft.graph.eventMessageRequest',
    );
    expect(invitation?.subject).toContain('SSAB-2027-0011');
    expect(invitation?.text).toContain('to offer mediation');
    // The booking completed: no book-meeting row is parked or failing.
    const bookings = await w.app.runtime.store.db
      .selectFrom('outbox')
      .select(['type', 'status'])
      .where('dispute_id', '=', id)
      .where('type', '=', 'book-meeting')
      .execute();
    expect(bookings.length).toBeGreaterThan(0);
    expect(bookings.every((b) => b.status === 'done')).toBe(true);
    const all = await w.app.runtime.store.db
      .selectFrom('outbox')
      .select(['type', 'status', 'key', 'last_error'])
      .where('dispute_id', '=', id)
      .execute();
    // Nothing of this dispute is parked or failing: every effect so far went through.
    expect(all.filter((r) => r.status !== 'done')).toEqual([]);
  });

  it('the chair’s decline reaches Concord through the Business Team’s calendar and re-books', async () => {
    const before = await state();
    const first = (await w.events(BUSINESS_TEAM)).find((e) => e.id === before.stage.meeting?.eventId);
    if (!first) throw new Error('no Stage 4 event');
    const copy = await eventually('the chair’s copy', async () =>
      (await w.events(CHAIR)).find((e) => e.iCalUId === first.iCalUId && !e.isCancelled),
    );
    await w.h.admin('POST', `/mailboxes/${CHAIR}/events/${encodeURIComponent(copy.id)}/respond`, {
      response: 'decline',
      comment: 'I chair a board that morning.',
    });
    await w.settleInbound();
    const rebooked = await eventually(
      'the re-booked Stage 4 meeting',
      async () => {
        await w.app.runtime.worker.drain();
        const s = await state();
        return s.stage.phase === 'meeting-booked' && s.stage.meeting?.attempts === 2 ? s : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(rebooked.stage.meeting?.declinedSlots).toEqual([before.stage.meeting?.start]);
    const live = (await w.events(BUSINESS_TEAM)).filter((e) => !e.isCancelled);
    expect(live.map((e) => e.id)).toEqual([rebooked.stage.meeting?.eventId]);
  });
});
