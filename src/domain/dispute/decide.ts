/**
 * `decide(state, event, ctx) → { state, effects }`: the escalation state machine. Pure: no I/O, no
 * clock, no environment. An event that is not valid now returns `{ ok: false, refusal }` with a
 * sentence to show the person; it never throws.
 *
 * @example
 * const r = decide(null, { type: 'raised', ... }, { procedure, calendar, now, resolver });
 * if (r.ok) store(r.state, r.effects); else reply(r.refusal.message);
 */
import { isCalendarDay } from '../calendar/index.ts';
import type { Decide, DecideContext, DecideResult } from './decide-types.ts';
import {
  bookMeeting,
  endUnresolved,
  enterStage,
  feedbackToRaiser,
  resolveDispute,
  stageUnresolved,
  startOverallClock,
  VERBS,
  writtenConfirmation,
} from './stage-flow.ts';
import { isSamePerson, RefusalSignal, refuse, STAGE_TIMER_KINDS, Transition } from './transition.ts';
import type { AgreedAction, CardAction, DisputeEvent, DisputeState, PersonRef, Refusal } from './types.ts';
import { validateRaise, validateText } from './validate.ts';

export { VERBS } from './stage-flow.ts';

export const decide: Decide = (state, event, ctx) => {
  try {
    if (event.type === 'raised') {
      if (state) refuse('already-raised', 'This dispute has already been raised.');
      return finish(raise(event, ctx));
    }
    if (!state) refuse('not-raised', 'There is no such dispute.');
    if (state.procedureVersion !== ctx.procedure.version || state.procedureId !== ctx.procedure.id) {
      refuse(
        'invalid-input',
        `This dispute runs under ${state.procedureId} ${state.procedureVersion}; it was given ${ctx.procedure.id} ${ctx.procedure.version}.`,
      );
    }
    const t = new Transition({ ...state, seq: state.seq + 1 }, ctx);
    apply(t, event);
    return finish(t);
  } catch (error) {
    if (error instanceof RefusalSignal) return { ok: false, refusal: error.refusal };
    throw error;
  }
};

function finish(t: Transition): DecideResult {
  return { ok: true, state: t.state, effects: t.effects };
}

function raise(event: Extract<DisputeEvent, { type: 'raised' }>, ctx: DecideContext): Transition {
  const { procedure } = ctx;
  const checked = validateRaise(event, procedure);
  if (!checked.ok) throw new RefusalSignal(checked.errors[0] as Refusal);
  const input = checked.value;
  const first = procedure.stages[0];
  if (!first) refuse('unknown-stage', 'This procedure has no stages.');
  const initial: DisputeState = {
    id: event.disputeId,
    procedureId: procedure.id,
    procedureVersion: procedure.version,
    status: 'open',
    caseReference: input.caseReference,
    raisingOrganisationId: event.raisingOrganisationId,
    counterpartOrganisationId: event.counterpartOrganisationId,
    category: event.category,
    urgency: event.urgency ?? null,
    details: input.details,
    raisedBy: event.by,
    raisedAt: ctx.now,
    owner: event.by,
    stage: {
      id: first.id,
      index: 0,
      startedAt: ctx.now,
      due: null,
      dueDate: null,
      phase: 'awaiting-outcome',
      awaiting: null,
      actor: event.by,
      thread: [],
      meeting: null,
      overdue: false,
      chases: 0,
    },
    formalStartedAt: null,
    overallDue: null,
    outcomes: [],
    participants: [event.by],
    informed: [],
    exceptionalRoute: null,
    endedAt: null,
    seq: 1,
  };
  const t = new Transition(initial, ctx);
  const owner = t.resolve(procedure.record.owner, event.by) ?? event.by;
  t.update({ owner });
  t.addParticipants(owner);
  t.record({
    contactType: 'card',
    between: [event.by.name],
    summary: `Dispute raised under ${procedure.name} (${procedure.version}).`,
  });
  if (procedure.overall?.from === 'raised') startOverallClock(t);

  const second = procedure.stages[1];
  if (!first.formal && second?.entry) {
    // The raise form records the informal attempts: the informal stage has not resolved it, so
    // whoever decides on the first formal stage is asked now.
    t.record({
      contactType: first.channel,
      between: [event.by.name],
      summary: `${first.name}: not resolved informally.`,
      outcome: input.details.informalAttempts,
    });
    const decider = t.mustResolve(second.entry.decidedBy, event.by);
    t.addParticipants(decider);
    t.updateStage({ phase: 'awaiting-decision', awaiting: decider, nextStageId: second.id });
    t.sendCard(
      decider,
      'decision',
      t.cardView(`Decide on ${second.name}`, [second.entry.quote], decisionActions(t, second.id)),
    );
    feedbackToRaiser(t, first, `Your dispute has gone to ${decider.name} to decide on ${second.name}.`);
    return t;
  }
  enterStage(t, 0);
  return t;
}

function decisionActions(t: Transition, nextStageId: string): { verb: string; title: string }[] {
  const next = t.procedure.stages.find((s) => s.id === nextStageId);
  const actions: CardAction[] = [{ verb: VERBS.escalate, title: `Raise ${next?.name ?? 'the next stage'}` }];
  if (next?.entry?.informalOption)
    actions.push({ verb: VERBS.informal, title: 'Raise it informally with the counterpart' });
  if (next?.entry?.acceptOption) actions.push({ verb: VERBS.accept, title: 'Accept the decision' });
  return actions;
}

