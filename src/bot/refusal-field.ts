/**
 * Which card input a domain refusal is about, so the card can show the message beside it.
 * The one place that maps refusals to fields: the step cards' inputs (`stepRefusalField`) and the
 * raise wizard's (`raiseFieldErrors`).
 */
import type { RaiseField } from '../cards/index.ts';
import { VERBS } from '../domain/dispute/stage-flow.ts';
import { RefusalSignal } from '../domain/dispute/transition.ts';
import type { DisputeEvent, Refusal } from '../domain/dispute/types.ts';
import { validateRaise } from '../domain/dispute/validate.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';

type RaisedEvent = Extract<DisputeEvent, { type: 'raised' }>;

/** The input of `verb`'s card that an input refusal is about, from the label its message starts with. */
export function stepRefusalField(verb: string, refusal: Refusal): string | null {
  if (refusal.reason !== 'invalid-input') return null;
  const message = refusal.message;
  if (verb === VERBS.outcome || verb === VERBS.informalOutcome) {
    if (/^Minutes/i.test(message)) return 'minutes';
    const action = /^(?:Owner of action|Action) (\d+)/.exec(message);
    if (action) return `action${action[1]}Description`;
    return 'summary';
  }
  if (verb === VERBS.agreed || verb === VERBS.notAgreed || verb === VERBS.chase) return 'note';
  if (verb === VERBS.moveMeeting) return 'start';
  if (verb === VERBS.escalate) {
    if (/informal/i.test(message)) return 'informalAttempts';
    if (/resolution/i.test(message)) return 'resolutionSought';
    return 'issue';
  }
  return null;
}

/**
 * Every field's problem with a raise, in the domain's own words: each field is checked on its own
 * by giving `validateRaise` the event's value for that field and known-good values for the rest.
 */
export function raiseFieldErrors(
  event: RaisedEvent,
  procedure: ProcedureDefinition,
): Partial<Record<RaiseField, string>> {
  const good = {
    ...event,
    immediateRiskChecked: true as const,
    caseReference: 'REF-1',
    counterpartOrganisationId: `${event.raisingOrganisationId}-partner`,
    category: procedure.categories[0]?.id ?? '',
    ...(procedure.urgencyLevels?.length
      ? { urgency: procedure.urgencyLevels[0]?.id }
      : { urgency: undefined }),
    details: { issue: 'x', informalAttempts: 'x', resolutionSought: 'x' },
  };
  const details = (patch: Partial<RaisedEvent['details']>) => ({
    ...good,
    details: { ...good.details, ...patch },
  });
  const probes: [RaiseField, RaisedEvent][] = [
    ['caseReference', { ...good, caseReference: event.caseReference }],
    ['counterpartOrganisationId', { ...good, counterpartOrganisationId: event.counterpartOrganisationId }],
    ['category', { ...good, category: event.category }],
    ['urgency', { ...good, urgency: event.urgency }],
    ['issue', details({ issue: event.details.issue })],
    ['informalAttempts', details({ informalAttempts: event.details.informalAttempts })],
    ['resolutionSought', details({ resolutionSought: event.details.resolutionSought })],
  ];
  const errors: Partial<Record<RaiseField, string>> = {};
  for (const [field, probe] of probes) {
    try {
      validateRaise(probe, procedure);
    } catch (error) {
      if (error instanceof RefusalSignal) errors[field] = error.refusal.message;
      else throw error;
    }
  }
  return errors;
}
