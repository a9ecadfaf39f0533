/**
 * A dispute step acted on from a card: the verb's row in `STEP_VERBS` turns the card into a dispute
 * event for the authenticated person, the dispute service applies it, and the clicked card becomes
 * the result: "Done: …", or the same card again with the refused input highlighted; any other refusal
 * is a reply of its own beside the card, which stays as it was.
 */
import { type DomainVerb, refusalText } from '../cards/index.ts';
import { isCurrent, outOfDateCard, rememberCurrentStep, retireUsedCard, seqOf } from './card-freshness.ts';
import { type BotContext, card, isParty, NO_SUCH_DISPUTE, type Outgoing } from './context.ts';
import { errorCard, notYoursCard } from './general-cards.ts';
import type { BotPerson } from './ports.ts';
import { stepRefusalField } from './refusal-field.ts';
import { cardForEffect, statusCard } from './step-cards.ts';
import { doneTitleOf, STEP_VERBS } from './step-verbs.ts';

export async function onStepAction(
  ctx: BotContext,
  person: BotPerson,
  verb: DomainVerb,
  routeId: string | null,
  data: Readonly<Record<string, unknown>>,
): Promise<Outgoing> {
  const disputeId = typeof data.disputeId === 'string' ? data.disputeId : null;
  const state = disputeId ? await ctx.disputes.get(disputeId) : null;
  const procedure = state ? ctx.procedureFor(state.procedureId) : undefined;
  if (!disputeId || !state || !procedure) return { update: errorCard(NO_SUCH_DISPUTE), send: [] };
  // Authorisation before everything: a person not taking part learns nothing, whatever `seq` they send.
  if (!isParty(state, person.id)) return { update: notYoursCard(), send: [] };
  const row = STEP_VERBS[verb];
  if (!row)
    return {
      update: errorCard({ reason: 'invalid-input', code: 'unknown-button', params: {} }, disputeId),
      send: [],
    };
  if (!row.anyStep && !(await isCurrent(ctx, state, seqOf(data))))
    return { update: outOfDateCard(ctx, person, state, procedure), send: [] };
  const actor = {
    id: person.id,
    name: person.name,
    email: person.email,
    organisationId: person.organisationId,
  };
  const event = row.toEvent({ by: person, actor, state, data, routeId });
  const result = await ctx.disputes.apply(disputeId, event, { expectedSeq: state.seq });
  const base = { state, procedure, viewerId: person.id, now: ctx.now() };
  if (!result.ok) {
    const field = stepRefusalField(result.refusal);
    const said = refusalText(result.refusal);
    if (row.cardKind && field) {
      // Show the same card again with the message beside the field. The step has not moved.
      const view = {
        disputeId,
        caseReference: state.caseReference,
        procedureName: procedure.name,
        stageName: procedure.stages.find((s) => s.id === state.stage.id)?.name ?? state.stage.id,
        title: 'Please correct the highlighted answer',
        text: [said],
        due: state.stage.due,
        dueDate: state.stage.dueDate,
        overallDue: state.overallDue,
        overallWorkingDays: procedure.overall?.workingDays ?? null,
        actions: [{ verb, title: 'Try again' }],
        facts: [],
      };
      await rememberCurrentStep(ctx, state);
      return {
        update: cardForEffect({
          ...base,
          kind: row.cardKind,
          intent: { kind: 'retry', verb },
          view,
          errors: { [field]: said },
        }),
        send: [],
      };
    }
    // A refusal is a reply of its own: the card that was refused stays as it was, still usable.
    return { send: [card(errorCard(result.refusal, disputeId))], notice: said };
  }
  ctx.log.info({ disputeId, verb, seq: result.state.seq }, 'card action applied');
  const done = statusCard({
    ...base,
    state: result.state,
    title: `Done: ${doneTitleOf(verb, routeId ? (procedure.exceptionalRoutes.find((r) => r.id === routeId)?.name ?? null) : null)}`,
    text: ['Concord has recorded your choice.'],
  });
  // A note recorded at any point is not the step: the step's own card stays usable.
  if (!row.anyStep) await retireUsedCard(ctx, state, done);
  return { update: done, send: [] };
}
