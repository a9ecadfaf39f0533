/**
 * Issue 10, "Done when": the IRO DRP's exceptional routes, each through `createApp`, the real
 * adapters, the emulator and the test clock (tests/support/journey.ts), asserting what each person
 * receives. The main ladder is tests/integration/procedure-journeys.test.ts; the CAFCASS referral,
 * which walks all six stages first, is exceptional-routes-iro-cafcass.test.ts.
 *
 * Routes here (seed 002): the LAC Review "within 4 weeks" after a resolution (agreement reached at
 * Stage 1); Stage 1 held in the call or meeting the IRO books, because email alone "will not be
 * sufficient"; the IRO bypassing stages, with the CSSU Service Manager still informed "by the time the
 * dispute has been escalated to the Service Manager (stage 3)"; a required attendee declining a
 * meeting (re-booked inside the stage's 5 working days); the 20 working days overall passing; the
 * IRO, who owns the record, withdrawing it while the group manager holds it.
 */

import { describe, expect, it } from 'vitest';
import { actionsOf, textOf } from '../bot/harness.ts';
import { journeyPerTest, plain, recordKinds } from '../support/journey.ts';

const RAISE = {
  raiser: 'northborough-cssu-iro',
  raising: 'northborough-cssu',
  counterpart: 'northborough-csc',
} as const;
const IRO = 'northborough-cssu-iro';

const open = journeyPerTest({ sample: 'iro', procedureId: 'iro-drp' });

