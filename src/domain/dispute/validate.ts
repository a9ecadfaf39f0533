/**
 * Input checks for what people type. `validateRaise` reports every problem with the raise form at
 * once, each naming its field; the step checks (`validateText`) refuse on the first problem, inside
 * `decide`. Text is kept as typed (HTML included) and escaped wherever it is rendered.
 */
import type { ProcedureDefinition } from '../procedure/schema.ts';
import {
  type Refusal,
  type RefusalCode,
  type RefusalField,
  type RefusalParams,
  RefusalSignal,
  refusal,
  type TextSubject,
  type Validation,
} from './refusal.ts';
import type { CaseSubject, DisputeDetails, DisputeEvent } from './types.ts';

/**
 * A case reference's form: 2–40 letters, digits, spaces and `- / . _`, starting with a letter or
 * digit. Real formats pass: `GH-2026/0412`, an NHS number written `943 476 5919`, `PID 123456`,
 * `NE24C00123`. Whether it reads like a person's name is a separate, confirmable warning
 * (`looksLikeName`).
 */
export const CASE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9\-/._ ]{1,39}$/;
export const CASE_REFERENCE_MAX = 40;
/** The longest answer a raise form's free-text field keeps. */
export const RAISE_TEXT_MAX = 4000;

export interface RaiseInput {
  readonly caseReference: string;
  readonly details: DisputeDetails;
  /** Who the dispute is about: chosen by the raiser, or what the procedure covers. */
  readonly about: CaseSubject;
}

/**
 * Whether a case reference reads like a person's name, which would then be in the subject of every
 * email about the dispute: no digit at all (`Jayden.Smith`, `J Smith`, `Smith, Jayden`, `JSMITH`),
 * or two or more words written as names are (`Jayden.Smith.2026`, `Smith Jayden 01`). Reference
 * prefixes in capitals (`ANE-CS-1`, `PID 123456`) and a single word (`Case 2026-007`) do not.
 */