function requireOpen(t: Transition): void {
  if (t.state.status !== 'open') refuse('dispute-not-open', `This dispute is already ${t.state.status}.`);
}

function requireAwaiting(t: Transition, by: PersonRef | undefined, what: string): PersonRef {
  if (!by) refuse('not-your-step', `Only the person whose step it is can ${what}.`);
  if (!isSamePerson(by, t.state.stage.awaiting)) {
    const who = t.state.stage.awaiting?.name;
    refuse(
      'not-your-step',
      who
        ? `This step is for ${who}. You can see the dispute but not act on it.`
        : `Nobody can ${what} at this point.`,
    );
  }
  return by;
}

function requirePhase(t: Transition, ...phases: DisputeState['stage']['phase'][]): void {
  if (!phases.includes(t.state.stage.phase)) {
    refuse(
      'wrong-phase',
      `That cannot be done now: the dispute is at "${t.state.stage.phase}" in ${t.stage.name}.`,
    );
  }
}

function apply(t: Transition, event: Exclude<DisputeEvent, { type: 'raised' }>): void {
  switch (event.type) {
    case 'decision':
      onDecision(t, event);
      return;
    case 'informal-outcome': {
      requireOpen(t);
      requirePhase(t, 'informal-contact');
      const by = requireAwaiting(t, event.by, 'record the informal outcome');
      const summary = validateText(event.summary, 'What happened', 4000);
      t.record({
        contactType: 'discussion',
        between: [by.name],
        summary: 'Raised informally with the counterpart.',
        outcome: summary,
      });
      if (event.resolved) {
        resolveDispute(t, { resolved: true, summary, actions: [], recordedBy: by.name });
        return;
      }
      const nextId = t.state.stage.nextStageId;
      if (!nextId) refuse('wrong-phase', 'There is no stage to decide on.');
      t.updateStage({ phase: 'awaiting-decision', awaiting: by });
      const actions = decisionActions(t, nextId).filter((a) => a.verb !== VERBS.informal);
      t.sendCard(by, 'decision', t.cardView('The informal approach did not resolve it', [summary], actions));
      return;
    }
    case 'bypass':
      onBypass(t, event);
      return;
    case 'message-sent': {
      const kind = event.kind;
      t.updateStage({
        thread: [
          ...t.state.stage.thread,
          {
            kind,
            internetMessageId: event.internetMessageId,
            ...(event.conversationId ? { conversationId: event.conversationId } : {}),
            at: t.ctx.now,
          },
        ],
      });
      if (kind === 'statement' && t.state.stage.phase === 'sending') {
        const stage = t.stage;
        if (stage.email?.awaitReply) t.updateStage({ phase: 'awaiting-response', awaiting: null });
        else t.updateStage({ phase: 'awaiting-outcome', awaiting: t.state.stage.actor });
        t.record({
          contactType: 'email',
          between: [t.state.stage.actor?.name ?? ''],
          summary: `${stage.name} email sent (High Importance).`,
        });
      }
      return;
    }
    case 'reply-received': {
      requireOpen(t);
      // 'sending': the email is out but its delivery report has not been applied yet; a fast reply still counts.
      requirePhase(t, 'sending', 'awaiting-response', 'awaiting-acknowledgement');
      const actor = t.state.stage.actor;
      if (!actor) refuse('wrong-phase', 'No one is waiting for a reply.');
      checkReply(t, event);
      const text = event.text.trim().slice(0, 20_000);
      t.updateStage({
        phase: 'awaiting-acknowledgement',
        awaiting: actor,
        thread: [
          ...t.state.stage.thread,
          {
            kind: 'reply',
            internetMessageId: event.internetMessageId,
            ...(event.conversationId ? { conversationId: event.conversationId } : {}),
            at: t.ctx.now,
            text,
            from: event.fromEmail,
          },
        ],
      });
      t.record({
        contactType: 'email',
        between: [event.fromEmail, actor.name],
        summary: `Reply received for ${t.stage.name}.`,
        outcome: text,
      });
      const ack = t.stage.content.acknowledgement;
      t.sendCard(
        actor,
        'review-reply',
        t.cardView(
          `Reply received: is it agreed?`,
          [text, ...(ack ? [ack.quote] : [])],
          [
            { verb: VERBS.agreed, title: 'Agreed' },
            { verb: VERBS.notAgreed, title: 'Not agreed' },
          ],
          [{ label: 'From', value: event.fromEmail }],
        ),
      );
      return;
    }
    case 'acknowledged':
      onAcknowledged(t, event);
      return;
    case 'chase': {
      requireOpen(t);
      requirePhase(t, 'awaiting-response');
      const by = event.by;
      if (!t.state.stage.overdue)
        refuse('wrong-phase', `The reply is not due until ${t.state.stage.dueDate}.`);
      if (!isSamePerson(by, t.state.stage.actor))
        refuse('not-your-step', `Only ${t.state.stage.actor?.name ?? 'the sender'} can chase this email.`);
      const statement = t.state.stage.thread.find((m) => m.kind === 'statement');
      const to = t.state.participants.filter((p) => p.organisationId === t.state.counterpartOrganisationId);
      if (!statement || to.length === 0) refuse('wrong-phase', 'There is no email to chase yet.');
      t.sendEmail({
        from: by,
        to,
        importance: 'high',
        template: 'chase',
        kind: 'chase',
        inReplyTo: statement,
        view: t.emailView(
          `RE: ${t.procedure.shortName} dispute ${t.state.caseReference}: ${t.stage.name}`,
          [
            `A response was due by ${t.state.stage.dueDate ?? 'the deadline'} and has not been received.`,
            ...(event.note ? [event.note] : []),
          ],
          [],
        ),
      });
      t.updateStage({ chases: t.state.stage.chases + 1, awaiting: by });
      t.record({ contactType: 'email', between: [by.name], summary: 'Response chased.' });
      // The sender can still treat it as not agreed, or chase again, until a reply comes.
      t.sendCard(
        by,
        'no-response',
        t.cardView(
          'Response chased',
          [
            `Chased on ${t.ctx.now.slice(0, 10)}. If no reply comes, treat it as not agreed so the next stage can be considered.`,
          ],
          [
            { verb: VERBS.chase, title: 'Chase again' },
            { verb: VERBS.notAgreed, title: 'Not agreed: escalate' },
          ],
        ),
      );
      return;
    }
    case 'timer-fired':
      onTimer(t, event);
      return;
    case 'meeting-booked': {
      requireOpen(t);
      requirePhase(t, 'booking');
      const meeting = t.state.stage.meeting;
      if (!meeting) refuse('unknown-meeting', 'No meeting is being booked.');
      t.updateStage({
        phase: 'meeting-booked',
        awaiting: null,
        meeting: {
          ...meeting,
          status: 'booked',
          eventId: event.eventId,
          start: event.start,
          end: event.end,
          ...(event.joinUrl ? { joinUrl: event.joinUrl } : {}),
          alternatives: (event.alternatives ?? []).filter((a) => a !== event.start).slice(0, 10),
          attendees: meeting.attendees.map((a) => ({ ...a, response: 'none' as const })),
        },
      });
      t.setTimer('meeting-end', event.end, t.state.stage.id, String(meeting.attempts));
      const late = t.state.stage.due && event.end > t.state.stage.due;
      t.record({
        contactType: 'meeting',
        between: [meeting.convener.name, ...meeting.attendees.map((a) => a.person.name)],
        summary: `Meeting booked for ${event.start}.${late ? ' It ends after the stage deadline.' : ''}`,
      });
      t.sendCard(meeting.convener, 'meeting', meetingCard(t), 'meeting');
      return;
    }
    case 'meeting-unbookable': {
      requireOpen(t);
      requirePhase(t, 'booking');
      const meeting = t.state.stage.meeting;
      if (!meeting) refuse('unknown-meeting', 'No meeting is being booked.');
      t.updateStage({ awaiting: meeting.convener });
      t.record({
        contactType: 'system',
        between: [meeting.convener.name],
        summary: `No meeting slot could be found: ${event.reason}`,
      });
      t.sendCard(
        meeting.convener,
        'meeting',
        t.cardView(
          'No meeting slot found',
          [event.reason, 'Choose a time and Concord will book it.'],
          [{ verb: VERBS.moveMeeting, title: 'Choose a time' }],
        ),
        'meeting',
      );
      return;
    }
    case 'meeting-response': {
      requireOpen(t);
      const meeting = t.state.stage.meeting;
      if (!meeting || meeting.eventId !== event.eventId)
        refuse('unknown-meeting', 'That meeting is not the current one.');
      const attendee = meeting.attendees.find(
        (a) => a.person.email.toLowerCase() === event.attendeeEmail.toLowerCase(),
      );
      if (!attendee) refuse('unknown-meeting', 'That person is not invited to this meeting.');
      if (attendee.response === event.response) return;
      const attendees = meeting.attendees.map((a) =>
        a === attendee ? { ...a, response: event.response } : a,
      );
      t.updateStage({ meeting: { ...meeting, attendees } });
      t.record({
        contactType: 'meeting',
        between: [attendee.person.name],
        summary: `${attendee.person.name}: ${event.response}.`,
      });
      if (event.response === 'declined' && attendee.required && t.state.stage.phase === 'meeting-booked') {
        const declined = meeting.start ? [...meeting.declinedSlots, meeting.start] : meeting.declinedSlots;
        t.effects.push({
          type: 'cancel-timer',
          key: `${t.state.id}:${t.state.stage.id}:meeting-end:${meeting.attempts}`,
        });
        t.updateStage({ meeting: { ...meeting, attendees, declinedSlots: declined } });
        bookMeeting(t, t.stage, meeting.convener);
        t.sendCard(
          meeting.convener,
          'meeting',
          t.cardView('Re-booking the meeting', [
            `${attendee.person.name} declined. Concord is booking the next viable slot.`,
          ]),
          'meeting',
        );
        return;
      }
      t.sendCard(meeting.convener, 'meeting', meetingCard(t), 'meeting');
      return;
    }
    case 'meeting-move': {
      requireOpen(t);
      requirePhase(t, 'meeting-booked', 'booking');
      const meeting = t.state.stage.meeting;
      if (!meeting || !isSamePerson(event.by, meeting.convener))
        refuse('not-your-step', 'Only the convener can move the meeting.');
      if (Number.isNaN(Date.parse(event.start)) || event.start < t.ctx.now)
        refuse('invalid-input', 'Choose a start time in the future.');
      const start = new Date(event.start).toISOString();
      // A booked meeting moves only to a time Concord found free for everyone inside the window.
      if (meeting.alternatives?.length && !meeting.alternatives.includes(start)) {
        refuse(
          'invalid-input',
          'Choose one of the proposed times: they are the ones everyone known is free for.',
        );
      }
      t.effects.push({
        type: 'cancel-timer',
        key: `${t.state.id}:${t.state.stage.id}:meeting-end:${meeting.attempts}`,
      });
      bookMeeting(t, t.stage, meeting.convener, event.start);
      t.record({
        contactType: 'meeting',
        between: [meeting.convener.name],
        summary: `Meeting moved to ${event.start} by the convener.`,
      });
      return;
    }
    case 'meeting-requested': {
      requireOpen(t);
      requirePhase(t, 'awaiting-outcome');
      requireAwaiting(t, event.by, 'book a meeting');
      if (!t.stage.meeting) refuse('option-not-available', `${t.stage.name} does not provide for a meeting.`);
      bookMeeting(t, t.stage, event.by);
      return;
    }
    case 'meeting-held':
      onMeetingHeld(t, event.eventId);
      return;
    case 'outcome-recorded':
      onOutcome(t, event);
      return;
    case 'exceptional-referral':
      onReferral(t, event);
      return;
    case 'withdrawn': {
      requireOpen(t);
      const allowed = [t.state.raisedBy, t.state.owner];
      if (!allowed.some((p) => isSamePerson(p, event.by)))
        refuse('not-your-step', 'Only the person who raised the dispute, or its owner, can withdraw it.');
      const reason = validateText(event.reason, 'Reason', 2000);
      t.cancelStageTimers();
      t.cancelOverallTimers();
      const meeting = t.state.stage.meeting;
      if (meeting?.eventId)
        t.emit({ type: 'cancel-meeting', convener: meeting.convener, eventId: meeting.eventId });
      const statement = t.state.stage.thread.find((m) => m.kind === 'statement' || m.kind === 'letter');
      const counterparts = t.state.participants.filter(
        (p) => p.organisationId === t.state.counterpartOrganisationId,
      );
      if (statement && counterparts.length > 0 && t.state.stage.actor) {
        t.sendEmail({
          from: t.state.stage.actor,
          to: counterparts,
          importance: 'high',
          template: 'written-confirmation',
          kind: 'notice',
          inReplyTo: statement,
          view: t.emailView(
            `${t.procedure.shortName} dispute ${t.state.caseReference}: withdrawn`,
            ['This dispute has been withdrawn.', reason],
            [],
          ),
        });
      }
      t.update({ status: 'withdrawn', endedAt: t.ctx.now });
      t.updateStage({ phase: 'ended', awaiting: null });
      t.record({
        contactType: 'system',
        between: [event.by.name],
        summary: 'Dispute withdrawn.',
        outcome: reason,
      });
      return;
    }
    case 'resolved': {
      requireOpen(t);
      const owner = t.state.owner;
      if (t.procedure.record.outcomesReturnTo && !isSamePerson(event.by, owner)) {
        refuse(
          'not-allowed-to-close',
          `Only ${t.roleLabel(t.procedure.record.outcomesReturnTo.role)} can authorise the resolution.`,
        );
      }
      if (!isSamePerson(event.by, owner) && !isSamePerson(event.by, t.state.stage.awaiting)) {
        refuse(
          'not-your-step',
          'Only the person whose step it is, or who owns the record, can mark it resolved.',
        );
      }
      // Authorising a response that was returned (IRO) keeps what the responder recorded.
      const returned = t.state.stage.phase === 'awaiting-owner' ? t.state.outcomes.at(-1) : undefined;
      const note = event.summary?.trim() ? validateText(event.summary, 'Outcome', 4000) : '';
      const summary = returned
        ? note && note !== returned.summary
          ? `${returned.summary} (${note})`
          : returned.summary
        : validateText(event.summary, 'Outcome', 4000);
      const actions = event.actions?.length ? validateActions(event.actions) : (returned?.actions ?? []);
      resolveDispute(t, {
        resolved: true,
        summary,
        actions,
        ...(returned?.minutes ? { minutes: returned.minutes } : {}),
        recordedBy: event.by.name,
      });
      return;
    }
    case 'closed': {
      if (t.state.status === 'closed') refuse('dispute-not-open', 'This dispute is already closed.');
      if (t.state.status === 'open')
        refuse('wrong-phase', 'Resolve, accept or withdraw the dispute before closing the record.');
      if (!closersOf(t).some((p) => isSamePerson(p, event.by))) {
        refuse(
          'not-allowed-to-close',
          `Only ${t.procedure.record.closedBy.map((c) => t.roleLabel(c.role)).join(' or ')} can close this record.`,
        );
      }
      t.update({ status: 'closed' });
      t.record({
        contactType: 'system',
        between: [event.by.name],
        summary: 'Record closed.',
        ...(event.note ? { outcome: event.note } : {}),
      });
      return;
    }
  }
}

