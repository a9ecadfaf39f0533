/**
 * Issue 10, "Done when": the IRO DRP past the Assistant Director, through `createApp`, the real
 * adapters, the emulator and the test clock (tests/support/journey.ts). Seed 002:
 * - "If after escalation to the Director WCL the dispute remains unresolved discussions between all
 *   parties will take place and the Director will advise whether the dispute should be escalated to
 *   the Chief Executive." The Chief Executive stage is entered on the Director's advice, not on the
 *   IRO's own escalation; advised against, the record returns to the IRO, who alone authorises it.
 * - "Should escalation CAFCASS this will be done in writing and sent securely via the Egress email
 *   system." Concord cannot send by Egress, so it gives the IRO the referral to send and records
 *   when it went (`sentOutsideConcord`).
 * Its own file because these walk to the Director first; the other IRO routes are in
 * exceptional-routes-iro.test.ts.
 */

import { describe, expect, it } from 'vitest';
import { actionsOf, textOf } from '../bot/harness.ts';
import { type Journey, journeyPerTest, plain, recordKinds } from '../support/journey.ts';

const RAISE = {
  raiser: 'northborough-cssu-iro',
  raising: 'northborough-cssu',
  counterpart: 'northborough-csc',
} as const;
const IRO = 'northborough-cssu-iro';
const DIRECTOR = 'northborough-csc-director';
const CHIEF_EXECUTIVE = 'northborough-csc-chief-executive';
const CAFCASS = 'service.manager@cafcass.example';
const ADVICE = 'Advise whether to escalate to Chief Executive';

const open = journeyPerTest({ sample: 'iro', procedureId: 'iro-drp' });

/** The Director's card asking for their advice, once the Stage 5 meeting has not resolved it. */
async function directorAsked(w: Journey) {
  const s = await w.next('the Director WCL outcome');
  expect(s.stage.id).toBe('stage-5');
  expect(s.stage.phase).toBe('awaiting-decision');
  expect(s.stage.awaiting?.id).toBe(DIRECTOR);
  const card = await w.cardTo(DIRECTOR, 'the advice card', (t) => t.includes(ADVICE));
  const text = plain(textOf(card.card));
  expect(text).toContain('the Director will advise whether the dispute should be escalated');
  expect(text).toContain('the record returns to Independent Reviewing Officer');
  expect(actionsOf(card.card).map((a) => a.title)).toEqual(['Escalate to Chief Executive', 'Advise against']);
  // The IRO holds the record but does not decide this: their escalation is refused, and nobody is
  // offered the Chief Executive but the Director.
  const refused = await w.tryAct({ type: 'decision', by: w.person(IRO), choice: 'escalate' });
  expect(refused.ok).toBe(false);
  expect(w.cardTexts(IRO).some((t) => t.includes(ADVICE))).toBe(false);
  return s;
}

