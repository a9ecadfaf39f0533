/**
 * Issue 10, "Done when": the ANE procedure's exceptional routes, each through `createApp`, the real
 * adapters, the emulator and the test clock (tests/support/journey.ts), asserting what each person
 * receives. The main ladder (with the Stage 3 decline and re-booking) is
 * tests/integration/ane-journey.test.ts.
 *
 * Routes (seed 000): no response to Stage 1 by its 5 working days (the Team Manager chases on the
 * thread, then treats it as not agreed) and the 20 working days passing; the Team Manager raising it
 * informally with their counterpart instead of Stage 1, which resolves it; the Team Manager
 * accepting the decision instead ("or accept the decision"); the Service Manager accepting the
 * decision instead of Stage 2.
 */

import { describe, expect, it } from 'vitest';
import { actionsOf, textOf } from '../bot/harness.ts';
import type { AdminMail } from '../support/concord-app.ts';
import { aneStageOne, type Journey, journeyPerTest, plain, recordKinds } from '../support/journey.ts';

const RAISE = { raiser: 'ane-practitioner', raising: 'ane', counterpart: 'gateshead' } as const;
const TM = 'ane-team-manager';
const SM = 'ane-service-manager';
const GATESHEAD_TM = 'team.manager@gateshead.example';

const open = journeyPerTest({ sample: 'ane', procedureId: 'ane' });

/** The Team Manager raises Stage 1; its email reaches the Gateshead Team Manager from their mailbox. */
async function stageOne(w: Journey): Promise<AdminMail> {
  const mail = await aneStageOne(w);
  expect(mail.from?.emailAddress.address).toBe('team.manager@ane.example');
  expect(mail.text).toContain('Monday 18 January 2027 (within 5 working days)');
  return mail;
}

