/** The checks handlers make before acting: the dispute is open, at this phase, and it is your step. */
import { refuse, type StepName } from './refusal.ts';
import type { Transition } from './transition.ts';
import type { DisputeState, PersonRef } from './types.ts';

/** Whether two references name the same person. */
export function isSamePerson(a: PersonRef | null | undefined, b: PersonRef | null | undefined): boolean {
  return !!a && !!b && a.id === b.id;
}

export function requireOpen(t: Transition): void {
  if (t.state.status !== 'open') refuse('dispute-not-open', 'dispute-not-open', { status: t.state.status });
}

export function requireAwaiting(t: Transition, by: PersonRef | undefined, step: StepName): PersonRef {
  if (!by) refuse('not-your-step', 'no-one-acting', { step });
  if (!isSamePerson(by, t.state.stage.awaiting)) {
    const who = t.state.stage.awaiting?.name;
    if (who) refuse('not-your-step', 'step-for-someone-else', { who });
    refuse('not-your-step', 'nobody-can-act', { step });
  }
  return by;
}

export function requirePhase(t: Transition, ...phases: DisputeState['stage']['phase'][]): void {
  if (!phases.includes(t.state.stage.phase)) {
    refuse('wrong-phase', 'wrong-phase', { phase: t.state.stage.phase, stage: t.stage.name });
  }
}