/**
 * Who may close the record: its owner, and the holders of the procedure's `closedBy` roles found from
 * the raiser and the owner (their own line, not anyone in the directory with that title). Where
 * outcomes return to the owner (IRO), only the owner.
 */
function closersOf(t: Transition): PersonRef[] {
  const people: PersonRef[] = [t.state.owner];
  if (t.procedure.record.outcomesReturnTo) return people;
  const actor = t.state.stage.actor;
  for (const party of t.procedure.record.closedBy) {
    for (const relativeTo of [t.state.raisedBy, t.state.owner]) {
      const person = t.resolve(party, relativeTo);
      if (person && !people.some((p) => p.id === person.id)) people.push(person);
    }
    // The raising-side actor of the stage the dispute ended in, when they hold a closing role.
    if (actor && party.side === 'raising' && actor.organisationId === t.state.raisingOrganisationId) {
      if (t.resolve(party, actor)?.id === actor.id && !people.some((p) => p.id === actor.id))
        people.push(actor);
    }
  }
  return people;
}

function onDecision(t: Transition, event: Extract<DisputeEvent, { type: 'decision' }>): void {
  requireOpen(t);
  requirePhase(t, 'awaiting-decision', 'awaiting-owner');
  const by = requireAwaiting(t, event.by, 'make this decision');
  const nextId = t.state.stage.nextStageId;
  const nextIndex = nextId ? t.procedure.stages.findIndex((s) => s.id === nextId) : -1;
  const next = t.procedure.stages[nextIndex];
  if (
    event.agreedWorkingDays !== undefined &&
    (!Number.isInteger(event.agreedWorkingDays) ||
      event.agreedWorkingDays < 1 ||
      event.agreedWorkingDays > 60)
  ) {
    refuse('invalid-input', 'The agreed timescale must be a whole number of working days between 1 and 60.');
  }
  switch (event.choice) {
    case 'escalate': {
      if (!next)
        refuse('option-not-available', 'This was the final stage; there is no further stage to raise.');
      t.record({
        contactType: 'card',
        between: [by.name],
        summary: `${by.name} decided to raise ${next.name}.`,
        ...(event.reason ? { outcome: event.reason } : {}),
      });
      enterStage(t, nextIndex, {
        decidedBy: by,
        ...(event.statement ? { statement: event.statement } : {}),
        ...(event.agreedWorkingDays !== undefined ? { agreedWorkingDays: event.agreedWorkingDays } : {}),
      });
      return;
    }
    case 'informal': {
      const option = next?.entry?.informalOption;
      if (!option || t.state.stage.phase !== 'awaiting-decision')
        refuse('option-not-available', 'Raising it informally is not an option at this point.');
      const counterpart = t.resolve(option.with, by);
      t.addParticipants(counterpart);
      t.updateStage({ phase: 'informal-contact', awaiting: by });
      t.record({
        contactType: 'card',
        between: [by.name],
        summary: `${by.name} decided to ${option.quote}.`,
      });
      t.sendCard(
        by,
        'informal-outcome',
        t.cardView(
          'Raise it informally',
          [
            `Contact ${counterpart?.name ?? 'your counterpart'} informally, then record what happened.`,
            option.quote,
          ],
          [{ verb: VERBS.informalOutcome, title: 'Record what happened' }],
          counterpart ? [{ label: 'Counterpart', value: `${counterpart.name} <${counterpart.email}>` }] : [],
        ),
      );
      return;
    }
    case 'accept': {
      if (!next) {
        // After the final stage: end here without a further referral.
        endUnresolved(
          t,
          event.reason ?? `${by.name} ended the dispute after the final stage without a further referral.`,
        );
        return;
      }
      if (!next.entry?.acceptOption) {
        refuse('option-not-available', 'Accepting the decision is not an option at this point.');
      }
      t.cancelStageTimers();
      t.cancelOverallTimers();
      t.update({ status: 'accepted', endedAt: t.ctx.now });
      t.updateStage({ phase: 'ended', awaiting: null });
      t.record({
        contactType: 'card',
        between: [by.name],
        summary: `${by.name} accepted the decision; the dispute ends here.`,
        ...(event.reason ? { outcome: event.reason } : {}),
      });
      if (!isSamePerson(by, t.state.raisedBy)) {
        t.sendCard(
          t.state.raisedBy,
          'status',
          t.cardView('Decision accepted', [`${by.name} accepted the decision. The dispute has ended.`]),
          'status',
        );
      }
      // The other side was told escalation would be considered: confirm in writing that it ends here.
      if (t.state.participants.some((p) => p.organisationId === t.state.counterpartOrganisationId)) {
        writtenConfirmation(
          t,
          `${by.name} accepted the decision; the dispute ends here.${event.reason ? ` ${event.reason}` : ''}`,
          [],
        );
      }
      return;
    }
  }
}