describe('ANE: the exceptional routes, end to end', () => {
  it('no response by the deadline: the Team Manager chases on the thread, then treats it as not agreed; the Service Manager is asked; the 20 working days pass', async () => {
    const w = await open();
    await w.raise(RAISE);
    const statement = await stageOne(w);
    // Monday 11 January + 5 working days: the end of Monday 18 January.
    await w.advanceTo('2027-01-18T17:00:00.000Z');
    expect(w.cardTexts(TM).some((t) => t.includes('No response by the deadline'))).toBe(false);
    await w.advanceTo('2027-01-19T09:00:00.000Z');
    await w.cardTo(TM, 'the no-response card', (t) => t.includes('No response by the deadline'));
    await w.act({ type: 'chase', by: w.person(TM), note: 'Please reply today if you can.' });
    const chase = await w.mailTo(
      GATESHEAD_TM,
      'the chase',
      (m) => m.internetMessageId !== statement.internetMessageId,
    );
    expect(chase.importance).toBe('high');
    expect(chase.conversationId).toBe(statement.conversationId);
    expect(chase.text).toContain('A response was due by Monday 18 January 2027 and has not been received.');
    expect(chase.text).toContain('Please reply today if you can.');
    await w.cardTo(TM, 'the chased card', (t) => t.includes('Response chased'));
    await w.act({ type: 'acknowledged', by: w.person(TM), agreed: false });
    const s = await w.next('not agreed');
    expect(s.stage.awaiting?.id).toBe(SM);
    await w.cardTo(SM, 'the Stage 2 decision', (t) => t.includes('Stage 2'));
    // Stage 1's outcome on the record: no response, not a reply that was not agreed.
    expect((await w.state()).outcomes.at(-1)?.summary).toEqual({ kind: 'no-response' });
    // The overall limit: 20 working days from Stage 1 (Monday 11 January) is Monday 8 February.
    await w.advanceTo('2027-02-09T09:00:00.000Z');
    const owner = (await w.state()).owner.id;
    const overall = await w.cardTo(owner, 'the overall limit card', (t) => t.includes('has passed'));
    expect(plain(textOf(overall.card))).toContain('The procedure sets this as a maximum.');
    expect(recordKinds(await w.exported())).toEqual(
      expect.arrayContaining(['stage-overdue', 'chased', 'stage-unresolved', 'overall-limit-passed']),
    );
  }, 120_000);

  it('raised informally with the counterpart Team Manager instead of Stage 1: resolved, and confirmed to them in writing', async () => {
    const w = await open();
    await w.raise(RAISE);
    await w.next('raise');
    await w.act({ type: 'decision', by: w.person(TM), choice: 'informal' });
    await w.cardTo(
      TM,
      'the informal card',
      (t) => t.includes('Raise it informally') && t.includes('Team Manager, Gateshead'),
    );
    await w.act({
      type: 'informal-outcome',
      by: w.person(TM),
      resolved: true,
      summary: 'Spoke to the Gateshead Team Manager: the review is brought forward to 15 January.',
    });
    expect((await w.state()).status).toBe('resolved');
    const confirmation = await w.writtenConfirmationTo(GATESHEAD_TM);
    expect(confirmation.importance).toBe('high');
    expect(confirmation.text).toContain('the review is brought forward');
    const kinds = recordKinds(await w.exported());
    expect(kinds).toEqual(expect.arrayContaining(['decided-informal', 'informal-contact', 'resolved']));
    expect(kinds).not.toContain('stage-email-sent');
  }, 90_000);

  it('the Team Manager accepts the decision instead of Stage 1: it ends, the practitioner is told, and Gateshead, never approached, receives nothing', async () => {
    const w = await open();
    await w.raise(RAISE);
    const s = await w.next('raise');
    expect(s.stage).toMatchObject({ phase: 'awaiting-decision', nextStageId: 'stage-1' });
    const offer = await w.cardTo(TM, 'the Stage 1 decision card', (_t, c) =>
      actionsOf(c.card).some((a) => a.verb === 'accept'),
    );
    // The three choices the procedure gives the Team Manager, as buttons.
    expect(actionsOf(offer.card).map((a) => a.title)).toEqual([
      'Send Stage 1 email',
      'Raise informally',
      'Accept the decision',
    ]);
    await w.act({
      type: 'decision',
      by: w.person(TM),
      choice: 'accept',
      reason: 'The placement plan is reasonable; the practitioner and I accept it.',
    });
    expect((await w.state()).status).toBe('accepted');
    await w.cardTo(RAISE.raiser, 'the decision-accepted card', (t) => t.includes('Decision accepted'));
    expect(await w.disputeMail(GATESHEAD_TM)).toEqual([]);
    const kinds = recordKinds(await w.exported());
    expect(kinds).toContain('decision-accepted');
    expect(kinds).not.toContain('stage-email-sent');
  }, 90_000);

  it('not agreed at Stage 1, and the Service Manager accepts the decision: it ends, the raiser is told, and Gateshead is told in writing on the thread', async () => {
    const w = await open();
    await w.raise(RAISE);
    const statement = await stageOne(w);
    await w.reply(GATESHEAD_TM, statement, 'We will not change the plan: the placement is stable.');
    await w.settled('the reply', async () =>
      (await w.state()).stage.phase === 'awaiting-acknowledgement' ? true : undefined,
    );
    await w.cardTo(TM, 'the review-reply card', (t) => t.includes('the placement is stable'));
    await w.act({ type: 'acknowledged', by: w.person(TM), agreed: false });
    const ack = await w.mailTo(GATESHEAD_TM, 'the acknowledgement', (m) => /not agreed/.test(m.text));
    expect(ack.conversationId).toBe(statement.conversationId);
    await w.next('not agreed');
    await w.act({
      type: 'decision',
      by: w.person(SM),
      choice: 'accept',
      reason: 'The placement is stable; accepted.',
    });
    expect((await w.state()).status).toBe('accepted');
    await w.cardTo(RAISE.raiser, 'the decision-accepted card', (t) => t.includes('Decision accepted'));
    const confirmation = await w.writtenConfirmationTo(GATESHEAD_TM);
    expect(confirmation.importance).toBe('high');
    expect(confirmation.text).toContain('accepted the decision');
    expect(recordKinds(await w.exported())).toContain('decision-accepted');
  }, 90_000);
});
