/**
 * Notes a procedure lets a named party record at any point in the process, outside the ladder
 * (`anytimeNotes` in the procedure file; IRO: "At any point in the process, where it is appropriate,
 * the IRO may seek independent legal advice"). Recording one writes a line of the case record with
 * who and when; it never moves the dispute's step, so whoever's step it is keeps their card.
 */
import type { AnytimeNote, Party, ProcedureDefinition } from '../procedure/schema.ts';
import type { EventOf } from './decide-types.ts';
import { isSamePerson, requireOpen } from './guards.ts';
import { refuse } from './refusal.ts';
import type { Transition } from './transition.ts';
import type { DisputeState, PersonRef } from './types.ts';
import { validateText } from './validate.ts';

/** How the procedure names the party who may record a note ("the allocated IRO"). */
export function noteRecorderLabel(procedure: Pick<ProcedureDefinition, 'roles'>, party: Party): string {
  return party.label ?? procedure.roles.find((r) => r.id === party.role)?.label ?? party.role;
}

export function onNoteRecorded(t: Transition, event: EventOf<'note-recorded'>): void {
  requireOpen(t);
  const note = t.procedure.anytimeNotes.find((n) => n.id === event.noteId);
  if (!note) refuse('invalid-input', 'unknown-note', { noteId: event.noteId });
  // The party is resolved for this dispute as the directory finds it (the allocated IRO), not by
  // role alone: another holder of the role is refused as anyone else is.
  if (!isSamePerson(event.by, t.resolve(note.by)))
    refuse('not-your-step', 'only-role-records-note', {
      role: noteRecorderLabel(t.procedure, note.by),
      label: note.label,
    });
  const text = event.text === undefined ? undefined : validateText(event.text, 'note', 2000, 'note');
  t.addParticipants(event.by);
  t.record({
    contactType: 'card',
    between: [event.by.name],
    kind: 'note-recorded',
    params: { label: note.label, by: event.by.name, quote: note.quote },
    ...(text ? { outcome: text } : {}),
  });
}

/** A note as the dispute card offers it, with what the record must not hold quoted beside it. */
export interface OfferedNote {
  readonly id: string;
  readonly label: string;
  readonly quote: string;
  readonly mustNotRecord: readonly string[];
}

/**
 * The notes the dispute card offers `person`: those whose party they hold (by role, on its side)
 * while the dispute is open. Only an offer: `decide` checks the person against the directory.
 */
export function anytimeNotesFor(input: {
  state: Pick<DisputeState, 'status' | 'raisingOrganisationId' | 'counterpartOrganisationId'>;
  procedure: Pick<ProcedureDefinition, 'anytimeNotes' | 'record'>;
  person: PersonRef & { readonly roles: readonly string[] };
}): OfferedNote[] {
  const { state, procedure, person } = input;
  if (state.status !== 'open') return [];
  const onSide = (party: Party) =>
    party.side === 'raising'
      ? person.organisationId === state.raisingOrganisationId
      : party.side === 'counterpart'
        ? person.organisationId === state.counterpartOrganisationId
        : person.organisationId !== state.raisingOrganisationId &&
          person.organisationId !== state.counterpartOrganisationId;
  const holds = (note: AnytimeNote) =>
    [note.by.role, ...note.by.substitutes.map((s) => s.role)].some((r) => person.roles.includes(r)) &&
    onSide(note.by);
  return procedure.anytimeNotes.filter(holds).map((n) => ({
    id: n.id,
    label: n.label,
    quote: n.quote,
    mustNotRecord: procedure.record.mustNotRecord,
  }));
}