function onBypass(t: Transition, event: Extract<DisputeEvent, { type: 'bypass' }>): void {
  requireOpen(t);
  const rule = t.procedure.stageOrder.bypass;
  if (!rule)
    refuse('stage-skip-not-allowed', `${t.procedure.shortName} does not allow stages to be skipped.`);
  const allowed = t.resolve(rule.by, t.state.raisedBy);
  if (!isSamePerson(allowed, event.by) && !isSamePerson(t.state.owner, event.by)) {
    refuse('not-your-step', `Only ${t.roleLabel(rule.by.role)} can move the dispute past a stage.`);
  }
  const index = t.procedure.stages.findIndex((s) => s.id === event.toStageId);
  if (index < 0) refuse('unknown-stage', `There is no stage "${event.toStageId}".`);
  if (index <= t.state.stage.index) refuse('stage-skip-not-allowed', 'A dispute can only move forward.');
  const reason = validateText(event.reason, 'Reason', 2000);
  const skipped = t.procedure.stages.slice(t.state.stage.index + 1, index).map((s) => s.name);
  t.record({
    contactType: 'card',
    between: [event.by.name],
    summary: `Moved to ${t.procedure.stages[index]?.name}${skipped.length ? `, past ${skipped.join(', ')}` : ''}.`,
    outcome: reason,
  });
  enterStage(t, index, { decidedBy: event.by });
}

