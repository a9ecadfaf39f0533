/**
 * Which card input a domain refusal is about, so the card can show the message beside it.
 * The one place that maps refusals to fields: the step cards' inputs (`stepRefusalField`) and the
 * raise wizard's (`raiseFieldErrors`).
 */
import { RAISE_FIELDS, type RaiseField } from '../cards/index.ts';
import { VERBS } from '../domain/dispute/stage-flow.ts';
import type { DisputeEvent, Refusal } from '../domain/dispute/types.ts';
import { validateRaise } from '../domain/dispute/validate.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';

type RaisedEvent = Extract<DisputeEvent, { type: 'raised' }>;

/** The input of `verb`'s card that an input refusal is about: the field it names. */
export function stepRefusalField(verb: string, refusal: Refusal): string | null {
  if (refusal.reason !== 'invalid-input') return null;
  if (refusal.field) return refusal.field;
  // Refusals from step checks that do not name their field yet: by the label the message starts with.
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

/** Every field's problem with a raise, in the domain's own words: `validateRaise` reports them all at once. */
export function raiseFieldErrors(
  event: RaisedEvent,
  procedure: ProcedureDefinition,
): Partial<Record<RaiseField, string>> {
  const checked = validateRaise(event, procedure);
  const errors: Partial<Record<RaiseField, string>> = {};
  if (checked.ok) return errors;
  for (const error of checked.errors) {
    const field = error.field as RaiseField | undefined;
    if (field && (RAISE_FIELDS as readonly string[]).includes(field) && !errors[field])
      errors[field] = error.message;
  }
  return errors;
}
