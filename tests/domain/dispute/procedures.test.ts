/**
 * Every procedure, walked with a simulated clock from raising to every way it can end: resolved at
 * each stage, taken to the final stage, and each exceptional route.
 */

import { describe, expect, it } from 'vitest';
import { cardViewOf } from '../../../src/cards/wording/cards.ts';
import { outcomeText } from '../../../src/cards/wording/records.ts';
import type { Effect } from '../../../src/domain/dispute/types.ts';
import { emailViewOf } from '../../../src/email/wording.ts';
import { getProcedure, PROCEDURE_IDS } from '../../../src/procedures/index.ts';
import { person } from './fixtures.ts';
import { raise, settle, step, walkTo } from './walker.ts';

const urgencyFor = (id: string) => (id === 'dudley-dscb' ? 'within-24-hours' : undefined);
const emails = (effects: Effect[]) =>
  effects.filter((e): e is Extract<Effect, { type: 'send-email' }> => e.type === 'send-email');

describe.each(PROCEDURE_IDS.map((id) => [id]))('%s', (id) => {
  const procedure = getProcedure(id)!;
  const urgency = urgencyFor(id);

  it.each(procedure.stages.map((s, i) => [s.id, i]))('can be resolved at %s', (_stageId, index) => {
    const w = raise(procedure, urgency ? { urgency } : {});
    const stage = procedure.stages[index as number]!;
    if (!stage.formal && w.s.stage.index === index) {
      // The informal stage resolves through the decider's informal approach to the counterpart.
      const by = w.s.stage.awaiting!;
      if (procedure.stages[1]?.entry?.informalOption) {
        w.send({ type: 'decision', by, choice: 'informal' });
        w.send({ type: 'informal-outcome', by, resolved: true, summary: 'Agreed informally.' });
      } else {
        // No informal option in the data: the person deciding marks it resolved before escalating.
        w.send({ type: 'resolved', by, summary: 'Resolved between the two parties.' });
      }
    } else {
      walkTo(w, index as number);
      settle(w, true);
    }
    expect(w.s.status).toBe('resolved');
    expect(w.s.stage.index).toBe(index);
    expect(w.s.outcomes.at(-1)?.resolved).toBe(true);
    // Nothing keeps ticking once it is resolved.
    const cancelled = w.lastOf('cancel-timer').map((c) => c.key);
    if (w.s.stage.due) expect(cancelled).toContain(`w1:${w.s.stage.id}:stage-deadline`);
    expect(w.lastOf('send-card').some((c) => c.to.id === w.s.owner.id)).toBe(true);
  });

  it('can be taken to the final stage, and ends there unresolved or with its exceptional routes offered', () => {
    const w = raise(procedure, urgency ? { urgency } : {});
    walkTo(w, procedure.stages.length - 1);
    settle(w, false);
    const finalRoutes = procedure.exceptionalRoutes.filter((r) =>
      r.from.includes(procedure.stages.at(-1)!.id),
    );
    if (finalRoutes.length > 0) {
      expect(w.s.status).toBe('open');
      expect(['awaiting-decision', 'awaiting-owner']).toContain(w.s.stage.phase);
      const verbs = w.lastOf('send-card').flatMap((c) => cardViewOf(c).actions.map((a) => a.verb));
      for (const r of finalRoutes) expect(verbs).toContain(`refer:${r.id}`);
    } else {
      expect(w.s.status).toBe('unresolved');
    }
  });

  it.each(procedure.exceptionalRoutes.map((r) => [r.id]))(
    'can take the exceptional route %s and record its outcome',
    (routeId) => {
      const route = procedure.exceptionalRoutes.find((r) => r.id === routeId)!;
      const from = procedure.stages.findIndex((s) => s.id === route.from[0]);
      const w = raise(procedure, urgency ? { urgency } : {});
      walkTo(w, from);
      // End the stage unresolved, so its routes open.
      for (let i = 0; i < 10 && !['awaiting-decision', 'awaiting-owner'].includes(w.s.stage.phase); i++)
        step(w, false);
      const by = w.s.stage.awaiting!;
      w.send({
        type: 'exceptional-referral',
        by,
        routeId: route.id,
        reason: 'The matter remains unresolved.',
      });
      expect(w.s.stage.phase).toBe('exceptional');
      if (route.sentOutsideConcord) {
        // Concord cannot send by that means: the decider sends it, and records that it went.
        expect(w.lastOf('send-email')).toEqual([]);
        w.send({ type: 'referral-sent', by });
        w.send({ type: 'outcome-recorded', by, resolved: true, summary: 'Resolved by the referral.' });
        expect(w.s.status).toBe('resolved');
        return;
      }
      const [referral] = w.lastOf('send-email');
      expect(referral).toMatchObject({ template: 'referral', importance: 'high' });
      expect(referral?.to[0]?.organisationId).toBe('board');
      expect((referral && emailViewOf(referral))?.paragraphs).toContain(route.quote);
      if (route.means)
        expect((referral && emailViewOf(referral))?.paragraphs.join(' ')).toContain(route.means);
      w.send({ type: 'outcome-recorded', by, resolved: true, summary: 'Resolved by the referral.' });
      expect(w.s.status).toBe('resolved');
    },
  );
});

