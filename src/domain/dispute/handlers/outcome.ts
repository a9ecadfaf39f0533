/** Recording a stage's outcome (returned to the owner where the procedure says so) and exceptional referrals. */

import { isCalendarDay } from '../../calendar/index.ts';
import type { ExceptionalRoute, Stage } from '../../procedure/schema.ts';
import type { DecisionOption, ReferralDocument } from '../card-intents.ts';
import { emailDetails } from '../channels.ts';
import type { EventOf } from '../decide-types.ts';
import { endUnresolved, resolveDispute, stageUnresolved } from '../ending.ts';
import { isSamePerson, requireAwaiting, requireOpen, requirePhase } from '../guards.ts';
import { bookMeeting } from '../meeting-booking.ts';
import type { StageSoFar } from '../record-intents.ts';
import { refuse } from '../refusal.ts';
import type { Transition } from '../transition.ts';
import type { AgreedAction, PersonRef } from '../types.ts';
import { validateText } from '../validate.ts';

export function onOutcome(t: Transition, event: EventOf<'outcome-recorded'>): void {
  requireOpen(t);
  requirePhase(t, 'awaiting-outcome', 'exceptional');
  const by = requireAwaiting(t, event.by, 'record-outcome');
  const stage = t.stage;
  const summary = validateText(event.summary, 'outcome', 4000, 'summary');
  const minutes = event.minutes?.trim()
    ? validateText(event.minutes, 'minutes', 20_000, 'minutes')
    : undefined;
  const heldMeeting = t.state.stage.meeting?.status === 'held' && t.state.stage.phase !== 'exceptional';
  if (stage.meeting?.minutes && heldMeeting && !minutes) {
    refuse('invalid-input', 'minutes-required', {}, 'minutes');
  }
  const actions = validateActions(event.actions ?? []);
  const outcome = {
    resolved: event.resolved,
    summary,
    actions,
    ...(minutes ? { minutes } : {}),
    recordedBy: by.name,
  };

  if (t.state.stage.phase === 'exceptional') {
    t.record({
      contactType: 'written',
      between: [by.name],
      kind: 'referral-outcome',
      params: { routeId: t.state.exceptionalRoute },
      outcome: summary,
    });
    if (event.resolved) resolveDispute(t, outcome);
    else endUnresolved(t, summary);
    return;
  }

  // Guidance alone did not resolve it, and the procedure says they must then meet (IRO Stages 2–5):
  // the meeting is booked within the stage's timescale instead of the stage ending.
  if (!event.resolved && stage.meeting?.when === 'if-unresolved' && !heldMeeting) {
    t.update({ outcomes: [...t.state.outcomes, { ...outcome, stageId: stage.id, at: t.ctx.now }] });
    t.record({
      contactType: stage.channel,
      between: [by.name],
      kind: 'meeting-required',
      params: { stageName: stage.name, quote: stage.meeting.quote },
      outcome: summary,
    });
    bookMeeting(t, stage, by);
    return;
  }

  const returnsTo = t.procedure.record.outcomesReturnTo;
  const owner = returnsTo ? (t.resolve(returnsTo, t.state.raisedBy) ?? t.state.owner) : null;
  if (owner && !isSamePerson(owner, by)) {
    // IRO: "The record is then reassigned to the IRO." The owner resolves (authorises) or escalates.
    t.update({ outcomes: [...t.state.outcomes, { ...outcome, stageId: stage.id, at: t.ctx.now }] });
    const next = t.nextStage;
    // The next stage is entered on someone else's advice, not the owner's (IRO: "the Director will
    // advise whether the dispute should be escalated to the Chief Executive"): they are asked first.
    const decider = next?.entry?.decidedBy;
    const ownerDecides = !decider || (decider.role === returnsTo?.role && decider.side === returnsTo.side);
    const adviser =
      !event.resolved && decider && !ownerDecides ? t.resolve(decider, t.state.stage.actor ?? by) : null;
    if (next && adviser && !isSamePerson(adviser, owner)) {
      askAdvice(t, { next, adviser, owner, by, summary });
      return;
    }
    t.updateStage({ phase: 'awaiting-owner', awaiting: owner, ...(next ? { nextStageId: next.id } : {}) });
    t.record({
      contactType: stage.channel,
      between: [by.name, owner.name],
      kind: 'returned-to-owner',
      params: { by: by.name, owner: owner.name },
      outcome: summary,
    });
    const options: DecisionOption[] = [{ verb: 'resolve' }];
    if (next) options.push({ verb: 'escalate', stageName: next.name, asEscalation: true });
    for (const r of t.procedure.exceptionalRoutes.filter((r) => r.from.includes(stage.id)))
      options.push({ verb: 'refer', routeId: r.id, routeName: r.name });
    if (!next) options.push({ verb: 'accept', ending: true });
    t.sendCard(owner, 'owner-decision', { kind: 'ask-owner-decision', summary, options });
    return;
  }
  if (event.resolved) {
    resolveDispute(t, outcome);
    return;
  }
  t.update({ outcomes: [...t.state.outcomes, { ...outcome, stageId: stage.id, at: t.ctx.now }] });
  stageUnresolved(t, summary);
}

