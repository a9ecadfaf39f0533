/**
 * How a stage or a dispute ends: unresolved (ask whoever decides on the next stage, or offer the
 * exceptional routes after the final stage), ended unresolved, or resolved with written
 * confirmation to every party and the agreed actions tracked to their dates.
 */
import { startOfLondonDay } from '../calendar/index.ts';
import { feedbackToRaiser } from './stage-flow.ts';
import type { Transition } from './transition.ts';
import type { AgreedAction, CardAction, StageOutcome } from './types.ts';
import { referVerb, VERBS } from './verbs.ts';

/** The stage ended without resolution: ask whoever decides on the next stage, or offer the exceptional routes. */
export function stageUnresolved(t: Transition, reason: string): void {
  const { stages } = t.procedure;
  const current = t.stage;
  const next = stages[t.state.stage.index + 1];
  const actor = t.state.stage.actor ?? t.state.raisedBy;
  t.cancelStageTimers();
  t.record({
    contactType: current.channel,
    between: [actor.name],
    summary: `${current.name} not resolved.`,
    outcome: reason,
  });
  feedbackToRaiser(t, current, `${current.name} did not resolve the disagreement.`);

  // Routes open after this stage; a route "instead of" the next stage is offered beside it.
  const routes = t.procedure.exceptionalRoutes.filter(
    (r) => r.from.includes(current.id) && (!r.insteadOf || r.insteadOf === next?.id),
  );
  if (next?.entry) {
    const decider = t.mustResolve(next.entry.decidedBy, actor);
    t.addParticipants(decider);
    t.updateStage({ phase: 'awaiting-decision', awaiting: decider, nextStageId: next.id });
    const actions: CardAction[] = [{ verb: VERBS.escalate, title: `Raise ${next.name}` }];
    if (next.entry.acceptOption) actions.push({ verb: VERBS.accept, title: 'Accept the decision' });
    for (const r of routes) actions.push({ verb: referVerb(r.id), title: r.name });
    t.sendCard(
      decider,
      'decision',
      t.cardView(`Decide whether to raise ${next.name}`, [reason, next.entry.quote], actions),
    );
    return;
  }
  const available = t.procedure.exceptionalRoutes.filter((r) => r.from.includes(current.id));
  if (available.length > 0) {
    const first = available[0];
    const decider = first ? t.mustResolve(first.decidedBy, actor) : actor;
    t.updateStage({ phase: 'awaiting-decision', awaiting: decider });
    t.sendCard(
      decider,
      'decision',
      t.cardView(
        `${current.name} was the final stage`,
        [reason, ...available.map((r) => r.quote)],
        [
          ...available.map((r) => ({ verb: referVerb(r.id), title: r.name })),
          { verb: VERBS.accept, title: 'End without further referral' },
        ],
      ),
    );
    return;
  }
  endUnresolved(t, reason);
}

export function endUnresolved(t: Transition, reason: string): void {
  t.cancelStageTimers();
  t.cancelOverallTimers();
  t.update({ status: 'unresolved', endedAt: t.ctx.now });
  t.updateStage({ phase: 'ended', awaiting: null });
  writtenConfirmation(t, `The disagreement remains unresolved at ${t.stage.name}. ${reason}`, []);
  t.sendCard(t.state.owner, 'status', t.cardView('Dispute ended unresolved', [reason]), 'status');
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
    summary: `Resolved at ${t.stage.name}.`,
    outcome: outcome.summary,
  });
  trackActions(t, outcome.actions);
  writtenConfirmation(t, outcome.summary, outcome.actions);
  feedbackToRaiser(t, t.stage, `The disagreement was resolved at ${t.stage.name}.`);
  for (const after of t.procedure.afterResolution) {
    const to = (after.to && t.resolve(after.to, t.state.owner)) || t.state.owner;
    t.sendCard(to, 'status', t.cardView('After the resolution', [after.quote]), `after-${after.id}`);
  }
  const closeActions = [{ verb: VERBS.close, title: 'Close the record' }];
  t.sendCard(
    t.state.owner,
    'status',
    t.cardView('Dispute resolved', [outcome.summary], closeActions),
    'step',
  );
}

function trackActions(t: Transition, actions: readonly AgreedAction[]): void {
  // Reminded on the morning of the action's date, London time.
  actions.forEach((action, i) => {
    const at = new Date(startOfLondonDay(action.dueDate).getTime() + 9 * 3_600_000).toISOString();
    t.setTimer('action-due', at, 'actions', String(i));
  });
}

export function writtenConfirmation(t: Transition, summary: string, actions: readonly AgreedAction[]): void {
  const from = t.state.stage.actor ?? t.state.owner;
  const hostOrg = t.state.raisingOrganisationId;
  const counterparts = t.state.participants.filter((p) => p.organisationId !== hostOrg && p.id !== from.id);
  const internal = t.state.participants.filter((p) => p.organisationId === hostOrg && p.id !== from.id);
  const to = counterparts.length > 0 ? counterparts : internal;
  if (to.length === 0) return;
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
    view: t.emailView(
      `${t.procedure.shortName} dispute ${t.state.caseReference}: written confirmation of the outcome`,
      [
        summary,
        ...(t.procedure.writtenConfirmation
          ? [`The procedure asks for this: “${t.procedure.writtenConfirmation.quote}”`]
          : []),
      ],
      actions.map((a) => ({ label: `${a.description} (${a.owner})`, value: `by ${a.dueDate}` })),
    ),
  });
}
