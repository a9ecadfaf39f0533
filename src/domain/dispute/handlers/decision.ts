/** Deciding on the next stage (escalate, raise informally, accept), its informal outcome, and bypassing stages. */

import type { Stage } from '../../procedure/schema.ts';
import type { EventOf } from '../decide-types.ts';
import { endUnresolved, resolveDispute, writtenConfirmation } from '../ending.ts';
import { isSamePerson, requireAwaiting, requireOpen, requirePhase } from '../guards.ts';
import { refuse } from '../refusal.ts';
import { enterStage, feedbackToRaiser, sendsInActorsName, stageActor } from '../stage-flow.ts';
import type { Transition } from '../transition.ts';
import type { PersonRef } from '../types.ts';
import { validateText } from '../validate.ts';
import { decisionOptions } from './raise.ts';

export function onDecision(t: Transition, event: EventOf<'decision'>): void {
  requireOpen(t);
  requirePhase(t, 'awaiting-decision', 'awaiting-owner');
  const by = requireAwaiting(t, event.by, 'decide');
  const nextId = t.state.stage.nextStageId;
  const nextIndex = nextId ? t.procedure.stages.findIndex((s) => s.id === nextId) : -1;
  const next = t.procedure.stages[nextIndex];
  if (
    event.agreedWorkingDays !== undefined &&
    (!Number.isInteger(event.agreedWorkingDays) ||
      event.agreedWorkingDays < 1 ||
      event.agreedWorkingDays > 60)
  ) {
    refuse('invalid-input', 'agreed-days-out-of-range', { min: 1, max: 60 }, 'agreedWorkingDays');
  }
  switch (event.choice) {
    case 'escalate': {
      if (!next) refuse('option-not-available', 'final-stage');
      t.record({
        contactType: 'card',
        between: [by.name],
        kind: 'decided-escalate',
        params: { by: by.name, stageName: next.name },
        ...(event.reason ? { outcome: event.reason } : {}),
      });
      const actor = stageActor(t, nextIndex, by);
      if (!isSamePerson(actor, by) && sendsInActorsName(t, next, actor)) {
        handOver(t, next, by, actor, event.reason);
        return;
      }
      enterStage(t, nextIndex, {
        decidedBy: by,
        ...(event.statement ? { statement: event.statement } : {}),
        ...(event.agreedWorkingDays !== undefined ? { agreedWorkingDays: event.agreedWorkingDays } : {}),
      });
      return;
    }
    case 'informal': {
      const option = next?.entry?.informalOption;
      if (!option || t.state.stage.phase !== 'awaiting-decision')
        refuse('option-not-available', 'informal-not-available');
      const counterpart = t.resolve(option.with, by);
      t.addParticipants(counterpart);
      t.updateStage({ phase: 'informal-contact', awaiting: by });
      t.record({
        contactType: 'card',
        between: [by.name],
        kind: 'decided-informal',
        params: { by: by.name, quote: option.quote },
      });
      t.sendCard(by, 'informal-outcome', {
        kind: 'informal-contact',
        counterpart: counterpart ? { name: counterpart.name, email: counterpart.email } : null,
        quote: option.quote,
      });
      return;
    }
    case 'accept': {
      if (!next) {
        // After the final stage: end here without a further referral.
        endUnresolved(t, event.reason ?? { kind: 'ended-after-final-stage', by: by.name });
        return;
      }
      if (!next.entry?.acceptOption) {
        refuse('option-not-available', 'accept-not-available');
      }
      const owner = t.state.owner;
      if (t.procedure.record.outcomesReturnTo && owner && !isSamePerson(owner, by)) {
        // Only the owner authorises the record (IRO): advice against the next stage returns it to them.
        adviseAgainst(t, next, by, owner, event.reason);
        return;
      }
      t.cancelStageTimers();
      t.cancelOverallTimers();
      t.update({ status: 'accepted', endedAt: t.ctx.now });
      t.updateStage({ phase: 'ended', awaiting: null });
      t.record({
        contactType: 'card',
        between: [by.name],
        kind: 'decision-accepted',
        params: { by: by.name },
        ...(event.reason ? { outcome: event.reason } : {}),
      });
      if (!isSamePerson(by, t.state.raisedBy)) {
        t.sendCard(t.state.raisedBy, 'status', { kind: 'decision-accepted', by: by.name }, 'status');
      }
      // The other side was told escalation would be considered: confirm in writing that it ends here.
      if (t.state.participants.some((p) => p.organisationId === t.state.counterpartOrganisationId)) {
        writtenConfirmation(t, { kind: 'accepted', by: by.name, reason: event.reason ?? null }, []);
      }
      return;
    }
  }
}

