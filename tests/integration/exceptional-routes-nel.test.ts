/**
 * Issue 10, "Done when": the NEL LSCB/SAB procedure's exceptional routes, each through `createApp`,
 * the real adapters, the emulator and the test clock (tests/support/journey.ts), asserting what each
 * person receives. The main ladder is tests/integration/procedure-journeys.test.ts.
 *
 * Routes (seed 003): agreed at Stage 1 (party 2 answers the approach); Stage 2 "within an
 * agreed timescale that is proportionate", with the meeting the managers may convene; "Where ADs feel
 * a level of independence is required", the panel of independent board representatives, whose final
 * decision is "relayed to the two parties' seniors and heads of service on the day the decision is
 * made"; the usual 25 working days passing; a dispute about a vulnerable adult ("applies equally to
 * ... practitioners who work with children and vulnerable adults"), whose approach to party 2 speaks
 * of the adult.
 */

import { describe, expect, it } from 'vitest';
import { textOf } from '../bot/harness.ts';
import { journeyPerTest, plain, recordKinds } from '../support/journey.ts';

const RAISE = {
  raiser: 'nel-childrens-practitioner',
  raising: 'nel-childrens',
  counterpart: 'nel-health',
} as const;
const PRACTITIONER = 'nel-childrens-practitioner';
const PARTY_2 = 'practitioner@nel-health.example';
const PANEL = 'panel@nel-boards.example';

const open = journeyPerTest({ sample: 'nel', procedureId: 'nel-lscb-sab' });

