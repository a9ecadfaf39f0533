/**
 * The raise wizard's answers as plain data: read from a card submit, checked for what cannot be
 * stored, and turned into the domain's `raised` event. Pure.
 */
import { EMPTY_RAISE_DRAFT, RAISE_FIELDS, type RaiseDraft, type RaiseField } from '../cards/index.ts';
import type { DisputeEvent } from '../domain/dispute/types.ts';
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

export function raiseEvent(person: BotPerson, draft: SavedDraft): RaisedEvent {
  const f = { ...EMPTY_RAISE_DRAFT, ...draft.fields };
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
    details: { issue: f.issue, informalAttempts: f.informalAttempts, resolutionSought: f.resolutionSought },
  };
}

/** Control characters other than tab, line feed and carriage return: no place in a case record. */
function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
}

const UNSTORABLE =
  'This answer contained characters that cannot be stored (control characters). Concord has left them out: check the text, then save or submit again.';

/** The fields whose answers cannot be stored as typed, each with what to say beside it. */
export function unstorableFields(fields: Partial<RaiseDraft>): RaiseFieldErrors {
  const errors: RaiseFieldErrors = {};
  for (const f of RAISE_FIELDS) {
    const value = fields[f];
    if (value !== undefined && [...value].some(isControl)) errors[f] = UNSTORABLE;
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