function onAcknowledged(t: Transition, event: Extract<DisputeEvent, { type: 'acknowledged' }>): void {
  requireOpen(t);
  const phase = t.state.stage.phase;
  // With no reply by the deadline, the actor may treat it as not agreed (ANE: prompted to escalate).
  const noReply = phase === 'awaiting-response' && t.state.stage.overdue && !event.agreed;
  if (phase !== 'awaiting-acknowledgement' && !noReply) {
    refuse(
      'wrong-phase',
      phase === 'awaiting-response'
        ? 'No reply has been received yet.'
        : `That cannot be done now (${phase}).`,
    );
  }
  const actor = t.state.stage.actor;
  if (!isSamePerson(event.by, actor))
    refuse('not-your-step', `This step is for ${actor?.name ?? 'the sender'}.`);
  const stage = t.stage;
  const reply = [...t.state.stage.thread].reverse().find((m) => m.kind === 'reply');
  const note = event.note ? validateText(event.note, 'Note', 4000) : undefined;
  if (stage.email?.acknowledge && reply && actor) {
    const to = t.state.participants.filter((p) => p.email.toLowerCase() === reply.from?.toLowerCase());
    const recipients =
      to.length > 0
        ? to
        : t.state.participants.filter((p) => p.organisationId === t.state.counterpartOrganisationId);
    t.sendEmail({
      from: actor,
      to: recipients,
      importance: stage.email.importance,
      template: 'acknowledgement',
      kind: 'acknowledgement',
      inReplyTo: reply,
      view: t.emailView(
        `RE: ${t.procedure.shortName} dispute ${t.state.caseReference}: ${stage.name}`,
        [
          event.agreed
            ? 'The actions taken or proposed to resolve the problem are agreed and accepted.'
            : 'The actions taken or proposed to resolve the problem are not agreed. The matter will be considered for escalation under the next stage.',
          ...(note ? [note] : []),
        ],
        [],
      ),
    });
  }
  if (event.agreed) {
    resolveDispute(t, {
      resolved: true,
      summary: note ?? `The response at ${stage.name} was agreed and accepted.`,
      actions: [],
      recordedBy: actor?.name ?? '',
    });
    return;
  }
  t.update({
    outcomes: [
      ...t.state.outcomes,
      {
        stageId: stage.id,
        resolved: false,
        summary: note ?? (reply ? 'Not agreed.' : 'No response by the deadline.'),
        actions: [],
        recordedBy: actor?.name ?? '',
        at: t.ctx.now,
      },
    ],
  });
  stageUnresolved(
    t,
    reply
      ? `The response at ${stage.name} was not agreed.`
      : `No response was received at ${stage.name} by ${t.state.stage.dueDate}.`,
  );
}