/**
 * Asks the person whose advice the next stage waits on (the owner is not the decider there). They
 * escalate, or advise against it, and then the record returns to the owner to authorise.
 */
function askAdvice(
  t: Transition,
  o: { next: Stage; adviser: PersonRef; owner: PersonRef; by: PersonRef; summary: string },
): void {
  const { next, adviser, owner, by, summary } = o;
  const entry = next.entry;
  if (!entry) return;
  t.addParticipants(adviser);
  t.updateStage({ phase: 'awaiting-decision', awaiting: adviser, nextStageId: next.id });
  t.record({
    contactType: t.stage.channel,
    between: [by.name, adviser.name],
    kind: 'advice-asked',
    params: { adviser: adviser.name, stageName: next.name, quote: entry.quote },
    outcome: summary,
  });
  const options: DecisionOption[] = [{ verb: 'escalate', stageName: next.name, asEscalation: true }];
  if (entry.acceptOption) options.push({ verb: 'accept', advice: true });
  t.sendCard(adviser, 'decision', {
    kind: 'ask-decision',
    after: 'advice',
    nextStageId: next.id,
    nextStageName: next.name,
    reason: summary,
    quote: entry.quote,
    returnsTo: owner.name,
    options,
  });
}

export function onReferral(t: Transition, event: EventOf<'exceptional-referral'>): void {
  requireOpen(t);
  const route = t.procedure.exceptionalRoutes.find((r) => r.id === event.routeId);
  if (!route)
    refuse('unknown-route', 'unknown-route', { routeId: event.routeId, procedure: t.procedure.shortName });
  if (!route.from.includes(t.state.stage.id)) {
    refuse('route-not-available', 'route-not-available', { route: route.name, after: route.from });
  }
  requirePhase(t, 'awaiting-decision', 'awaiting-owner');
  const decider = t.resolve(route.decidedBy, t.state.stage.actor ?? t.state.raisedBy);
  if (!isSamePerson(decider, event.by) && !isSamePerson(t.state.stage.awaiting, event.by)) {
    refuse('not-your-step', 'only-role-refers', { role: t.roleLabel(route.decidedBy.role) });
  }
  const reason = validateText(event.reason, 'referral-reason', 4000, 'reason');
  const to = t.mustResolve(route.to, event.by);
  // "Raised through the SSAB Business Team to the SSAB Independent Chair": to them, the chair copied.
  const through = route.through ? t.mustResolve(route.through, event.by) : null;
  t.cancelStageTimers();
  t.addParticipants(to, through);
  const referral = {
    kind: 'referral' as const,
    routeName: route.name,
    quote: route.quote,
    condition: route.condition ?? null,
    reason,
    means: route.means ?? null,
    ...(through ? { through: { to: to.name } } : {}),
    details: emailDetails(t, t.state.details),
    outcomes: stagesSoFar(t),
  };
  t.update({ exceptionalRoute: route.id });
  t.updateStage({ phase: 'exceptional', awaiting: event.by });
  t.record({
    contactType: route.channel,
    between: [event.by.name, ...(through ? [through.name] : []), to.name],
    kind: 'referred',
    params: { routeName: route.name },
    outcome: reason,
  });
  if (route.means && route.sentOutsideConcord) {
    // "In writing and sent securely via the Egress email system": Concord cannot send by that means,
    // so it prepares the referral for the decider to send, and records when they say it went.
    t.record({
      contactType: route.channel,
      between: [event.by.name, to.name],
      kind: 'referral-prepared',
      params: { routeName: route.name, means: route.means, to: to.name },
    });
    t.sendCard(event.by, 'decision', {
      kind: 'send-referral-securely',
      routeName: route.name,
      means: route.means,
      to: { name: to.name, email: to.email },
      document: referralDocument(t, referral),
    });
    return;
  }
  t.sendEmail({
    from: event.by,
    to: [through ?? to],
    ...(through ? { cc: [to] } : {}),
    importance: 'high',
    template: 'referral',
    kind: 'referral',
    message: referral,
  });
  askReferralOutcome(t, event.by, route);
}

