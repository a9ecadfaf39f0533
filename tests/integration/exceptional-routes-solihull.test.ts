/**
 * Issue 10, "Done when": the Solihull SSAB procedure's exceptional routes, each through
 * `createApp`, the real adapters, the emulator and the test clock (tests/support/journey.ts),
 * asserting what each person receives. The main ladder is tests/integration/procedure-journeys.test.ts.
 *
 * Routes (seed 004): Stage 1 passing its 5 working days with no answer, then agreed late ("The aim
 * should be to find a resolution within 5 working days"), with the learning referral and the
 * debrief after it; "If there is conflict of interest with the chair of the SSAB Policies and
 * Procedures Sub-Committee", the SSAB Independent Chair instead of Stage 4. The external
 * Sub-Committee Chair declining the Stage 4 mediation (re-booked on the Business Team's calendar) is
 * tests/integration/solihull-stage-4-meeting.test.ts.
 */

import { describe, expect, it } from 'vitest';
import { journeyPerTest, recordKinds } from '../support/journey.ts';

const RAISE = {
  raiser: 'solihull-adults-staff-member',
  raising: 'solihull-adults',
  counterpart: 'solihull-health',
} as const;
const STAFF = 'solihull-adults-staff-member';
const HEALTH_STAFF = 'staff.member@solihull-health.example';
const INDEPENDENT_CHAIR = 'independent.chair@ssab-chair.example';

const open = journeyPerTest({ sample: 'solihull', procedureId: 'solihull-ssab' });

describe('Solihull SSAB: the exceptional routes, end to end', () => {
  it('Stage 1 passes its 5 working days unanswered: the staff member is told; the late answer is still kept, agreed, confirmed in writing, and the learning referral follows', async () => {
    const w = await open();
    const s = await w.raise(RAISE);
    expect(s.stage.id).toBe('stage-1');
    expect(s.stage.dueDate).toBe('2027-01-18');
    await w.advanceTo('2027-01-19T09:00:00.000Z');
    await w.cardTo(STAFF, 'the Stage 1 overdue card', (t) => t.includes('Stage 1 is overdue'));
    const { mail } = await w.answerDiscussion(
      s,
      'Sorry for the delay: we agree to a joint review on 25 January.',
    );
    await w.cardTo(STAFF, 'the late reply', (t) => t.includes('Sorry for the delay'));
    await w.act({
      type: 'outcome-recorded',
      by: w.person(STAFF),
      resolved: true,
      summary: 'Agreed at Stage 1 (late): a joint review on 25 January.',
    });
    const confirmation = await w.writtenConfirmationTo(HEALTH_STAFF);
    expect(confirmation.importance).toBe('high');
    expect(confirmation.conversationId).toBe(mail.conversationId);
    // "any general issues should be identified and referred to the agency's representative on the SSAB Policy and Procedures Sub-Committee"
    await w.cardTo('solihull-adults-safeguarding-lead', 'the learning referral', (t) =>
      t.includes('to inform future learning'),
    );
    await w.cardTo(STAFF, 'the debrief', (t) => t.includes('receive a debrief'));
    expect(recordKinds(await w.exported())).toEqual(
      expect.arrayContaining(['stage-overdue', 'reply-received', 'resolved']),
    );
  }, 90_000);

  it('conflict of interest with the Sub-Committee Chair: the Director refers it to the SSAB Independent Chair through the Business Team instead of Stage 4; the raiser hears at each step', async () => {
    const w = await open();
    await w.raise(RAISE);
    const s = await w.walkTo((x) => x.stage.id === 'stage-3' && x.stage.phase === 'awaiting-decision');
    const director = s.stage.awaiting;
    if (!director) throw new Error('nobody decides after Stage 3');
    expect(director.id).toBe('solihull-adults-director');
    await w.cardTo(director.id, 'the Stage 4 decision offering the Independent Chair', (t) =>
      t.includes('Mediation by the SSAB Independent Chair (conflict of interest)'),
    );
    await w.act({
      type: 'exceptional-referral',
      by: director,
      routeId: 'independent-chair-conflict-of-interest',
      reason: 'The Sub-Committee Chair is employed by one of the agencies in dispute.',
    });
    const referral = await w.mailTo(INDEPENDENT_CHAIR, 'the referral', (m) => m.importance === 'high');
    expect(referral.subject).toContain(w.caseReference);
    expect(referral.text).toContain('SSAB Business Team');
    expect(referral.text).toContain('employed by one of the agencies');
    expect(referral.text).toContain('The agencies disagree about whether the threshold');
    // Nothing went to the Sub-Committee Chair: Stage 4 was not entered.
    expect(await w.disputeMail('sub.committee.chair@solihull-police.example')).toEqual([]);
    await w.act({
      type: 'outcome-recorded',
      by: director,
      resolved: true,
      summary: 'Mediated by the Independent Chair: agreed a joint care and support review.',
    });
    const ended = await w.state();
    expect(ended.status).toBe('resolved');
    expect(ended.stage.id).toBe('stage-3');
    for (const p of ended.participants.filter((x) => x.organisationId === 'solihull-health'))
      await w.writtenConfirmationTo(p.email);
    // "At each stage ... the person who originally raised the concern is given feedback".
    const feedback = w.cardTexts(STAFF).filter((t) => t.includes('Update on the dispute you raised'));
    expect(feedback.length).toBeGreaterThanOrEqual(3);
    expect(recordKinds(await w.exported())).toEqual(expect.arrayContaining(['referred', 'referral-outcome']));
  }, 120_000);
  it('withdrawn at Stage 1 by the staff member who raised it: the other agency is told on the Stage 1 thread, and the dispute ends', async () => {
    const w = await open();
    await w.raise(RAISE);
    const statement = await w.settled('the Stage 1 email', async () =>
      (await w.state()).stage.thread.find((m) => m.kind === 'statement'),
    );
    const first = await w.mailTo(
      HEALTH_STAFF,
      'the Stage 1 email',
      (m) => m.internetMessageId === statement.internetMessageId,
    );
    await w.act({
      type: 'withdrawn',
      by: w.person(STAFF),
      reason: 'Resolved between the teams by telephone.',
    });
    expect((await w.state()).status).toBe('withdrawn');
    const notice = await w.mailTo(HEALTH_STAFF, 'the withdrawal', (m) => m.subject.includes('withdrawn'));
    expect(notice.importance).toBe('high');
    expect(notice.conversationId).toBe(first.conversationId);
    expect(notice.text).toContain('Resolved between the teams by telephone.');
    expect(recordKinds(await w.exported())).toContain('withdrawn');
  }, 90_000);
});