describe('IRO DRP: the exceptional routes, end to end', () => {
  it('LAC Review: resolved at Stage 1, the IRO is told it is due within 4 weeks and reminded a week before', async () => {
    const w = await open();
    const s = await w.raise(RAISE);
    expect(s.stage.id).toBe('stage-1');
    const iro = w.person(IRO);
    // Stage 1 involves the team manager and social worker, in the host tenant: each has a Teams notice.
    await w.cardTo('northborough-csc-team-manager', 'the Stage 1 notice', (t) =>
      t.includes('this involves you'),
    );
    await w.cardTo('northborough-csc-social-worker', 'the Stage 1 notice', (t) =>
      t.includes('this involves you'),
    );
    await w.act({
      type: 'outcome-recorded',
      by: iro,
      resolved: true,
      summary: 'Agreed at Stage 1: the plan changes; a LAC Review is needed.',
    });
    expect((await w.state()).status).toBe('resolved');
    // Resolved on Monday 11 January: due four weeks later, 8 February; reminded on 1 February.
    const after = await w.cardTo(IRO, 'the LAC Review card', (t) =>
      t.includes('a LAC Review must be held within 4 weeks'),
    );
    const afterText = plain(textOf(after.card));
    expect(afterText).toContain('8 February 2027');
    expect(w.cardTexts(IRO).some((t) => t.includes('Reminder: due by'))).toBe(false);
    await w.advanceTo('2027-01-29T17:00:00.000Z');
    expect(w.cardTexts(IRO).some((t) => t.includes('Reminder: due by'))).toBe(false);
    await w.advanceTo('2027-02-01T09:30:00.000Z');
    const reminder = await w.cardTo(IRO, 'the LAC Review reminder', (t) => t.includes('Reminder: due by'));
    expect(plain(textOf(reminder.card))).toContain('8 February 2027');
    // The written outcome went to everyone who took part.
    await w.writtenConfirmationTo('team.manager@childrens.northborough.example');
    await w.writtenConfirmationTo('social.worker@childrens.northborough.example');
  }, 90_000);

  it('Stage 1 by a meeting: the IRO books it from the outcome card, on their own calendar with the social worker and team manager; held, the outcome and minutes go on the record', async () => {
    const w = await open();
    await w.raise(RAISE);
    // "it will not be sufficient to seek to address a dispute by means of email alone".
    await w.clickOn(IRO, 'the Stage 1 outcome card offering a meeting', 'request-meeting');
    const booked = await w.settled('the Stage 1 meeting', async () => {
      const x = await w.state();
      return x.stage.phase === 'meeting-booked' ? x : undefined;
    });
    const meeting = await w.checkMeeting(booked);
    expect(meeting.calendar).toBe('iro@cssu.northborough.example');
    expect(meeting.invitations.map((i) => i.address).sort()).toEqual([
      'social.worker@childrens.northborough.example',
      'team.manager@childrens.northborough.example',
    ]);
    const held = await w.holdMeeting(booked);
    expect(held.stage).toMatchObject({ id: 'stage-1', phase: 'awaiting-outcome' });
    expect(held.stage.awaiting?.id).toBe(IRO);
    await w.act({
      type: 'outcome-recorded',
      by: w.person(IRO),
      resolved: false,
      summary: 'Met by Teams with the social worker and team manager: no agreement on contact.',
      minutes: 'Positions heard; the team manager will not change the contact plan.',
    });
    expect((await w.next('the Stage 1 outcome')).stage.phase).toBe('awaiting-decision');
    const e = await w.exported();
    expect(recordKinds(e)).toEqual(expect.arrayContaining(['meeting-booked', 'stage-unresolved']));
    expect(await w.caseFileText()).toContain('Positions heard; the team manager will not change');
  }, 90_000);

  it('bypass: the IRO moves the record from Stage 1 to the assistant director; the CSSU Service Manager is still informed, and the record says what was skipped', async () => {
    const w = await open();
    await w.raise(RAISE);
    // Only the IRO is offered it: the team manager, who takes part, opens the dispute card and has no bypass.
    const tmCard = await w.openCard('northborough-csc-team-manager');
    expect(actionsOf(tmCard).some((a) => a.verb === 'bypass')).toBe(false);
    // And clicking it anyway is refused; the dispute stays at Stage 1.
    await w.click('northborough-csc-team-manager', 'bypass', {
      disputeId: w.id,
      seq: 0,
      toStageId: 'stage-4',
      reason: 'Urgent.',
    });
    expect((await w.state()).stage.id).toBe('stage-1');
    // The IRO opens the dispute card, which offers the later stages, and bypasses to Stage four.
    const card = await w.openCard(IRO);
    const bypass = actionsOf(card).find((a) => a.verb === 'bypass');
    expect(bypass?.title).toBe('Bypass to the chosen stage');
    expect(textOf(card)).toContain('Stage four');
    const clicked = await w.click(IRO, 'bypass', {
      ...bypass!.data,
      toStageId: 'stage-4',
      reason: 'The placement ends on Friday: it needs the assistant director now.',
    });
    expect(plain(textOf(clicked))).toContain('Done: bypassed to the chosen stage');
    const s = await w.next('bypass');
    expect(s.stage.id).toBe('stage-4');
    expect(s.stage.awaiting?.id).toBe('northborough-csc-assistant-director');
    await w.cardTo('northborough-csc-assistant-director', 'the reassigned record', (t) =>
      t.includes('the record is reassigned to you'),
    );
    // "This must happen by the time the dispute has been escalated to the Service Manager (stage 3)":
    // skipping Stage 3 does not skip it.
    await w.mailTo(
      'cssu.service.manager@cssu.northborough.example',
      'the CSSU inform email',
      (m) => m.importance === 'high' && m.text.includes('Service Manager for CSSU'),
    );
    const e = await w.exported();
    const bypassed = e.records.find((r) => r.entry.kind === 'bypassed');
    expect(bypassed?.entry.outcome).toBe(
      'The placement ends on Friday: it needs the assistant director now.',
    );
    expect(recordKinds(e)).toContain('informed');
    const file = await w.caseFileText();
    expect(file).toContain('Stage two');
    expect(file).toContain('The placement ends on Friday');
    // And the ladder goes on from there to the IRO's authorisation.
    const done = await w.walkTo((x) => x.status !== 'open' || x.stage.phase === 'awaiting-owner');
    expect(done.stage.id).toBe('stage-4');
    await w.act({ type: 'resolved', by: w.person(IRO), summary: 'Authorised.' });
    expect((await w.state()).status).toBe('resolved');
  }, 90_000);

  it('a required attendee declines the Stage 2 meeting: it is re-booked on the group manager’s calendar inside the 5 working days, and everyone is invited again', async () => {
    const w = await open();
    await w.raise(RAISE);
    const s = await w.walkTo((x) => x.stage.id === 'stage-2' && x.stage.phase === 'meeting-booked');
    const first = await w.checkMeeting(s);
    expect(first.calendar).toBe('group.manager@childrens.northborough.example');
    const decliner = first.invitations.find(
      (i) => i.address === 'team.manager@childrens.northborough.example',
    );
    if (!decliner) throw new Error('the team manager was not invited');
    await w.respond(decliner.address, decliner.event.id, 'decline');
    const rebooked = await w.settled('the re-booked meeting', async () => {
      const x = await w.state();
      return x.stage.phase === 'meeting-booked' && x.stage.meeting?.eventId !== s.stage.meeting?.eventId
        ? x
        : undefined;
    });
    await w.cardTo('northborough-csc-group-manager', 'the re-booking card', (t) =>
      t.includes('Re-booking the meeting'),
    );
    const second = await w.checkMeeting(rebooked);
    expect(second.calendar).toBe('group.manager@childrens.northborough.example');
    expect(second.event.start.dateTime).not.toBe(first.event.start.dateTime);
    expect(second.invitations.map((i) => i.address)).toContain(decliner.address);
    const held = await w.holdMeeting(rebooked);
    expect(held.stage.phase).toBe('awaiting-outcome');
    expect(recordKinds(await w.exported())).toEqual(
      expect.arrayContaining(['meeting-response', 'meeting-booked']),
    );
  }, 90_000);

  it('the 20 working days overall pass with Stage 1 outstanding: the IRO is told, as the expected time, and the record says so', async () => {
    const w = await open();
    await w.raise(RAISE);
    // Raised Monday 11 January: the 20th working day is Monday 8 February.
    await w.advanceTo('2027-02-08T17:00:00.000Z');
    expect(w.cardTexts(IRO).some((t) => t.includes('has passed'))).toBe(false);
    await w.cardTo(IRO, 'the Stage 1 overdue card', (t) => t.includes('Stage one is overdue'));
    await w.advanceTo('2027-02-09T09:00:00.000Z');
    const card = await w.cardTo(IRO, 'the overall limit card', (t) => t.includes('has passed'));
    expect(plain(textOf(card.card))).toContain('expected time, not a fixed limit');
    expect(recordKinds(await w.exported())).toEqual(
      expect.arrayContaining(['stage-overdue', 'overall-limit-passed']),
    );
    expect((await w.state()).status).toBe('open');
  }, 90_000);

  it('withdrawn by the IRO at Stage 2 with the meeting booked: the meeting is cancelled, and everyone taking part is told in Teams, and the group manager has no step left', async () => {
    const w = await open();
    await w.raise(RAISE);
    const s = await w.walkTo((x) => x.stage.id === 'stage-2' && x.stage.phase === 'meeting-booked');
    const booked = await w.checkMeeting(s);
    const reason = 'The plan was changed at the LAC Review on 12 January; the dispute no longer stands.';
    // Only the raiser or the owner may withdraw: the group manager holding the record may not.
    const refused = await w.tryAct({
      type: 'withdrawn',
      by: w.person('northborough-csc-group-manager'),
      reason,
    });
    expect(refused.ok).toBe(false);
    await w.act({ type: 'withdrawn', by: w.person(IRO), reason });
    expect((await w.state()).status).toBe('withdrawn');
    for (const id of [
      'northborough-csc-group-manager',
      'northborough-csc-team-manager',
      'northborough-csc-social-worker',
    ]) {
      const card = await w.cardTo(id, 'the withdrawal card', (t) => t.includes('Dispute withdrawn'));
      const text = plain(textOf(card.card));
      expect(text).toContain('Independent Reviewing Officer, Northborough CSSU has withdrawn this dispute');
      expect(text).toContain(reason);
      expect(actionsOf(card.card)).toEqual([]);
    }
    // Whatever the group manager's earlier cards still show, the step is gone.
    const late = await w.tryAct({
      type: 'outcome-recorded',
      by: w.person('northborough-csc-group-manager'),
      resolved: true,
      summary: 'Guidance given.',
    });
    expect(late.ok).toBe(false);
    // The meeting is cancelled: each attendee's copy says so.
    for (const i of booked.invitations) {
      await w.settled(`the cancellation on ${i.address}'s calendar`, async () =>
        (await w.world.events(i.address)).find((e) => e.iCalUId === booked.event.iCalUId && e.isCancelled),
      );
    }
    // Everyone is in the council's tenant: no email, only Teams.
    expect(
      (await w.disputeMail('team.manager@childrens.northborough.example')).map((m) => m.subject),
    ).not.toContainEqual(expect.stringContaining('withdrawn'));
    const e = await w.exported();
    expect(recordKinds(e)).toContain('withdrawn');
    expect(await w.caseFileText()).toContain(reason);
  }, 90_000);
});