describe('NEL LSCB/SAB: the exceptional routes, end to end', () => {
  it('agreed at Stage 1: party 2 answers the approach, the outcome is confirmed to them in writing on that thread, and heads of service get the policy-change step', async () => {
    const w = await open();
    await w.raise(RAISE);
    // The raise form records the informal attempts, so the practitioner decides on Stage 1 at once.
    const s = await w.walkTo((x) => x.stage.id === 'stage-1' && x.stage.phase === 'awaiting-outcome');
    const { mail } = await w.answerDiscussion(s, 'Agreed: we will share the health chronology by Friday.');
    await w.cardTo(PRACTITIONER, 'the reply', (t) => t.includes('share the health chronology'));
    await w.act({
      type: 'outcome-recorded',
      by: w.person(PRACTITIONER),
      resolved: true,
      summary: 'Agreed at Stage 1: the health chronology is shared by Friday.',
    });
    expect((await w.state()).status).toBe('resolved');
    const confirmation = await w.writtenConfirmationTo(PARTY_2);
    expect(confirmation.importance).toBe('high');
    expect(confirmation.conversationId).toBe(mail.conversationId);
    // Only the Stage 4 decision carries the same-day rule.
    expect(confirmation.text).not.toContain('relayed that day');
    await w.cardTo('nel-childrens-head-of-service', 'the policy-change step', (t) =>
      t.includes('revision or change to policy'),
    );
    const kinds = recordKinds(await w.exported());
    expect(kinds).toContain('resolved');
    expect(kinds.filter((k) => k === 'decided-escalate')).toHaveLength(1);
  }, 90_000);

  it('about a vulnerable adult, with the adults’ agency: the approach to party 2 says whom it is about in adults’ terms, never a child', async () => {
    const w = await open();
    await w.raise({ ...RAISE, counterpart: 'nel-adults', about: 'adult' });
    const s = await w.walkTo((x) => x.stage.id === 'stage-1' && x.stage.phase === 'awaiting-outcome');
    const { mail, person } = await w.answerDiscussion(s, 'We will review the care and support plan.');
    expect(person.email).toBe('practitioner@nel-adults.example');
    expect(mail.text).toContain('An adult at risk');
    expect(mail.text).not.toContain('A child or young person');
    expect((await w.state()).about).toBe('adult');
  }, 90_000);

  it('Stage 2 in an agreed 10 working days: the managers’ email says so, and the meeting they convene is on the line manager’s calendar inside it', async () => {
    const w = await open();
    await w.raise(RAISE);
    const s = await w.walkTo(
      (x) => x.stage.phase === 'awaiting-decision' && x.stage.nextStageId === 'stage-2',
    );
    const by = s.stage.awaiting;
    if (!by) throw new Error('nobody decides on Stage 2');
    await w.act({ type: 'decision', by, choice: 'escalate', agreedWorkingDays: 10 });
    const s2 = await w.next('Stage 2 entered');
    expect(s2.stage.id).toBe('stage-2');
    // Monday 11 January + 10 working days: Monday 25 January.
    expect(s2.stage.dueDate).toBe('2027-01-25');
    const statement = await w.settled('the Stage 2 email', async () =>
      (await w.state()).stage.thread.find((m) => m.kind === 'statement'),
    );
    const mail = await w.mailTo(
      'line.manager@nel-health.example',
      'the Stage 2 email',
      (m) => m.internetMessageId === statement.internetMessageId,
    );
    expect(mail.importance).toBe('high');
    expect(mail.text).toContain('Monday 25 January 2027 (within 10 working days)');
    const manager = s2.stage.awaiting;
    if (!manager) throw new Error('nobody records Stage 2');
    await w.act({ type: 'meeting-requested', by: manager });
    const booked = await w.settled('the Stage 2 meeting', async () => {
      const x = await w.state();
      return x.stage.phase === 'meeting-booked' ? x : undefined;
    });
    const meeting = await w.checkMeeting(booked);
    expect(meeting.calendar).toBe('line.manager@nel-childrens.example');
    expect(meeting.invitations.map((i) => i.address)).toContain('line.manager@nel-health.example');
  }, 120_000);

  it('unresolved at Stage 4: the ADs refer it to the independent board panel, whose outcome goes to all parties', async () => {
    const w = await open();
    await w.raise(RAISE);
    const s = await w.walkTo((x) => x.stage.id === 'stage-4' && x.stage.phase === 'awaiting-decision');
    const ad = s.stage.awaiting;
    if (!ad) throw new Error('nobody decides after Stage 4');
    expect(ad.id).toBe('nel-childrens-assistant-director');
    const offer = await w.cardTo(ad.id, 'the final-stage card', (t) =>
      t.includes('Panel of independent board representatives'),
    );
    expect(plain(textOf(offer.card))).toContain('Stage 4 was the final stage');
    await w.act({
      type: 'exceptional-referral',
      by: ad,
      routeId: 'independent-panel',
      reason: 'The ADs feel a level of independence is required.',
    });
    const referral = await w.mailTo(PANEL, 'the referral to the panel', (m) => m.importance === 'high');
    expect(referral.subject).toContain(w.caseReference);
    expect(referral.text).toContain('The agencies disagree about whether the threshold');
    // The card that records the panel's outcome says it goes out that day, in the procedure's words.
    const record = await w.cardTo(ad.id, 'the card that records the outcome', (t) =>
      t.includes('as soon as you record it'),
    );
    expect(plain(textOf(record.card))).toContain(
      "the final decision relayed to the two parties' seniors and heads of service on the day the decision is made",
    );
    await w.act({
      type: 'outcome-recorded',
      by: ad,
      resolved: false,
      summary: 'The panel found no agreement possible; each agency will follow its own procedure.',
    });
    const ended = await w.state();
    expect(ended.status).toBe('unresolved');
    const health = ended.participants.filter((x) => x.organisationId === 'nel-health').map((p) => p.email);
    // "the final decision relayed to the two parties' seniors and heads of service on the day the
    // decision is made": the other agency's AD and head of service among those it reaches.
    expect(health).toEqual(
      expect.arrayContaining(['head.of.service@nel-health.example', 'assistant.director@nel-health.example']),
    );
    for (const address of health) {
      const c = await w.writtenConfirmationTo(address);
      expect(c.text).toContain('The panel found no agreement possible');
      // Sent in the step that records the decision, naming its day (the test clock's Monday).
      expect(c.text).toContain(
        'The decision was made on Monday 11 January 2027, and the procedure asks that it is relayed that day',
      );
      expect(c.text).toContain(
        "relayed to the two parties' seniors and heads of service on the day the decision is made",
      );
      // The raising side's head of service is copied into the same email.
      expect(c.ccRecipients?.map((r) => r.emailAddress.address)).toContain(
        'head.of.service@nel-childrens.example',
      );
    }
    const file = await w.caseFileText();
    expect(file).toContain('Panel of independent board representatives');
    // Whether it went that day is read from when the outbox sent it, on the dispute's clock.
    expect(file).toContain('Relayed on the day of the decision');
    expect(file).toContain('Yes: decided and sent on Monday 11 January 2027.');
  }, 150_000);

  it('the usual 25 working days pass: the practitioner is told it is the usual time, not a fixed limit', async () => {
    const w = await open();
    await w.raise(RAISE);
    // Raised Monday 11 January: the 25th working day is Monday 15 February.
    await w.advanceTo('2027-02-15T17:00:00.000Z');
    expect(w.cardTexts(PRACTITIONER).some((t) => t.includes('has passed'))).toBe(false);
    await w.advanceTo('2027-02-16T09:00:00.000Z');
    const card = await w.cardTo(PRACTITIONER, 'the overall limit card', (t) => t.includes('has passed'));
    expect(plain(textOf(card.card))).toContain('usual time, not a fixed limit');
    expect(recordKinds(await w.exported())).toContain('overall-limit-passed');
  }, 90_000);
});