function onTimer(t: Transition, event: Extract<DisputeEvent, { type: 'timer-fired' }>): void {
  if (t.state.status !== 'open' && event.kind !== 'action-due')
    refuse('stale-timer', 'The dispute has ended; the timer no longer applies.');
  const s = t.state.stage;
  const isStageTimer = STAGE_TIMER_KINDS.includes(event.kind) || event.kind === 'meeting-end';
  if (isStageTimer && event.stageId !== s.id)
    refuse('stale-timer', 'That timer belongs to an earlier stage.');
  const who = s.awaiting ?? s.actor ?? t.state.owner;
  switch (event.kind) {
    case 'stage-warning-50':
    case 'stage-warning-75': {
      const pct = event.kind === 'stage-warning-50' ? '50%' : '75%';
      t.sendCard(
        who,
        'warning',
        t.cardView(`${t.stage.name}: ${pct} of the time has gone`, [`Due by ${s.dueDate}.`]),
        'warning',
      );
      return;
    }
    case 'stage-deadline': {
      if (s.phase === 'awaiting-acknowledgement' && s.actor) {
        // The counterpart replied in time; only the acknowledgement is outstanding.
        t.sendCard(
          s.actor,
          'warning',
          t.cardView(`${t.stage.name}: the reply is waiting for you`, [
            'The response arrived within the timescale. Say whether it is agreed so the counterpart has your acknowledgement.',
          ]),
          'warning',
        );
        return;
      }
      t.updateStage({ overdue: true });
      t.record({
        contactType: 'system',
        between: [],
        summary: `${t.stage.name} deadline (${s.dueDate}) passed.`,
      });
      if (s.phase === 'awaiting-response' && s.actor) {
        t.updateStage({ awaiting: s.actor });
        t.sendCard(
          s.actor,
          'no-response',
          t.cardView(
            'No response by the deadline',
            [
              `No reply was received by ${s.dueDate}. Chase the counterpart, or treat it as not agreed so the next stage can be considered.`,
            ],
            [
              { verb: VERBS.chase, title: 'Chase' },
              { verb: VERBS.notAgreed, title: 'Not agreed: escalate' },
            ],
          ),
        );
        return;
      }
      t.sendCard(
        who,
        'warning',
        t.cardView(`${t.stage.name} is overdue`, [`It was due by ${s.dueDate}.`]),
        'warning',
      );
      if (!isSamePerson(who, t.state.owner)) {
        t.sendCard(
          t.state.owner,
          'warning',
          t.cardView(`${t.stage.name} is overdue`, [`It was due by ${s.dueDate}, with ${who.name}.`]),
          'warning',
        );
      }
      return;
    }
    case 'overall-warning-50':
    case 'overall-warning-75':
    case 'overall-deadline': {
      const overall = t.procedure.overall;
      const text =
        event.kind === 'overall-deadline'
          ? `The ${overall?.workingDays}-working-day limit has passed. ${overall?.quote ?? ''}`
          : `${event.kind === 'overall-warning-50' ? '50%' : '75%'} of the ${overall?.workingDays} working days have gone. ${overall?.quote ?? ''}`;
      if (event.kind === 'overall-deadline') t.record({ contactType: 'system', between: [], summary: text });
      for (const person of [
        t.state.owner,
        ...(s.awaiting && !isSamePerson(s.awaiting, t.state.owner) ? [s.awaiting] : []),
      ]) {
        t.sendCard(person, 'warning', t.cardView('Overall timescale', [text]), 'overall');
      }
      return;
    }
    case 'meeting-end': {
      const meeting = s.meeting;
      if (!meeting?.eventId) refuse('stale-timer', 'There is no booked meeting.');
      onMeetingHeld(t, meeting.eventId);
      return;
    }
    case 'action-due': {
      const outcome = [...t.state.outcomes].reverse().find((o) => o.actions.length > 0);
      const index = Number(event.key.split(':').pop());
      const action = outcome?.actions[index];
      if (!action) refuse('stale-timer', 'No such agreed action.');
      t.sendCard(
        t.state.owner,
        'action-due',
        t.cardView('An agreed action is due today', [
          `${action.description} (${action.owner}), due ${action.dueDate}.`,
        ]),
        `action-${index}`,
      );
      t.record({
        contactType: 'system',
        between: [],
        summary: `Agreed action due: ${action.description} (${action.owner}).`,
      });
      return;
    }
  }
}

