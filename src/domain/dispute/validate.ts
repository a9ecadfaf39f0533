/**
 * Input checks for what people type. `validateRaise` reports every problem with the raise form at
 * once, each naming its field; the step checks (`validateText`) refuse on the first problem, inside
 * `decide`. Text is kept as typed (HTML included) and escaped wherever it is rendered.
 */
import type { ProcedureDefinition } from '../procedure/schema.ts';
import type { Refusal, RefusalField, Validation } from './refusal.ts';
import { RefusalSignal, refusal } from './transition.ts';
import type { DisputeDetails, DisputeEvent } from './types.ts';

/** A case reference, not a name: letters, digits and - / . only, starting with a letter or digit. */
export const CASE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9\-/.]{1,39}$/;

export interface RaiseInput {
  readonly caseReference: string;
  readonly details: DisputeDetails;
}

/** Checks one typed text; a problem is returned, not thrown. */
export function checkText(
  value: unknown,
  label: string,
  max: number,
  field?: RefusalField,
): { ok: true; value: string } | { ok: false; error: Refusal } {
  const fail = (code: string, message: string, params: Record<string, string | number> = {}) => ({
    ok: false as const,
    error: refusal('invalid-input', message, {
      code,
      ...(field ? { field } : {}),
      params: { label, ...params },
    }),
  });
  if (typeof value !== 'string' || value.trim().length === 0)
    return fail('text-required', `${label} is required.`);
  const text = value.trim();
  if (text.length > max)
    return fail('text-too-long', `${label} is too long (${text.length} characters; the limit is ${max}).`, {
      length: text.length,
      max,
    });
  // Control characters other than line breaks and tabs have no place in a case record.
  if ([...text].some(isForbiddenControl))
    return fail('text-unstorable', `${label} contains characters that cannot be stored.`);
  return { ok: true, value: text };
}

/** Checks one typed text inside `decide`: refuses on a problem. */
export function validateText(value: unknown, label: string, max: number, field?: RefusalField): string {
  const checked = checkText(value, label, max, field);
  if (!checked.ok) throw new RefusalSignal(checked.error);
  return checked.value;
}

/**
 * Every problem with a raise, in the form's order (the first is the one `decide` refuses with).
 * @example
 * const v = validateRaise(event, procedure);
 * if (!v.ok) for (const e of v.errors) highlight(e.field, e);
 */
export function validateRaise(
  event: Extract<DisputeEvent, { type: 'raised' }>,
  procedure: ProcedureDefinition,
): Validation<RaiseInput> {
  const errors: Refusal[] = [];
  const add = (field: RefusalField, code: string, message: string, params = {}, reason = 'invalid-input') =>
    errors.push(refusal(reason as Refusal['reason'], message, { code, field, params }));
  if (event.immediateRiskChecked !== true) {
    add(
      'immediateRiskChecked',
      'immediate-risk-unconfirmed',
      'Confirm first that no one is at immediate risk, or that you have already contacted the emergency services, MASH or SPA.',
    );
  }
  const caseReference = typeof event.caseReference === 'string' ? event.caseReference.trim() : '';
  if (!CASE_REFERENCE.test(caseReference)) {
    add(
      'caseReference',
      'case-reference-invalid',
      'The case reference must be 2–40 letters, digits, "-", "/" or "." (a reference, never a name).',
    );
  }
  if (!procedure.categories.some((c) => c.id === event.category)) {
    add('category', 'category-unknown', `Choose one of the ${procedure.shortName} categories.`, {
      procedure: procedure.shortName,
    });
  }
  if (!event.raisingOrganisationId || !event.counterpartOrganisationId) {
    add('counterpartOrganisationId', 'partner-missing', 'Choose the partner organisation.');
  } else if (event.raisingOrganisationId === event.counterpartOrganisationId) {
    add(
      'counterpartOrganisationId',
      'partner-is-own-organisation',
      'The partner organisation must be a different organisation from your own.',
    );
  }
  if (procedure.urgencyLevels?.length) {
    if (!event.urgency || !procedure.urgencyLevels.some((u) => u.id === event.urgency)) {
      const levels = procedure.urgencyLevels.map((u) => u.label).join(', ');
      add(
        'urgency',
        'urgency-unknown',
        `Choose how urgent this is: ${levels}.`,
        { levels },
        'urgency-required',
      );
    }
  } else if (event.urgency) {
    add('urgency', 'urgency-not-used', `${procedure.shortName} does not use urgency levels.`, {
      procedure: procedure.shortName,
    });
  }
  const texts = [
    ['issue', 'What is in dispute and its impact'],
    ['informalAttempts', 'Informal attempts so far'],
    ['resolutionSought', 'Resolution sought'],
  ] as const;
  const details: Partial<Record<keyof DisputeDetails, string>> = {};
  for (const [field, label] of texts) {
    const checked = checkText(event.details?.[field], label, 4000, field);
    if (checked.ok) details[field] = checked.value;
    else errors.push(checked.error);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { caseReference, details: details as DisputeDetails } };
}

/** Control characters other than tab, line feed and carriage return. */
function isForbiddenControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
}