export function looksLikeName(reference: string): boolean {
  const ref = reference.normalize('NFC').trim();
  if (!/\p{L}/u.test(ref)) return false;
  if (!/\p{Nd}/u.test(ref)) return true;
  const nameWords = ref
    .split(/[^\p{L}'\u2019]+/u)
    .filter((w) => /^\p{Lu}\p{Ll}+$/u.test(w) || /^\p{Ll}{3,}$/u.test(w));
  return nameWords.length >= 2;
}

/** Who a procedure's disputes are about when it covers only children or only adults; null when both. */
export function subjectOfProcedure(procedure: Pick<ProcedureDefinition, 'appliesTo'>): CaseSubject | null {
  if (procedure.appliesTo === 'children') return 'child';
  if (procedure.appliesTo === 'adults') return 'adult';
  return null;
}

/** Who the dispute is about: as raised, else what its procedure covers; null when that cannot be known. */
export function subjectOfDispute(
  state: { readonly about?: CaseSubject },
  procedure: Pick<ProcedureDefinition, 'appliesTo'>,
): CaseSubject | null {
  return state.about ?? subjectOfProcedure(procedure);
}

/** Checks one typed text; a problem is returned, not thrown. `n` numbers an agreed action. */
export function checkText(
  value: unknown,
  subject: TextSubject,
  max: number,
  field?: RefusalField,
  n?: number,
): { ok: true; value: string } | { ok: false; error: Refusal } {
  const fail = (code: RefusalCode, params: Record<string, number> = {}) => ({
    ok: false as const,
    error: refusal('invalid-input', code, { subject, ...(n ? { n } : {}), ...params }, field),
  });
  if (typeof value !== 'string') return fail('text-required');
  const text = cleanText(value);
  // Joiners alone (U+200C, U+200D) are as empty as spaces.
  if (text.replace(JOINERS, '').trim().length === 0) return fail('text-required');
  if (text.length > max) return fail('text-too-long', { length: text.length, max });
  // Control characters other than line breaks and tabs have no place in a case record.
  if ([...text].some(isForbiddenControl)) return fail('text-unstorable');
  return { ok: true, value: text };
}

/** Checks one typed text inside `decide`: refuses on a problem. */
export function validateText(
  value: unknown,
  subject: TextSubject,
  max: number,
  field?: RefusalField,
  n?: number,
): string {
  const checked = checkText(value, subject, max, field, n);
  if (!checked.ok) throw new RefusalSignal(checked.error);
  return checked.value;
}

/**
 * Every problem with a raise, in the form's order (the first is the one `decide` refuses with).
 * @example
 * const v = validateRaise(event, procedure);
 * if (!v.ok) for (const e of v.errors) highlight(e.field, refusalText(e));
 */
export function validateRaise(
  event: Extract<DisputeEvent, { type: 'raised' }>,
  procedure: ProcedureDefinition,
): Validation<RaiseInput> {
  const errors: Refusal[] = [];
  const add = (field: RefusalField, code: RefusalCode, params: RefusalParams = {}) =>
    errors.push(
      refusal(code === 'urgency-unknown' ? 'urgency-required' : 'invalid-input', code, params, field),
    );
  if (event.immediateRiskChecked !== true) add('immediateRiskChecked', 'immediate-risk-unconfirmed');
  if (procedure.outOfScope.length > 0 && event.outOfScopeConfirmed !== true)
    add('outOfScopeConfirmed', 'out-of-scope-unconfirmed', {
      procedure: procedure.shortName,
      instead: procedure.outOfScope.flatMap((o) => (o.instead ? [o.instead] : [])),
    });
  const covered = subjectOfProcedure(procedure);
  const about = event.about ?? covered;
  if (about !== 'child' && about !== 'adult')
    add('about', 'about-required', { procedure: procedure.shortName });
  else if (covered && about !== covered)
    add('about', 'about-not-covered', { procedure: procedure.shortName, covers: procedure.appliesTo });
  const caseReference =
    typeof event.caseReference === 'string' ? cleanText(event.caseReference).replace(/\s+/g, ' ') : '';
  if (caseReference.length > CASE_REFERENCE_MAX)
    add('caseReference', 'case-reference-invalid', { length: caseReference.length, max: CASE_REFERENCE_MAX });
  else if (looksLikeName(caseReference) && event.caseReferenceConfirmed !== true)
    add('caseReference', 'case-reference-looks-like-name', { reference: caseReference });
  else if (!CASE_REFERENCE.test(caseReference))
    add('caseReference', 'case-reference-invalid', { length: caseReference.length, max: CASE_REFERENCE_MAX });
  if (!procedure.categories.some((c) => c.id === event.category))
    add('category', 'category-unknown', { procedure: procedure.shortName });
  if (!event.raisingOrganisationId || !event.counterpartOrganisationId)
    add('counterpartOrganisationId', 'partner-missing');
  else if (event.raisingOrganisationId === event.counterpartOrganisationId)
    add('counterpartOrganisationId', 'partner-is-own-organisation');
  if (procedure.urgencyLevels?.length) {
    if (!event.urgency || !procedure.urgencyLevels.some((u) => u.id === event.urgency))
      add('urgency', 'urgency-unknown', { levels: procedure.urgencyLevels.map((u) => u.label) });
  } else if (event.urgency) {
    add('urgency', 'urgency-not-used', { procedure: procedure.shortName });
  }
  const texts = [
    ['issue', 'issue'],
    ['informalAttempts', 'informal-attempts'],
    ['resolutionSought', 'resolution-sought'],
  ] as const;
  const details: Partial<Record<keyof DisputeDetails, string>> = {};
  for (const [field, subject] of texts) {
    const checked = checkText(event.details?.[field], subject, RAISE_TEXT_MAX, field);
    if (checked.ok) details[field] = checked.value;
    else errors.push(checked.error);
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { caseReference, details: details as DisputeDetails, about: about as CaseSubject },
  };
}

/**
 * Bidirectional overrides, embeddings, isolates and marks (which can make an email or card read
 * differently from what was stored: U+202E "RIGHT-TO-LEFT OVERRIDE") and invisible spaces (zero width
 * space, word joiner, byte-order mark). The joiners U+200C and U+200D are kept: scripts and emoji need them.
 */
const INVISIBLE = /[\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
const JOINERS = /[\u200C\u200D]/g;

/** What is kept of typed text: Unicode NFC, without bidi controls or invisible spaces, trimmed. */
export function cleanText(value: string): string {
  return value.normalize('NFC').replace(INVISIBLE, '').trim();
}

/** Control characters other than tab, line feed and carriage return. */
function isForbiddenControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
}
