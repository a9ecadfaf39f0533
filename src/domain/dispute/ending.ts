/**
 * How a stage or a dispute ends: unresolved (ask whoever decides on the next stage, or offer the
 * exceptional routes after the final stage), ended unresolved, or resolved with written
 * confirmation to every party and the agreed actions tracked to their dates.
 */
import { londonDay, startOfLondonDay } from '../calendar/index.ts';
import type { DecisionOption } from './card-intents.ts';
import type { Confirmation } from './email-intents.ts';
import type { OutcomeText } from './record-intents.ts';
import { feedbackToRaiser } from './stage-flow.ts';
import type { Transition } from './transition.ts';
import type { AgreedAction, StageOutcome } from './types.ts';

/** The stage ended without resolution: ask whoever decides on the next stage, or offer the exceptional routes. */
export function stageUnresolved(t: Transition, reason: OutcomeText): void {
  const current = t.stage;
  const next = t.nextStage;
  const actor = t.state.stage.actor ?? t.state.raisedBy;
  t.cancelStageTimers();
  t.record({
    contactType: current.channel,
    between: [actor.name],
    kind: 'stage-unresolved',
    params: { stageName: current.name },
    outcome: reason,
  });
  feedbackToRaiser(t, current, { kind: 'stage-unresolved', stageName: current.name });

  // Routes open after this stage; a route "instead of" the next stage is offered beside it.
  const routes = t.procedure.exceptionalRoutes.filter(
    (r) => r.from.includes(current.id) && (!r.insteadOf || r.insteadOf === next?.id),
  );
  if (next?.entry) {
    const decider = t.mustResolve(next.entry.decidedBy, actor);
    t.addParticipants(decider);
    t.updateStage({ phase: 'awaiting-decision', awaiting: decider, nextStageId: next.id });
    const options: DecisionOption[] = [{ verb: 'escalate', stageName: next.name }];
    if (next.entry.acceptOption) options.push({ verb: 'accept' });
    for (const r of routes) options.push({ verb: 'refer', routeId: r.id, routeName: r.name });
    t.sendCard(decider, 'decision', {
      kind: 'ask-decision',
      after: 'stage',
      nextStageId: next.id,
      nextStageName: next.name,
      reason,
      quote: next.entry.quote,
      options,
    });
    return;
  }
  const available = t.procedure.exceptionalRoutes.filter((r) => r.from.includes(current.id));
  if (available.length > 0) {
    const first = available[0];
    const decider = first ? t.mustResolve(first.decidedBy, actor) : actor;
    t.updateStage({ phase: 'awaiting-decision', awaiting: decider });
    t.sendCard(decider, 'decision', {
      kind: 'ask-final-referral',
      stageName: current.name,
      reason,
      routes: available.map((r) => ({ id: r.id, name: r.name, quote: r.quote })),
      options: [
        ...available.map((r) => ({ verb: 'refer' as const, routeId: r.id, routeName: r.name })),
        { verb: 'accept', ending: true },
      ],
    });
    return;
  }
  endUnresolved(t, reason);
}

export function endUnresolved(t: Transition, reason: OutcomeText): void {
  t.cancelStageTimers();
  t.cancelOverallTimers();
  t.update({ status: 'unresolved', endedAt: t.ctx.now });
  t.updateStage({ phase: 'ended', awaiting: null });
  writtenConfirmation(t, { kind: 'unresolved', stageName: t.stage.name, reason }, []);
  t.sendCard(t.state.owner, 'status', { kind: 'ended-unresolved', reason }, 'status');
}

/** Resolves the dispute: written confirmation to all parties, agreed actions tracked to their dates. */
export function resolveDispute(t: Transition, outcome: Omit<StageOutcome, 'at' | 'stageId'>): void {
  t.cancelStageTimers();
  t.cancelOverallTimers();
  const full: StageOutcome = { ...outcome, stageId: t.state.stage.id, at: t.ctx.now };
  t.update({ status: 'resolved', endedAt: t.ctx.now, outcomes: [...t.state.outcomes, full] });
  t.updateStage({ phase: 'ended', awaiting: null });
  t.record({
    contactType: t.stage.channel,
    between: [outcome.recordedBy],
    kind: 'resolved',
    params: { stageName: t.stage.name },
    outcome: outcome.summary,
  });
  trackActions(t, outcome.actions);
  writtenConfirmation(t, { kind: 'resolved', summary: outcome.summary }, outcome.actions);
  feedbackToRaiser(t, t.stage, { kind: 'resolved', stageName: t.stage.name });
  for (const after of t.procedure.afterResolution) {
    const to = (after.to && t.resolve(after.to, t.state.owner)) || t.state.owner;
    // Someone in another tenant has no Teams card: the host-side holder sends it to them by email.
    const sendTo = t.inTeams(to) ? undefined : { itemId: after.id, name: to.name, email: to.email };
    // "A LAC Review must be held within 4 weeks": the day it is due, and a reminder a week before.
    const dueDate = after.within
      ? londonDay(new Date(Date.parse(t.ctx.now) + after.within.weeks * 7 * 86_400_000))
      : null;
    t.sendCard(
      to,
      'status',
      {
        kind: 'after-resolution',
        quote: after.quote,
        step: after.kind,
        dueDate,
        ...(sendTo ? { sendTo } : {}),
      },
      `after-${after.id}`,
    );
    if (dueDate) {
      const reminder = new Date(startOfLondonDay(dueDate).getTime() + 9 * 3_600_000 - 7 * 86_400_000);
      if (reminder.toISOString() > t.ctx.now)
        t.setTimer('after-resolution-due', reminder.toISOString(), 'after', after.id);
    }
  }
  t.sendCard(t.state.owner, 'status', { kind: 'resolved', summary: outcome.summary }, 'step');
}

function trackActions(t: Transition, actions: readonly AgreedAction[]): void {
  // Reminded on the morning of the action's date, London time.
  actions.forEach((action, i) => {
    const at = new Date(startOfLondonDay(action.dueDate).getTime() + 9 * 3_600_000).toISOString();
    t.setTimer('action-due', at, 'actions', String(i));
  });
}

export function writtenConfirmation(
  t: Transition,
  confirms: Confirmation,
  actions: readonly AgreedAction[],
): void {
  const from = t.recorderFor(t.state.stage.actor ?? t.state.owner);
  const hostOrg = t.state.raisingOrganisationId;
  const counterparts = t.state.participants.filter((p) => p.organisationId !== hostOrg && p.id !== from.id);
  const internal = t.state.participants.filter((p) => p.organisationId === hostOrg && p.id !== from.id);
  const to = counterparts.length > 0 ? counterparts : internal;
  if (to.length === 0) return;
  // "relayed ... on the day the decision is made": sent in this step, so on the day it records.
  const sameDay = t.stage.outcomeInWriting?.sameDay;
  const lastStatement = [...t.state.stage.thread]
    .reverse()
    .find((m) => m.kind === 'statement' || m.kind === 'reply');
  t.sendEmail({
    from,
    to,
    cc: counterparts.length > 0 ? internal : [],
    importance: 'high',
    template: 'written-confirmation',
    kind: 'notice',
    ...(lastStatement ? { inReplyTo: lastStatement } : {}),
    message: {
      kind: 'written-confirmation',
      confirms,
      procedureQuote: t.procedure.writtenConfirmation?.quote ?? null,
      ...(sameDay ? { sameDay: { quote: sameDay.quote, decidedAt: t.ctx.now } } : {}),
      actions: actions.map((a) => ({ description: a.description, owner: a.owner, dueDate: a.dueDate })),
    },
  });
}