/** The referral was sent by the means the procedure requires; its outcome is recorded next. */
export function onReferralSent(t: Transition, event: EventOf<'referral-sent'>): void {
  requireOpen(t);
  requirePhase(t, 'exceptional');
  const by = requireAwaiting(t, event.by, 'decide');
  const route = t.procedure.exceptionalRoutes.find((r) => r.id === t.state.exceptionalRoute);
  if (!route?.means || !route.sentOutsideConcord) refuse('option-not-available', 'referral-not-secure');
  const note = event.note ? validateText(event.note, 'note', 2000, 'note') : undefined;
  t.record({
    contactType: route.channel,
    between: [by.name],
    kind: 'referral-sent',
    params: { routeName: route.name, means: route.means, by: by.name },
    ...(note ? { outcome: note } : {}),
  });
  askReferralOutcome(t, by, route);
}

function askReferralOutcome(t: Transition, by: PersonRef, route: ExceptionalRoute): void {
  t.sendCard(by, 'outcome', {
    kind: 'record-outcome',
    after: 'referral',
    name: route.name,
    quote: route.quote,
    with: [],
    mustNotRecord: [],
    mustInclude: [],
    canRequestMeeting: false,
  });
}

/** The referral as a document to send by other means: the same facts the referral email carries. */
/**
 * Each outcome so far with its stage's name. A stage that meets only when guidance has not resolved
 * it (IRO Stages 2–5) has two: the first is before the meeting, the later one at it.
 */
function stagesSoFar(t: Transition): (StageSoFar & { stageId: string; stageName: string })[] {
  return t.state.outcomes.map((o, i) => {
    const stage = t.procedure.stages.find((st) => st.id === o.stageId);
    const twoPart = stage?.meeting?.when === 'if-unresolved';
    const earlier = t.state.outcomes.slice(0, i).some((e) => e.stageId === o.stageId);
    return {
      stageId: o.stageId,
      stageName: stage?.name ?? o.stageId,
      summary: o.summary,
      ...(twoPart ? { part: earlier ? ('meeting' as const) : ('before-meeting' as const) } : {}),
    };
  });
}

function referralDocument(
  t: Transition,
  referral: { quote: string; condition: string | null; reason: string },
): ReferralDocument {
  const d = t.state.details;
  return {
    procedureName: t.procedure.name,
    caseReference: t.state.caseReference,
    quote: referral.quote,
    condition: referral.condition,
    reason: referral.reason,
    category: t.procedure.categories.find((c) => c.id === t.state.category)?.label ?? t.state.category,
    issue: d.issue,
    resolutionSought: d.resolutionSought,
    outcomes: stagesSoFar(t),
  };
}

export function validateActions(actions: readonly AgreedAction[]): AgreedAction[] {
  if (actions.length > 30) refuse('invalid-input', 'too-many-actions', { max: 30 }, 'summary');
  return actions.map((a, i) => {
    const description = validateText(a.description, 'action', 1000, `action${i + 1}Description`, i + 1);
    const owner = validateText(a.owner, 'action-owner', 200, `action${i + 1}Description`, i + 1);
    if (!isCalendarDay(a.dueDate))
      refuse('invalid-input', 'action-date', { n: i + 1 }, `action${i + 1}Description`);
    return { description, owner, dueDate: a.dueDate };
  });
}
