/**
 * Issue 10, "Done when": the IRO DRP's CAFCASS referral through `createApp`, the real adapters, the
 * emulator and the test clock (tests/support/journey.ts). Seed 002: "Should escalation CAFCASS this
 * will be done in writing and sent securely via the Egress email system." Concord cannot send by
 * Egress, so it gives the IRO the referral to send and records when it went (`sentOutsideConcord`).
 * Its own file because it walks all six stages first; the other IRO routes are in
 * exceptional-routes-iro.test.ts.
 */

import { describe, expect, it } from 'vitest';
import { textOf } from '../bot/harness.ts';
import { journeyPerTest, plain, recordKinds } from '../support/journey.ts';

const RAISE = {
  raiser: 'northborough-cssu-iro',
  raising: 'northborough-cssu',
  counterpart: 'northborough-csc',
} as const;
const IRO = 'northborough-cssu-iro';
const CAFCASS = 'service.manager@cafcass.example';

const open = journeyPerTest({ sample: 'iro', procedureId: 'iro-drp' });

describe('IRO DRP: the CAFCASS referral, end to end', () => {
  it('CAFCASS: after the Chief Executive, the IRO gets the referral to send by Egress; Concord records when it went and its outcome, and emails no one at CAFCASS', async () => {
    const w = await open();
    await w.raise(RAISE);
    const s = await w.walkTo((x) => x.stage.id === 'stage-6' && x.stage.phase === 'awaiting-owner');
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
    // The record says it was prepared, when it went and by what means, and its outcome.
    const kinds = recordKinds(await w.exported());
    expect(kinds).toEqual(
      expect.arrayContaining(['referred', 'referral-prepared', 'referral-sent', 'referral-outcome']),
    );
    const file = await w.caseFileText();
    expect(file).toContain('Referral to CAFCASS');
    expect(file).toContain('Sent by Egress at 10:05.');
    expect(file).toContain('CAFCASS acknowledged the referral');
  }, 120_000);
});