export function onInformalOutcome(t: Transition, event: EventOf<'informal-outcome'>): void {
  requireOpen(t);
  requirePhase(t, 'informal-contact');
  const by = requireAwaiting(t, event.by, 'record-informal-outcome');
  const summary = validateText(event.summary, 'what-happened', 4000, 'summary');
  t.record({
    contactType: 'discussion',
    between: [by.name],
    kind: 'informal-contact',
    params: {},
    outcome: summary,
  });
  if (event.resolved) {
    resolveDispute(t, { resolved: true, summary, actions: [], recordedBy: by.name });
    return;
  }
  const nextId = t.state.stage.nextStageId;
  if (!nextId) refuse('wrong-phase', 'nothing-to-decide');
  t.updateStage({ phase: 'awaiting-decision', awaiting: by });
  t.sendCard(by, 'decision', {
    kind: 'ask-decision',
    after: 'informal',
    nextStageId: nextId,
    nextStageName: t.procedure.stages.find((s) => s.id === nextId)?.name ?? nextId,
    reason: summary,
    options: decisionOptions(t, nextId).filter((o) => o.verb !== 'informal'),
  });
  return;
}

export function onBypass(t: Transition, event: EventOf<'bypass'>): void {
  requireOpen(t);
  const rule = t.procedure.stageOrder.bypass;
  if (!rule) refuse('stage-skip-not-allowed', 'no-bypass', { procedure: t.procedure.shortName });
  const allowed = t.resolve(rule.by, t.state.raisedBy);
  if (!isSamePerson(allowed, event.by) && !isSamePerson(t.state.owner, event.by)) {
    refuse('not-your-step', 'only-role-bypasses', { role: t.roleLabel(rule.by.role) });
  }
  const index = t.procedure.stages.findIndex((s) => s.id === event.toStageId);
  if (index < 0) refuse('unknown-stage', 'no-such-stage', { stageId: event.toStageId });
  if (index <= t.state.stage.index) refuse('stage-skip-not-allowed', 'only-forward');
  const reason = validateText(event.reason, 'reason', 2000, 'reason');
  const skipped = t.procedure.stages.slice(t.state.stage.index + 1, index).map((s) => s.name);
  t.record({
    contactType: 'card',
    between: [event.by.name],
    kind: 'bypassed',
    params: { stageName: t.procedure.stages[index]?.name ?? event.toStageId, skipped },
    outcome: reason,
  });
  enterStage(t, index, { decidedBy: event.by });
}

/** The adviser advised against `next`: the record returns to its owner, who authorises or ends it. */
function adviseAgainst(t: Transition, next: Stage, by: PersonRef, owner: PersonRef, reason?: string): void {
  t.updateStage({ phase: 'awaiting-owner', awaiting: owner });
  delete (t.state.stage as { nextStageId?: string }).nextStageId;
  t.record({
    contactType: 'card',
    between: [by.name, owner.name],
    kind: 'advised-against',
    params: { by: by.name, stageName: next.name, owner: owner.name },
    ...(reason ? { outcome: reason } : {}),
  });
  const returned = t.state.outcomes.at(-1);
  t.sendCard(owner, 'owner-decision', {
    kind: 'ask-owner-decision',
    summary: reason ?? (typeof returned?.summary === 'string' ? returned.summary : ''),
    advisedAgainst: { by: by.name, stageName: next.name },
    options: [{ verb: 'resolve' }, { verb: 'accept', ending: true }],
  });
}

/**
 * The decider has decided to go to `next`, whose correspondence goes out in someone else's name
 * (Dudley 3b: the Director writes to the other agency's Director). That person reviews the
 * statement and sends it; until then it is their step, and nothing has gone out in their name.
 */
function handOver(t: Transition, next: Stage, by: PersonRef, actor: PersonRef, reason?: string): void {
  t.addParticipants(actor);
  t.updateStage({ phase: 'awaiting-decision', awaiting: actor, nextStageId: next.id });
  t.record({
    contactType: 'card',
    between: [by.name, actor.name],
    kind: 'handed-to-sender',
    params: { by: by.name, to: actor.name, stageName: next.name },
    ...(reason ? { outcome: reason } : {}),
  });
  t.sendCard(actor, 'decision', {
    kind: 'ask-decision',
    after: 'handover',
    nextStageId: next.id,
    nextStageName: next.name,
    decidedBy: by.name,
    ...(next.entry ? { quote: next.entry.quote } : {}),
    options: [{ verb: 'escalate', stageName: next.name }],
  });
  feedbackToRaiser(t, t.stage, { kind: 'with-decider', decider: actor.name, stageName: next.name });
}
