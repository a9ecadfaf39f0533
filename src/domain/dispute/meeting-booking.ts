/** Booking a stage's meeting: who convenes, who attends, the window and the agenda. */
import type { Stage } from '../procedure/schema.ts';
import { isSamePerson } from './guards.ts';
import { refuse } from './refusal.ts';
import type { Transition } from './transition.ts';
import type { PersonRef } from './types.ts';
import { subjectOfDispute } from './validate.ts';

export interface BookingChoice {
  /** The convener's choice of start (moving the meeting). */
  readonly preferredStart?: string;
  /** Times attendees proposed, booked first when still viable. */
  readonly proposedStarts?: readonly string[];
}

export function bookMeeting(t: Transition, stage: Stage, actor: PersonRef, choice: BookingChoice = {}): void {
  const { preferredStart, proposedStarts } = choice;
  const spec = stage.meeting;
  if (!spec) refuse('option-not-available', 'stage-has-no-meeting', { stage: stage.name });
  const convener = isSamePerson(actor, t.state.stage.actor) ? actor : t.mustResolve(spec.convener, actor);
  const hostOrg = t.state.raisingOrganisationId;
  const attendees = spec.attendees
    .map((p) => {
      const person = t.resolve(p, p.side === 'raising' ? convener : undefined);
      return person && person.id !== convener.id
        ? { person, required: p.required, external: person.organisationId !== hostOrg }
        : null;
    })
    .filter((a): a is NonNullable<typeof a> => !!a)
    .filter((a, i, all) => all.findIndex((b) => b.person.id === a.person.id) === i);
  const missingRequired = spec.attendees.filter(
    (p) => p.required && !t.resolve(p, p.side === 'raising' ? convener : undefined),
  );
  if (missingRequired.length > 0) {
    t.record({
      contactType: 'system',
      between: [],
      kind: 'parties-not-found',
      params: { parties: missingRequired.map((p) => ({ role: t.roleLabel(p.role), side: p.side })) },
    });
  }
  t.addParticipants(convener, ...attendees.map((a) => a.person));
  const previous = t.state.stage.meeting;
  const agenda = t.procedure.record.agendas.find((a) => a.id === spec.agenda);
  const windowEnd =
    t.state.stage.due ?? new Date(new Date(t.ctx.now).getTime() + 10 * 86_400_000).toISOString();
  t.emit({
    type: 'book-meeting',
    convener,
    attendees,
    window: { start: t.ctx.now, end: windowEnd },
    durationMinutes: spec.durationMinutes,
    title: {
      procedureShortName: t.procedure.shortName,
      caseReference: t.state.caseReference,
      stageName: stage.name,
    },
    agenda: agenda
      ? agenda.items.flatMap((i) => [i.label, ...i.children.map((c) => `  ${c}`)])
      : [spec.quote],
    context: {
      procedureName: t.procedure.name,
      subject: subjectOfDispute(t.state, t.procedure),
      appliesTo: t.procedure.appliesTo,
      meetingQuote: spec.quote,
      category: t.procedure.categories.find((c) => c.id === t.state.category)?.label ?? t.state.category,
      issue: t.state.details.issue,
      resolutionSought: t.state.details.resolutionSought,
    },
    form: spec.form
      ? { online: spec.form.online, inPerson: spec.form.inPerson, quote: spec.form.quote }
      : { online: true, inPerson: false, quote: null },
    ...(previous?.eventId ? { replaces: previous.eventId } : {}),
    avoidStarts: previous?.declinedSlots ?? [],
    ...(preferredStart ? { preferredStart } : {}),
    ...(proposedStarts?.length ? { proposedStarts } : {}),
  });
  t.updateStage({
    phase: 'booking',
    awaiting: null,
    meeting: {
      status: 'booking',
      convener,
      attempts: (previous?.attempts ?? 0) + 1,
      attendees: attendees.map((a) => ({ ...a, response: 'none' as const })),
      declinedSlots: previous?.declinedSlots ?? [],
      ...(previous?.proposals?.length ? { proposals: previous.proposals } : {}),
    },
  });
}