function onMeetingHeld(t: Transition, eventId: string): void {
  requireOpen(t);
  const meeting = t.state.stage.meeting;
  if (!meeting || meeting.eventId !== eventId)
    refuse('unknown-meeting', 'That meeting is not the current one.');
  if (t.state.stage.phase !== 'meeting-booked') refuse('wrong-phase', 'The meeting is not booked.');
  t.updateStage({
    phase: 'awaiting-outcome',
    awaiting: meeting.convener,
    meeting: { ...meeting, status: 'held' },
  });
  const stage = t.stage;
  t.record({
    contactType: 'meeting',
    between: [meeting.convener.name, ...meeting.attendees.map((a) => a.person.name)],
    summary: `${stage.name} meeting held.`,
  });
  t.sendCard(
    meeting.convener,
    'outcome',
    t.cardView(
      'Record the minutes and the outcome',
      [stage.quote, ...t.procedure.record.mustNotRecord],
      [{ verb: VERBS.outcome, title: 'Record the outcome' }],
      stage.content.required.map((c) => ({ label: 'Must include', value: c.label })),
    ),
  );
}

function onOutcome(t: Transition, event: Extract<DisputeEvent, { type: 'outcome-recorded' }>): void {
  requireOpen(t);
  requirePhase(t, 'awaiting-outcome', 'exceptional');
  const by = requireAwaiting(t, event.by, 'record the outcome');
  const stage = t.stage;
  const summary = validateText(event.summary, 'Outcome', 4000);
  const minutes = event.minutes?.trim() ? validateText(event.minutes, 'Minutes', 20_000) : undefined;
  const heldMeeting = t.state.stage.meeting?.status === 'held' && t.state.stage.phase !== 'exceptional';
  if (stage.meeting?.minutes && heldMeeting && !minutes) {
    refuse('invalid-input', 'Minutes of the meeting are required at this stage.');
  }
  const actions = validateActions(event.actions ?? []);
  const outcome = {
    resolved: event.resolved,
    summary,
    actions,
    ...(minutes ? { minutes } : {}),
    recordedBy: by.name,
  };

  if (t.state.stage.phase === 'exceptional') {
    t.record({
      contactType: 'written',
      between: [by.name],
      summary: `Outcome of the referral (${t.state.exceptionalRoute}).`,
      outcome: summary,
    });
    if (event.resolved) resolveDispute(t, outcome);
    else endUnresolved(t, summary);
    return;
  }

  const returnsTo = t.procedure.record.outcomesReturnTo;
  const owner = returnsTo ? (t.resolve(returnsTo, t.state.raisedBy) ?? t.state.owner) : null;
  if (owner && !isSamePerson(owner, by)) {
    // IRO: "The record is then reassigned to the IRO." The owner resolves (authorises) or escalates.
    t.update({ outcomes: [...t.state.outcomes, { ...outcome, stageId: stage.id, at: t.ctx.now }] });
    const next = t.procedure.stages[t.state.stage.index + 1];
    t.updateStage({ phase: 'awaiting-owner', awaiting: owner, ...(next ? { nextStageId: next.id } : {}) });
    t.record({
      contactType: stage.channel,
      between: [by.name, owner.name],
      summary: `${by.name} recorded a response and returned the record to ${owner.name}.`,
      outcome: summary,
    });
    const actionsOut: CardAction[] = [{ verb: VERBS.resolve, title: 'Resolved: authorise' }];
    if (next) actionsOut.push({ verb: VERBS.escalate, title: `Escalate to ${next.name}` });
    for (const r of t.procedure.exceptionalRoutes.filter((r) => r.from.includes(stage.id)))
      actionsOut.push({ verb: `${VERBS.refer}:${r.id}`, title: r.name });
    if (!next) actionsOut.push({ verb: VERBS.accept, title: 'End without further referral' });
    t.sendCard(
      owner,
      'owner-decision',
      t.cardView('A response has been returned to you', [summary], actionsOut),
    );
    return;
  }
  if (event.resolved) {
    resolveDispute(t, outcome);
    return;
  }
  t.update({ outcomes: [...t.state.outcomes, { ...outcome, stageId: stage.id, at: t.ctx.now }] });
  stageUnresolved(t, summary);
}

