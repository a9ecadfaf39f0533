/**
 * Notes a procedure lets a named party record at any point in the process, outside the ladder
 * (`anytimeNotes` in the procedure file; IRO: "At any point in the process, where it is appropriate,
 * the IRO may seek independent legal advice"). Recording one writes a line of the case record with
 * who and when; it never moves the dispute's step, so whoever's step it is keeps their card.
 */
import type { Party, ProcedureDefinition } from '../procedure/schema.ts';
import type { EventOf } from './decide-types.ts';
import { isSamePerson, requireOpen } from './guards.ts';
import { refuse } from './refusal.ts';
import type { Transition } from './transition.ts';
import type { DisputeState, PersonRef, RoleResolver } from './types.ts';
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
 * The notes the dispute card offers `person`: those whose party the directory resolves, for this
 * dispute, to this very person (the allocated IRO, not anyone holding the role), while the dispute
 * is open. The same resolution `onNoteRecorded` checks, so whoever is offered a note may record it.
 */
export function anytimeNotesFor(input: {
  state: Pick<DisputeState, 'status' | 'raisingOrganisationId' | 'counterpartOrganisationId' | 'raisedBy'>;
  procedure: Pick<ProcedureDefinition, 'anytimeNotes' | 'record'>;
  person: PersonRef;
  resolver: RoleResolver;
}): OfferedNote[] {
  const { state, procedure, person, resolver } = input;
  if (state.status !== 'open') return [];
  const resolves = (party: Party) =>
    [party.role, ...party.substitutes.map((s) => s.role)]
      .map((role) => resolver.resolve({ party: { ...party, role }, dispute: state }))
      .find((p) => p !== null);
  return procedure.anytimeNotes
    .filter((note) => isSamePerson(person, resolves(note.by) ?? null))
    .map((n) => ({
      id: n.id,
      label: n.label,
      quote: n.quote,
      mustNotRecord: procedure.record.mustNotRecord,
    }));
}