describe('procedure-specific rules', () => {
  it('Dudley: the urgency chosen sets the deadline, and the Head of Safeguarding is copied at 3a', () => {
    const dudley = getProcedure('dudley-dscb')!;
    const w = raise(dudley, { urgency: 'within-24-hours' });
    expect(w.s.stage.due).toBe('2026-11-24T10:00:00.000Z');
    const immediate = raise(dudley, { urgency: 'immediately' });
    expect(Date.parse(immediate.s.stage.due!) - Date.parse('2026-11-23T10:00:00Z')).toBeLessThanOrEqual(
      3_600_000,
    );
    const longer = raise(dudley, { urgency: 'longer-period' });
    expect(longer.s.stage.due).toBeNull();
    walkTo(
      w,
      dudley.stages.findIndex((s) => s.id === 'stage-3a'),
    );
    const copied = emails(w.effects).filter((e) => e.to.some((p) => p.id.endsWith('head-of-safeguarding')));
    expect(copied).toHaveLength(1);
    expect((copied[0] && emailViewOf(copied[0]))?.paragraphs.join(' ')).toMatch(
      /Head of Safeguarding should be copied/,
    );
  });

  it('Dudley: a raise without an urgency is refused with the levels to choose from', () => {
    const dudley = getProcedure('dudley-dscb')!;
    const w = raise(getProcedure('ane')!);
    void w;
    const refusal = (() => {
      try {
        raise(dudley);
        return null;
      } catch (e) {
        return String(e);
      }
    })();
    expect(refusal).toMatch(/urgency-required/);
  });

  it('IRO: responses return to the IRO, only the IRO closes, the CSSU service manager is informed once, and the IRO may bypass', () => {
    const iro = getProcedure('iro-drp')!;
    const w = raise(iro, { hosts: ['la', 'partner'] });
    const owner = person('la', 'iro');
    expect(w.s.owner).toEqual(owner);
    expect(w.s.stage.due).toBe('2026-11-30T23:59:59.999Z');
    expect(w.s.overallDue).toBe('2026-12-21T23:59:59.999Z');
    walkTo(w, 1);
    // The group manager responds; the record is reassigned back to the IRO. Their card says what
    // must not go on the child's file.
    const gm = w.s.stage.awaiting!;
    const gmCard = w.effects.filter((e) => e.type === 'send-card' && e.to.id === gm.id).at(-1);
    expect(gmCard?.type === 'send-card' && cardViewOf(gmCard).text.join(' ')).toMatch(
      /performance of individual staff/,
    );
    expect(gm.id).toBe('partner.group-manager');
    w.send({ type: 'outcome-recorded', by: gm, resolved: true, summary: 'Guidance and direction given.' });
    expect(w.s.stage).toMatchObject({ phase: 'awaiting-owner', awaiting: owner });
    expect(w.refused({ type: 'resolved', by: gm, summary: 'Done' }).reason).toBe('not-allowed-to-close');
    w.send({ type: 'decision', by: owner, choice: 'escalate' });
    const informs = emails(w.effects).filter((e) => e.template === 'inform');
    expect(informs.map((e) => e.to[0]?.id)).toEqual(['la.cssu-service-manager']);
    w.send({ type: 'outcome-recorded', by: w.s.stage.awaiting!, resolved: true, summary: 'Agreed.' });
    w.send({ type: 'resolved', by: owner, summary: 'Authorised.' });
    expect(w.s.status).toBe('resolved');
    expect(w.refused({ type: 'closed', by: person('partner', 'service-manager') }).reason).toBe(
      'not-allowed-to-close',
    );
    w.send({ type: 'closed', by: owner });
    expect(w.s.status).toBe('closed');

    const b = raise(iro, { hosts: ['la', 'partner'] });
    b.send({
      type: 'bypass',
      by: owner,
      toStageId: 'stage-4',
      reason: 'Drift is harming the child; escalating to the Assistant Director.',
    });
    expect(b.s.stage.id).toBe('stage-4');
    // "This must happen by the time the dispute has been escalated to the Service Manager (stage 3)":
    // passing over Stage 3 does not pass over informing the CSSU service manager.
    expect(
      emails(b.effects)
        .filter((e) => e.template === 'inform')
        .map((e) => e.to[0]?.id),
    ).toEqual(['la.cssu-service-manager']);
    expect(b.s.informed).toContain('raising:cssu-service-manager');
    expect(b.refused({ type: 'bypass', by: owner, toStageId: 'stage-2', reason: 'back' }).reason).toBe(
      'stage-skip-not-allowed',
    );
  });

  it('NEL: the 25-working-day usual limit runs from raising, and Stage 2 is ideally within 15 working days unless agreed otherwise', () => {
    const nel = getProcedure('nel-lscb-sab')!;
    const w = raise(nel);
    // 25 working days from Monday 23 Nov 2026, past Christmas Day and the Boxing Day substitute (Mon 28 Dec).
    expect(w.s.overallDue).toBe('2026-12-30T23:59:59.999Z');
    walkTo(w, 2);
    expect(w.s.stage.dueDate).toBe('2026-12-14');
    const agreed = raise(nel);
    walkTo(agreed, 1);
    for (let i = 0; i < 10 && agreed.s.stage.phase !== 'awaiting-decision'; i++) step(agreed, false);
    agreed.send({ type: 'decision', by: agreed.s.stage.awaiting!, choice: 'escalate', agreedWorkingDays: 3 });
    expect(agreed.s.stage.id).toBe('stage-2');
    expect(agreed.s.stage.dueDate).toBe('2026-11-26');
  });

  it('NEL: the Stage 4 decision’s written confirmation says it is relayed the day it is made, in one step; earlier stages carry no such rule', () => {
    const nel = getProcedure('nel-lscb-sab')!;
    const w = raise(nel);
    walkTo(w, 4);
    settle(w, true);
    expect(w.s.status).toBe('resolved');
    const confirmations = emails(w.last).filter((e) => e.template === 'written-confirmation');
    expect(confirmations).toHaveLength(1);
    const c = confirmations[0]!;
    const decidedAt = w.s.outcomes.at(-1)!.at;
    expect(c.message).toMatchObject({
      kind: 'written-confirmation',
      sameDay: { decidedAt, quote: expect.stringContaining('on the day the decision is made') },
    });
    // From the raising AD to everyone else taking part: both parties' seniors and heads of service.
    expect(c.from.id).toBe('la.assistant-director');
    expect([...c.to, ...(c.cc ?? [])].map((p) => p.id)).toEqual(
      expect.arrayContaining(['la.head-of-service', 'partner.head-of-service', 'partner.assistant-director']),
    );
    expect(emailViewOf(c).paragraphs.join(' ')).toContain('the procedure asks that it is relayed that day');
    const early = raise(nel);
    walkTo(early, 1);
    settle(early, true);
    const first = emails(early.last).find((e) => e.template === 'written-confirmation');
    expect(first?.message).not.toHaveProperty('sameDay');
  });

  it('Solihull: the raiser gets feedback at every stage, and a conflict of interest goes to the Independent Chair instead of Stage 4', () => {
    const solihull = getProcedure('solihull-ssab')!;
    const w = raise(solihull);
    const raiser = w.s.raisedBy;
    walkTo(w, 3);
    const feedback = w.effects.filter(
      (e) => e.type === 'send-card' && e.card === 'feedback' && e.to.id === raiser.id,
    );
    expect(feedback.length).toBeGreaterThanOrEqual(3);
    const c = raise(solihull);
    walkTo(c, 2);
    for (let i = 0; i < 10 && c.s.stage.phase !== 'awaiting-decision'; i++) step(c, false);
    const verbs = c.lastOf('send-card').flatMap((card) => cardViewOf(card).actions.map((a) => a.verb));
    expect(verbs).toEqual(
      expect.arrayContaining(['escalate', 'refer:independent-chair-conflict-of-interest']),
    );
  });
});

describe('IRO authorisation keeps what the responder recorded', () => {
  it('the IRO authorising a returned response keeps its summary and tracks its agreed actions', () => {
    const iro = getProcedure('iro-drp')!;
    const w = raise(iro, { hosts: ['la', 'partner'] });
    const owner = person('la', 'iro');
    walkTo(w, 1);
    const gm = w.s.stage.awaiting!;
    w.send({
      type: 'outcome-recorded',
      by: gm,
      resolved: true,
      summary: 'Direction given: contact plan reinstated.',
      actions: [{ description: 'Reinstate weekly contact', owner: 'Team Manager', dueDate: '2026-12-04' }],
    });
    w.send({ type: 'resolved', by: owner, summary: 'Authorised.' });
    expect(w.s.status).toBe('resolved');
    const last = w.s.outcomes.at(-1);
    expect(last && { ...last, summary: outcomeText(last.summary) }).toMatchObject({
      summary: 'Direction given: contact plan reinstated. (Authorised.)',
      actions: [{ description: 'Reinstate weekly contact', owner: 'Team Manager', dueDate: '2026-12-04' }],
    });
    expect(w.lastOf('set-timer').some((t) => t.kind === 'action-due')).toBe(true);
  });
});
