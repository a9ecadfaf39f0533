/**
 * Entering a stage: its deadline and timers, the people it informs and copies, then its channel
 * (`CHANNELS`). Every rule comes from the procedure definition; nothing here names a procedure.
 */
import type { Stage } from '../procedure/schema.ts';
import type { FeedbackUpdate } from './card-intents.ts';
import { CHANNELS, emailDetails, otherParties } from './channels.ts';
import { isSamePerson } from './guards.ts';
import { refuse } from './refusal.ts';
import type { Transition } from './transition.ts';
import type { DisputeDetails, PersonRef } from './types.ts';

export { bookMeeting } from './meeting-booking.ts';
export { VERBS } from './verbs.ts';

/**
 * Moves the dispute into `stages[index]`: computes the deadline, sets timers, informs and copies
 * the people the stage names, and starts its channel.
 */
export function enterStage(
  t: Transition,
  index: number,
  opts: { decidedBy?: PersonRef; statement?: Partial<DisputeDetails>; agreedWorkingDays?: number } = {},
): void {
  const stage = t.procedure.stages[index];
  if (!stage) refuse('unknown-stage', 'no-further-stage');

  if (t.state.stage.index !== index) t.cancelStageTimers();
  // Stages passed over on the way (a bypass): their "by this stage at the latest" informs still happen.
  const passedOver = t.procedure.stages.slice(Math.max(0, t.state.stage.index + 1), index);

  const actor = stageActor(t, index, opts.decidedBy);

  const deadline = t.deadline(stage.timescale, opts.agreedWorkingDays);
  t.updateStage({
    id: stage.id,
    index,
    startedAt: t.ctx.now,
    due: deadline.due,
    dueDate: deadline.dueDate,
    phase: 'awaiting-outcome',
    awaiting: null,
    actor,
    thread: [],
    meeting: null,
    overdue: false,
    chases: 0,
    enteredSeq: t.state.seq,
  });
  delete (t.state.stage as { nextStageId?: string }).nextStageId;
  t.addParticipants(actor);

  if (stage.formal && !t.state.formalStartedAt && t.procedure.overall?.from === 'first-formal-stage') {
    startOverallClock(t);
  }
  t.setStageTimers(stage.id, deadline);

  const details: DisputeDetails = { ...t.state.details, ...stripEmpty(opts.statement) };
  if (opts.statement) t.update({ details });

  t.record({
    contactType: stage.channel,
    between: [actor.name],
    kind: 'stage-started',
    params: { stageName: stage.name, parties: stage.parties, dueDate: deadline.dueDate },
  });

  for (const skipped of passedOver) informParties(t, skipped, actor, { onlyAtTheLatest: true });
  informParties(t, stage, actor);

  const copies = stage.copy.map((p) => t.resolve(p, actor)).filter((p): p is PersonRef => !!p);
  t.addParticipants(...copies);
  if (copies.length > 0 && stage.channel !== 'email' && stage.channel !== 'written') {
    // Stages without an email of their own still copy the people the procedure names (Dudley 3a).
    t.sendEmail({
      from: actor,
      to: copies,
      importance: 'high',
      template: 'inform',
      kind: 'notice',
      message: { kind: 'copy', quotes: stage.copy.map((c) => c.quote), details: emailDetails(t, details) },
      due: deadline,
    });
  }

  CHANNELS[stage.channel](t, { stage, actor, copies, details, deadline });
  feedbackToRaiser(t, stage, { kind: 'stage-started', stageName: stage.name, actor: actor.name });
}

/**
 * Who acts in `stages[index]`. The decider acts when the stage's actor is the same role on the
 * same side (ANE: the Team Manager decides on Stage 1 and sends its email); otherwise the actor is
 * resolved from the previous stage's actor (their line manager, where the procedure says so).
 */
export function stageActor(t: Transition, index: number, decider: PersonRef | undefined): PersonRef {
  const stage = t.procedure.stages[index];
  if (!stage) refuse('unknown-stage', 'no-further-stage');
  if (index === 0) return t.state.raisedBy;
  const deciderIsActor =
    decider &&
    stage.entry &&
    stage.entry.decidedBy.role === stage.actor.role &&
    stage.entry.decidedBy.side === stage.actor.side;
  if (deciderIsActor && decider) return decider;
  return t.mustResolve(stage.actor, t.state.stage.actor ?? t.state.raisedBy);
}

/**
 * Whether entering the stage sends correspondence in the actor's name to another tenant: its
 * email or letter, or a discussion held by email. The person it goes out from reviews it first.
 */
export function sendsInActorsName(t: Transition, stage: Stage, actor: PersonRef): boolean {
  if (stage.channel === 'email' || stage.channel === 'written') return true;
  if (stage.channel !== 'discussion' && stage.channel !== 'reassignment') return false;
  return otherParties(t, stage, actor).some((person) => !t.inTeams(person));
}

function stripEmpty(statement: Partial<DisputeDetails> | undefined): Partial<DisputeDetails> {
  const out: Partial<Record<keyof DisputeDetails, string>> = {};
  for (const [k, v] of Object.entries(statement ?? {}))
    if (typeof v === 'string' && v.trim()) out[k as keyof DisputeDetails] = v.trim();
  return out;
}

export function startOverallClock(t: Transition): void {
  const overall = t.procedure.overall;
  if (!overall) return;
  const deadline = t.deadline({
    kind: 'working-days',
    workingDays: overall.workingDays,
    quote: overall.quote,
  });
  t.update({ formalStartedAt: t.ctx.now, overallDue: deadline.due });
  if (deadline.due) {
    t.setTimer('overall-deadline', deadline.due, 'overall');
    t.setWarningTimers('overall', deadline, 'overall');
  }
}

/**
 * Tells the people the stage names that it has been reached. With `onlyAtTheLatest` (a stage passed
 * over), only those who must know by that stage at the latest (`unlessAlreadyInformed`; IRO: the
 * CSSU Service Manager "by the time the dispute has been escalated to the Service Manager").
 */
function informParties(
  t: Transition,
  stage: Stage,
  actor: PersonRef,
  opts: { onlyAtTheLatest?: boolean } = {},
): void {
  for (const party of stage.inform) {
    if (opts.onlyAtTheLatest && !party.unlessAlreadyInformed) continue;
    const tag = `${party.side}:${party.role}`;
    if (party.unlessAlreadyInformed && t.state.informed.includes(tag)) continue;
    const person = t.resolve(party, actor);
    if (!person) {
      t.record({
        contactType: 'system',
        between: [],
        kind: 'inform-unresolved',
        params: { role: t.roleLabel(party.role), quote: party.quote },
      });
      continue;
    }
    t.addParticipants(person);
    t.sendEmail({
      from: actor,
      to: [person],
      importance: 'high',
      template: 'inform',
      kind: 'notice',
      message: { kind: 'inform', quote: party.quote, details: emailDetails(t, t.state.details) },
    });
    t.update({ informed: [...t.state.informed, tag] });
    t.record({
      contactType: 'email',
      between: [actor.name, person.name],
      kind: 'informed',
      params: { name: person.name, quote: party.quote },
    });
  }
}

export function feedbackToRaiser(t: Transition, stage: Stage, update: FeedbackUpdate): void {
  if (!stage.feedbackToRaiser) return;
  if (isSamePerson(t.state.raisedBy, t.state.stage.awaiting)) return;
  t.sendCard(
    t.state.raisedBy,
    'feedback',
    { kind: 'feedback', update, quote: stage.feedbackToRaiser.quote },
    'feedback',
  );
}
