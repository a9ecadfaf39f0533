/** Raising a dispute: the first state, the record's owner, and the first decision or stage. */

import type { DecisionOption } from '../card-intents.ts';
import type { DecideContext, EventOf } from '../decide-types.ts';
import { RefusalSignal, refuse } from '../refusal.ts';
import { enterStage, feedbackToRaiser, startOverallClock } from '../stage-flow.ts';
import { Transition } from '../transition.ts';
import type { DisputeState } from '../types.ts';
import { validateRaise } from '../validate.ts';

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
    about: input.about,
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
    kind: 'dispute-raised',
    params: { procedureName: procedure.name, version: procedure.version },
  });
  if (procedure.overall?.from === 'raised') startOverallClock(t);

  const second = procedure.stages[1];
  if (!first.formal && second?.entry) {
    // The raise form records the informal attempts: the informal stage has not resolved it, so
    // whoever decides on the first formal stage is asked now.
    t.record({
      contactType: first.channel,
      between: [event.by.name],
      kind: 'not-resolved-informally',
      params: { stageName: first.name },
      outcome: input.details.informalAttempts,
    });
    const decider = t.mustResolve(second.entry.decidedBy, event.by);
    t.addParticipants(decider);
    t.updateStage({ phase: 'awaiting-decision', awaiting: decider, nextStageId: second.id });
    t.sendCard(decider, 'decision', {
      kind: 'ask-decision',
      after: 'raise',
      nextStageId: second.id,
      nextStageName: second.name,
      quote: second.entry.quote,
      options: decisionOptions(t, second.id),
    });
    feedbackToRaiser(t, first, { kind: 'with-decider', decider: decider.name, stageName: second.name });
    return t;
  }
  enterStage(t, 0);
  return t;
}

/** The options offered when deciding on `nextStageId`: raise it, and where the procedure allows, informally or accept. */
export function decisionOptions(t: Transition, nextStageId: string): DecisionOption[] {
  const next = t.procedure.stages.find((s) => s.id === nextStageId);
  const options: DecisionOption[] = [{ verb: 'escalate', stageName: next?.name ?? null }];
  if (next?.entry?.informalOption) options.push({ verb: 'informal' });
  if (next?.entry?.acceptOption) options.push({ verb: 'accept' });
  return options;
}