describe('IRO DRP: the Director advises on the Chief Executive; CAFCASS by Egress, end to end', () => {
  it('Director advises against the Chief Executive: the record returns to the IRO, who alone ends it; the Chief Executive receives nothing', async () => {
    const w = await open();
    await w.raise(RAISE);
    const iro = w.person(IRO);
    // The IRO takes the record straight to the Director WCL (a bypass) to reach this quickly.
    await w.act({
      type: 'bypass',
      by: iro,
      toStageId: 'stage-5',
      reason: 'The placement ends on Friday; it needs the Director.',
    });
    const director = w.person(DIRECTOR);
    let s = await w.next('the bypass');
    expect(s.stage.id).toBe('stage-5');
    expect(s.stage.awaiting?.id).toBe(DIRECTOR);
    await w.act({
      type: 'outcome-recorded',
      by: director,
      resolved: false,
      summary: 'Direction not enough.',
    });
    s = await w.next('the Director WCL guidance');
    expect(s.stage.phase).toBe('meeting-booked');
    s = await w.holdMeeting(s);
    await w.act({
      type: 'outcome-recorded',
      by: director,
      resolved: false,
      summary: 'Met with the Assistant Director and service managers: still unresolved.',
      minutes: 'Minutes: positions heard; no agreement.',
    });
    await directorAsked(w);

    await w.act({
      type: 'decision',
      by: director,
      choice: 'accept',
      reason: 'A further escalation would add delay; the plan stands as directed.',
    });
    s = await w.next('the advice against');
    expect(s.stage.phase).toBe('awaiting-owner');
    expect(s.stage.awaiting?.id).toBe(IRO);
    const back = await w.cardTo(IRO, 'the record returned with the advice', (t) =>
      t.includes('advised against Chief Executive'),
    );
    const backText = plain(textOf(back.card));
    expect(backText).toContain('the record is back with you to authorise');
    expect(backText).toContain('A further escalation would add delay');
    expect(actionsOf(back.card).map((a) => a.title)).toEqual([
      'Authorise as resolved',
      'End without referral',
    ]);
    // Advised against, the Chief Executive is not an option for anyone, and CAFCASS is not yet open.
    const again = await w.tryAct({ type: 'decision', by: iro, choice: 'escalate' });
    expect(again.ok).toBe(false);
    const referral = await w.tryAct({
      type: 'exceptional-referral',
      by: iro,
      routeId: 'cafcass',
      reason: 'x',
    });
    expect(referral.ok).toBe(false);
    // The Director cannot close it: only the IRO authorises the record.
    const closedByDirector = await w.tryAct({ type: 'decision', by: director, choice: 'accept' });
    expect(closedByDirector.ok).toBe(false);

    await w.act({ type: 'decision', by: iro, choice: 'accept' });
    const ended = await w.state();
    expect(ended.status).toBe('unresolved');
    expect(w.cardTexts(CHIEF_EXECUTIVE)).toEqual([]);
    expect(await w.disputeMail('chief.executive@childrens.northborough.example')).toEqual([]);
    // The written outcome reaches the social care side, from the Director whose stage it was.
    await w.writtenConfirmationTo('team.manager@childrens.northborough.example');
    expect(recordKinds(await w.exported())).toEqual(
      expect.arrayContaining(['advice-asked', 'advised-against']),
    );
    const file = await w.caseFileText();
    expect(file).toContain('Director WCL, Northborough Children');
    expect(file).toContain('advised against escalating to Chief Executive');
    expect(file).toContain('A further escalation would add delay');
  }, 120_000);

  it('CAFCASS: the Director advises the Chief Executive, who reviews and sends the letter; unresolved, the IRO gets the referral to send by Egress, and Concord records when it went and emails no one at CAFCASS', async () => {
    const w = await open();
    await w.raise(RAISE);
    await w.walkTo((x) => x.stage.id === 'stage-5' && x.stage.phase === 'awaiting-decision');
    await directorAsked(w);
    // "In the event of escalation above Assistant Director the IRO will share the DRP report
    // electronically": the Director WCL stage's letter carries what happened at each stage before it.
    const report = await w.mailTo(
      'assistant.director@childrens.northborough.example',
      'the Director WCL letter',
      (m) => m.subject.includes('Director WCL'),
    );
    expect(report.importance).toBe('high');
    expect(report.text).toContain('What has happened so far:');
    for (const stage of ['Stage one', 'Stage two', 'Stage three', 'Stage four'])
      expect(report.text).toContain(`${stage}.`);
    const director = w.person(DIRECTOR);
    await w.act({ type: 'decision', by: director, choice: 'escalate' });
    // The Chief Executive's letter goes out in their name: they review it and send it.
    let s = await w.next('the Director’s advice');
    expect(s.stage.awaiting?.id).toBe(CHIEF_EXECUTIVE);
    await w.cardTo(CHIEF_EXECUTIVE, 'the review-and-send card', (t) =>
      /Director WCL[^.]* decided to take this to Chief Executive\. It goes out in your name/.test(t),
    );
    await w.act({ type: 'decision', by: w.person(CHIEF_EXECUTIVE), choice: 'escalate' });
    s = await w.next('the Chief Executive’s letter');
    expect(s.stage.id).toBe('stage-6');
    // The IRO and the Director have the Chief Executive's letter, High Importance, naming the case.
    for (const address of ['iro@cssu.northborough.example', 'director@childrens.northborough.example']) {
      const letter = await w.mailTo(address, 'the Chief Executive letter', (m) =>
        m.subject.includes('Chief Executive'),
      );
      expect(letter.importance).toBe('high');
      expect(letter.subject).toContain(w.caseReference);
    }

    // "If this is not possible the Chief Executive may wish to meet with the parties": their outcome
    // card offers a meeting; clicked, it is booked on their own calendar with the IRO and the
    // Director required, and the others of the procedure's list invited as optional.
    expect(s.stage.phase).toBe('awaiting-outcome');
    expect(s.stage.awaiting?.id).toBe(CHIEF_EXECUTIVE);
    await w.clickOn(CHIEF_EXECUTIVE, 'the outcome card offering a meeting', 'request-meeting');
    const booked = await w.settled('the Chief Executive’s meeting', async () => {
      const x = await w.state();
      return x.stage.phase === 'meeting-booked' ? x : undefined;
    });
    const meeting = await w.checkMeeting(booked);
    expect(meeting.calendar).toBe('chief.executive@childrens.northborough.example');
    const invited = new Map(meeting.event.attendees.map((a) => [a.emailAddress.address, a.type]));
    expect(invited.get('iro@cssu.northborough.example')).toBe('required');
    expect(invited.get('director@childrens.northborough.example')).toBe('required');
    expect(invited.get('assistant.director@childrens.northborough.example')).toBe('optional');
    s = await w.holdMeeting(booked);
    expect(s.stage).toMatchObject({ id: 'stage-6', phase: 'awaiting-outcome' });
    expect(s.stage.awaiting?.id).toBe(CHIEF_EXECUTIVE);

    s = await w.walkTo((x) => x.stage.id === 'stage-6' && x.stage.phase === 'awaiting-owner');
    expect(s.stage.awaiting?.id).toBe(IRO);
    const options = await w.cardTo(IRO, 'the returned record offering CAFCASS', (t) =>
      t.includes('Referral to CAFCASS'),
    );
    expect(options).toBeTruthy();
    const iro = w.person(IRO);

    await w.act({
      type: 'exceptional-referral',
      by: iro,
      routeId: 'cafcass',
      reason: 'Unresolved after the Chief Executive: the plan does not meet the child’s needs.',
    });
    // The IRO has the referral document and the procedure's words on how it goes.
    const referral = await w.cardTo(IRO, 'the send-securely card', (t) =>
      t.includes('send the referral securely'),
    );
    const text = plain(textOf(referral.card));
    expect(text).toContain('Egress');
    expect(text).toContain(CAFCASS);
    expect(text).toContain('Unresolved after the Chief Executive');
    expect(text).toContain('The agencies disagree about whether the threshold');
    // The document carries each stage's outcome, the Director's and the Chief Executive's among them.
    expect(text).toMatch(/Director WCL[^\n]*: Not agreed at this stage\./);
    expect(text).toMatch(/Chief Executive[^\n]*: Not agreed at this stage\./);
    expect(text).toContain('I have sent it as the procedure requires');
    // Concord sent nothing to CAFCASS: it goes by Egress.
    expect(await w.disputeMail(CAFCASS)).toEqual([]);
    expect((await w.state()).stage.phase).toBe('exceptional');

    await w.act({ type: 'referral-sent', by: iro, note: 'Sent by Egress at 10:05.' });
    await w.cardTo(IRO, 'the referral outcome card', (t) =>
      t.includes('Referral to CAFCASS: record the outcome'),
    );
    await w.act({
      type: 'outcome-recorded',
      by: iro,
      resolved: false,
      summary: 'CAFCASS acknowledged the referral and will advise the court.',
    });
    const ended = await w.state();
    expect(ended.status).toBe('unresolved');
    expect(ended.exceptionalRoute).toBe('cafcass');
    expect(await w.disputeMail(CAFCASS)).toEqual([]);
    // The record says the Director was asked, it was prepared, when it went and by what means, and its outcome.
    const kinds = recordKinds(await w.exported());
    expect(kinds).toEqual(
      expect.arrayContaining([
        'advice-asked',
        'handed-to-sender',
        'referred',
        'referral-prepared',
        'referral-sent',
        'referral-outcome',
      ]),
    );
    const file = await w.caseFileText();
    expect(file).toContain('advises whether to escalate to Chief Executive');
    expect(file).toContain('Referral to CAFCASS');
    expect(file).toContain('Sent by Egress at 10:05.');
    expect(file).toContain('CAFCASS acknowledged the referral');
  }, 120_000);
});
