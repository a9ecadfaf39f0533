/**
 * The raise wizard's answers as plain data: read from a card submit, checked for what cannot be
 * stored, and turned into the domain's `raised` event. Pure.
 */
import {
  EMPTY_RAISE_DRAFT,
  RAISE_FIELDS,
  type RaiseDraft,
  type RaiseField,
  UNSTORABLE_TEXT,
} from '../cards/index.ts';
import type { DisputeEvent } from '../domain/dispute/types.ts';
import { cleanText, RAISE_TEXT_MAX } from '../domain/dispute/validate.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import type { BotPerson, SavedDraft } from './ports.ts';

export type RaisedEvent = Extract<DisputeEvent, { type: 'raised' }>;
export type RaiseFieldErrors = Partial<Record<RaiseField, string>>;

/** The draft's answers updated with the submitted card's inputs. */
export function fieldsFrom(
  data: Readonly<Record<string, unknown>>,
  previous: Partial<RaiseDraft>,
): Partial<RaiseDraft> {
  const out: Record<string, string> = { ...previous };
  for (const f of RAISE_FIELDS) {
    const v = data[f];
    if (typeof v === 'string') out[f] = v;
  }
  return out as Partial<RaiseDraft>;
}

/**
 * The domain's `raised` event from a draft under `procedure`. What the raiser confirmed goes with it:
 * the procedure's out-of-scope matters (on "Before you start" for this procedure), who it is about,
 * and that a name-like case reference is the reference (the toggle holds the reference confirmed).
 */
export function raiseEvent(
  person: BotPerson,
  draft: SavedDraft,
  procedure: ProcedureDefinition,
): RaisedEvent {
  const f = { ...EMPTY_RAISE_DRAFT, ...draft.fields };
  const confirmed = f.caseReferenceConfirmed.trim();
  return {
    type: 'raised',
    disputeId: draft.draftId,
    by: { id: person.id, name: person.name, email: person.email, organisationId: person.organisationId },
    immediateRiskChecked: draft.immediateRiskChecked as true,
    caseReference: f.caseReference,
    raisingOrganisationId: person.organisationId,
    counterpartOrganisationId: f.counterpartOrganisationId,
    category: f.category,
    ...(f.urgency ? { urgency: f.urgency } : {}),
    ...(procedure.outOfScope.length > 0 && draft.startedFor === procedure.id
      ? { outOfScopeConfirmed: true as const }
      : {}),
    ...(f.about === 'child' || f.about === 'adult' ? { about: f.about } : {}),
    ...(confirmed !== '' && confirmed === cleanText(f.caseReference).replace(/\s+/g, ' ')
      ? { caseReferenceConfirmed: true as const }
      : {}),
    details: { issue: f.issue, informalAttempts: f.informalAttempts, resolutionSought: f.resolutionSought },
  };
}

/** The free-text answers longer than the form keeps, with their length as it would be kept. */
export function overLimitFields(fields: Partial<RaiseDraft>): Partial<Record<RaiseField, number>> {
  const out: Partial<Record<RaiseField, number>> = {};
  for (const f of ['issue', 'informalAttempts', 'resolutionSought'] as const) {
    const value = fields[f];
    const length = value === undefined ? 0 : cleanText(value).length;
    if (length > RAISE_TEXT_MAX) out[f] = length;
  }
  return out;
}

/** Control characters other than tab, line feed and carriage return: no place in a case record. */
function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
}

/** The fields whose answers cannot be stored as typed, each with what to say beside it. */
export function unstorableFields(fields: Partial<RaiseDraft>): RaiseFieldErrors {
  const errors: RaiseFieldErrors = {};
  for (const f of RAISE_FIELDS) {
    const value = fields[f];
    if (value !== undefined && [...value].some(isControl)) errors[f] = UNSTORABLE_TEXT;
  }
  return errors;
}

/** The answers with the characters `unstorableFields` objects to left out. */
export function withoutControlCharacters(fields: Partial<RaiseDraft>): Partial<RaiseDraft> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string') out[k] = [...v].filter((ch) => !isControl(ch)).join('');
  }
  return out as Partial<RaiseDraft>;
}
