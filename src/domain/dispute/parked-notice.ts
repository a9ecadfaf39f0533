/**
 * The card the shell sends a dispute's owner when an effect is parked (its retries ran out, or it
 * failed in a way retrying cannot mend): what could not be done and for whom, in the names people
 * know, framed by the procedure's and stage's names, never by ids.
 */
import type { ProcedureDefinition } from '../procedure/schema.ts';
import type { CardFrame, CardIntent } from './card-intents.ts';
import type { Effect } from './effects.ts';
import type { DisputeState } from './types.ts';

type ParkedIntent = Extract<CardIntent, { kind: 'action-parked' }>;

/** The notice's intent: the action, how often it was tried, and the people it was for. */
export function parkedIntent(
  effect: Effect | undefined,
  type: string,
  attempts: number,
  reference: string,
): ParkedIntent {
  const base = { kind: 'action-parked' as const, action: type, attempts, reference };
  switch (effect?.type) {
    case 'send-email':
      return { ...base, for: names([...effect.to, ...effect.cc]) };
    case 'send-card':
      return { ...base, for: [effect.to.name] };
    case 'book-meeting':
      return { ...base, for: names(effect.attendees.map((a) => a.person)), calendarOf: effect.convener.name };
    case 'cancel-meeting':
      return { ...base, calendarOf: effect.convener.name };
    default:
      return base;
  }
}

/** The notice's frame, named as the procedure names the dispute's procedure and stage. */
export function parkedFrame(state: DisputeState, procedure: ProcedureDefinition | undefined): CardFrame {
  return {
    disputeId: state.id,
    caseReference: state.caseReference,
    procedureName: procedure?.name ?? state.procedureId,
    stageName: procedure?.stages.find((s) => s.id === state.stage.id)?.name ?? state.stage.id,
    due: state.stage.due,
    dueDate: state.stage.dueDate,
    overallDue: state.overallDue,
    overallWorkingDays: procedure?.overall?.workingDays ?? null,
  };
}

function names(people: readonly { readonly name: string }[]): string[] {
  return [...new Set(people.map((p) => p.name))];
}
