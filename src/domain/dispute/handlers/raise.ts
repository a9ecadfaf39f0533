/** Raising a dispute: the first state, the record's owner, and the first decision or stage. */
import type { EventOf } from '../decide.ts';
import type { DecideContext } from '../decide-types.ts';
import { isSamePerson, requireAwaiting, requireOpen, requirePhase } from '../guards.ts';
import { RefusalSignal, refuse } from '../refusal.ts';
import { enterStage, feedbackToRaiser, startOverallClock } from '../stage-flow.ts';
import { Transition } from '../transition.ts';
import type { CardAction, DisputeState } from '../types.ts';
import { validateRaise } from '../validate.ts';
import { VERBS } from '../verbs.ts';

export function raise(event: EventOf<'raised'>, ctx: DecideContext): Transition {
  const { procedure } = ctx;
  const checked = validateRaise(event, procedure);
  if (!checked.ok) throw new RefusalSignal(checked.errors[0]!);
  const input = checked.value;
  const first = procedure.stages[0];
  if (!first) refuse('unknown-stage', 'no-stages');
  const initial: DisputeState = {
    id: event.disputeId,
    procedureId: procedure.id,
    procedureVersion: procedure.version,
    status: 'open',
    caseReference: input.caseReference,
    raisingOrganisationId: event.raisingOrganisationId,
    counterpartOrganisationId: event.counterpartOrganisationId,
    category: event.category,
    urgency: event.urgency ?? null,
    details: input.details,
    raisedBy: event.by,
    raisedAt: ctx.now,
    owner: event.by,
    stage: {
      id: first.id,
      index: 0,
      startedAt: ctx.now,
      due: null,
      dueDate: null,
      phase: 'awaiting-outcome',
      awaiting: null,
      actor: event.by,
      thread: [],
      meeting: null,
      overdue: false,
      chases: 0,
    },
    formalStartedAt: null,
    overallDue: null,
    outcomes: [],
    participants: [event.by],
    informed: [],
    exceptionalRoute: null,
    endedAt: null,
    seq: 1,
  };
  const t = new Transition(initial, ctx);
  const owner = t.resolve(procedure.record.owner, event.by) ?? event.by;
  t.update({ owner });
  t.addParticipants(owner);
  t.record({
    contactType: 'card',
    between: [event.by.name],
    summary: `Dispute raised under ${procedure.name} (${procedure.version}).`,
  });
  if (procedure.overall?.from === 'raised') startOverallClock(t);

  const second = procedure.stages[1];
  if (!first.formal && second?.entry) {
    // The raise form records the informal attempts: the informal stage has not resolved it, so
    // whoever decides on the first formal stage is asked now.
    t.record({
      contactType: first.channel,
      between: [event.by.name],
      summary: `${first.name}: not resolved informally.`,
      outcome: input.details.informalAttempts,
    });
    const decider = t.mustResolve(second.entry.decidedBy, event.by);
    t.addParticipants(decider);
    t.updateStage({ phase: 'awaiting-decision', awaiting: decider, nextStageId: second.id });
    t.sendCard(
      decider,
      'decision',
      t.cardView(`Decide on ${second.name}`, [second.entry.quote], decisionActions(t, second.id)),
    );
    feedbackToRaiser(t, first, `Your dispute has gone to ${decider.name} to decide on ${second.name}.`);
    return t;
  }
  enterStage(t, 0);
  return t;
}

export function decisionActions(t: Transition, nextStageId: string): { verb: string; title: string }[] {
  const next = t.procedure.stages.find((s) => s.id === nextStageId);
  const actions: CardAction[] = [{ verb: VERBS.escalate, title: `Raise ${next?.name ?? 'the next stage'}` }];
  if (next?.entry?.informalOption)
    actions.push({ verb: VERBS.informal, title: 'Raise it informally with the counterpart' });
  if (next?.entry?.acceptOption) actions.push({ verb: VERBS.accept, title: 'Accept the decision' });
  return actions;
}