function onReferral(t: Transition, event: Extract<DisputeEvent, { type: 'exceptional-referral' }>): void {
  requireOpen(t);
  const route = t.procedure.exceptionalRoutes.find((r) => r.id === event.routeId);
  if (!route) refuse('unknown-route', `There is no route "${event.routeId}" in ${t.procedure.shortName}.`);
  if (!route.from.includes(t.state.stage.id)) {
    refuse('route-not-available', `${route.name} is only available after ${route.from.join(', ')}.`);
  }
  requirePhase(t, 'awaiting-decision', 'awaiting-owner');
  const decider = t.resolve(route.decidedBy, t.state.stage.actor ?? t.state.raisedBy);
  if (!isSamePerson(decider, event.by) && !isSamePerson(t.state.stage.awaiting, event.by)) {
    refuse('not-your-step', `Only ${t.roleLabel(route.decidedBy.role)} can make this referral.`);
  }
  const reason = validateText(event.reason, 'Reason for the referral', 4000);
  const to = t.mustResolve(route.to, event.by);
  t.cancelStageTimers();
  t.addParticipants(to);
  t.sendEmail({
    from: event.by,
    to: [to],
    importance: 'high',
    template: 'referral',
    kind: 'referral',
    view: t.emailView(
      `${t.procedure.shortName} dispute ${t.state.caseReference}: ${route.name}`,
      [
        route.quote,
        ...(route.condition ? [route.condition] : []),
        reason,
        ...(route.means ? [`To be sent by: ${route.means}`] : []),
      ],
      [
        { label: 'Case reference', value: t.state.caseReference },
        {
          label: 'Stages so far',
          value: t.state.outcomes.map((o) => `${o.stageId}: ${o.summary}`).join('; ') || t.stage.name,
        },
      ],
    ),
  });
  t.update({ exceptionalRoute: route.id });
  t.updateStage({ phase: 'exceptional', awaiting: event.by });
  t.record({
    contactType: route.channel,
    between: [event.by.name, to.name],
    summary: `Referred: ${route.name}.`,
    outcome: reason,
  });
  t.sendCard(
    event.by,
    'outcome',
    t.cardView(
      `${route.name}: record the outcome`,
      [route.quote],
      [{ verb: VERBS.outcome, title: 'Record the outcome' }],
    ),
  );
}

function meetingCard(t: Transition) {
  const m = t.state.stage.meeting;
  return t.cardView(
    `${t.stage.name} meeting`,
    [m?.start ? `Booked for ${m.start}.` : 'Booking…', ...(m?.joinUrl ? [`Join: ${m.joinUrl}`] : [])],
    [{ verb: VERBS.moveMeeting, title: 'Move to another slot' }],
    (m?.attendees ?? []).map((a) => ({ label: a.person.name, value: a.response })),
  );
}

function validateActions(actions: readonly AgreedAction[]): AgreedAction[] {
  if (actions.length > 30) refuse('invalid-input', 'Record at most 30 agreed actions.');
  return actions.map((a, i) => {
    const description = validateText(a.description, `Action ${i + 1}`, 1000);
    const owner = validateText(a.owner, `Owner of action ${i + 1}`, 200);
    if (!isCalendarDay(a.dueDate)) refuse('invalid-input', `Action ${i + 1} needs a date as YYYY-MM-DD.`);
    return { description, owner, dueDate: a.dueDate };
  });
}

/**
 * A reply counts only when it answers this stage's email and comes from the counterpart's side: an
 * internal forward, a late answer to an earlier stage's email, or the same message seen twice in two
 * watched inboxes must not move the dispute on.
 */
function checkReply(t: Transition, event: Extract<DisputeEvent, { type: 'reply-received' }>): void {
  const thread = t.state.stage.thread;
  const id = event.internetMessageId.toLowerCase();
  if (thread.some((m) => m.internetMessageId.toLowerCase() === id)) {
    refuse('duplicate', 'That reply has already been recorded.');
  }
  if (event.inReplyTo && thread.length > 0) {
    const answers = event.inReplyTo.map((r) => r.toLowerCase());
    const ours = thread.filter((m) => m.kind !== 'reply').map((m) => m.internetMessageId.toLowerCase());
    if (!answers.some((a) => ours.includes(a))) {
      refuse('unknown-message', `That email answers an earlier stage, not ${t.stage.name}.`);
    }
  }
  const from = event.fromEmail.toLowerCase();
  const counterparts = t.state.participants.filter(
    (p) => p.organisationId === t.state.counterpartOrganisationId,
  );
  const domains = new Set(counterparts.map((p) => p.email.toLowerCase().split('@')[1]));
  const fromCounterpart =
    counterparts.some((p) => p.email.toLowerCase() === from) || domains.has(from.split('@')[1]);
  if (!fromCounterpart) {
    refuse(
      'unknown-message',
      `That email is not from ${t.state.counterpartOrganisationId}; only the counterpart's reply moves the stage on.`,
    );
  }
}
