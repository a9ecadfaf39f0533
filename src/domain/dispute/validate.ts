/**
 * Input checks for what people type. Each failure is a refusal with a sentence to show in the card.
 * Text is kept as typed (HTML included) and escaped wherever it is rendered.
 */
import type { ProcedureDefinition } from '../procedure/schema.ts';
import { refuse } from './transition.ts';
import type { DisputeDetails, DisputeEvent } from './types.ts';

/** A case reference, not a name: letters, digits and - / . only, starting with a letter or digit. */
export const CASE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9\-/.]{1,39}$/;

export function validateText(value: unknown, label: string, max: number): string {
  if (typeof value !== 'string' || value.trim().length === 0)
    refuse('invalid-input', `${label} is required.`);
  const text = value.trim();
  if (text.length > max)
    refuse('invalid-input', `${label} is too long (${text.length} characters; the limit is ${max}).`);
  // Control characters other than line breaks and tabs have no place in a case record.
  if ([...text].some(isForbiddenControl))
    refuse('invalid-input', `${label} contains characters that cannot be stored.`);
  return text;
}

export function validateRaise(
  event: Extract<DisputeEvent, { type: 'raised' }>,
  procedure: ProcedureDefinition,
): { caseReference: string; details: DisputeDetails } {
  if (event.immediateRiskChecked !== true) {
    refuse(
      'invalid-input',
      'Confirm first that no one is at immediate risk, or that you have already contacted the emergency services, MASH or SPA.',
    );
  }
  const caseReference = typeof event.caseReference === 'string' ? event.caseReference.trim() : '';
  if (!CASE_REFERENCE.test(caseReference)) {
    refuse(
      'invalid-input',
      'The case reference must be 2–40 letters, digits, "-", "/" or "." (a reference, never a name).',
    );
  }
  if (!procedure.categories.some((c) => c.id === event.category)) {
    refuse('invalid-input', `Choose one of the ${procedure.shortName} categories.`);
  }
  if (!event.raisingOrganisationId || !event.counterpartOrganisationId)
    refuse('invalid-input', 'Choose the partner organisation.');
  if (event.raisingOrganisationId === event.counterpartOrganisationId) {
    refuse('invalid-input', 'The partner organisation must be a different organisation from your own.');
  }
  if (procedure.urgencyLevels?.length) {
    if (!event.urgency || !procedure.urgencyLevels.some((u) => u.id === event.urgency)) {
      refuse(
        'urgency-required',
        `Choose how urgent this is: ${procedure.urgencyLevels.map((u) => u.label).join(', ')}.`,
      );
    }
  } else if (event.urgency) {
    refuse('invalid-input', `${procedure.shortName} does not use urgency levels.`);
  }
  return {
    caseReference,
    details: {
      issue: validateText(event.details?.issue, 'What is in dispute and its impact', 4000),
      informalAttempts: validateText(event.details?.informalAttempts, 'Informal attempts so far', 4000),
      resolutionSought: validateText(event.details?.resolutionSought, 'Resolution sought', 4000),
    },
  };
}

/** Control characters other than tab, line feed and carriage return. */
function isForbiddenControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
}
