/**
 * Which card input a domain refusal is about, so the card can show its sentence beside it: the
 * field the refusal names (no sentence is parsed). The one place that maps refusals to fields:
 * the step cards' inputs (`stepRefusalField`) and the raise wizard's (`raiseFieldErrors`).
 */
import { RAISE_FIELDS, type RaiseField, refusalText } from '../cards/index.ts';
import type { DisputeEvent, Refusal } from '../domain/dispute/types.ts';
import { validateRaise } from '../domain/dispute/validate.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';

type RaisedEvent = Extract<DisputeEvent, { type: 'raised' }>;

/** The input a step card should highlight for a refusal: the field an input refusal names. */
export function stepRefusalField(refusal: Refusal): string | null {
  return refusal.reason === 'invalid-input' ? (refusal.field ?? null) : null;
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
      errors[field] = refusalText(error);
  }
  return errors;
}
