/** The stage's email thread: delivery, the counterpart's reply, its acknowledgement, and chasing. */

import { askedOfOthers, askForOutcome, otherParties, unansweredByEmail } from '../channels.ts';
import type { EventOf } from '../decide-types.ts';
import { resolveDispute, stageUnresolved } from '../ending.ts';
import { isSamePerson, requireOpen, requirePhase } from '../guards.ts';
import { effectSeq } from '../keys.ts';
import { refuse } from '../refusal.ts';
import type { Transition } from '../transition.ts';
import type { PersonRef } from '../types.ts';
import { validateText } from '../validate.ts';
import { consulteeReplying, onConsultationEmailed } from './consultation.ts';

export function onMessageSent(t: Transition, event: EventOf<'message-sent'>): void {
  const kind = event.kind;
  // The delivery report of an earlier stage's email, applied after the dispute moved on: that
  // email is not on this stage's thread (a reply to it is refused as an earlier stage's).
  const entered = t.state.stage.enteredSeq;
  if (entered !== undefined && effectSeq(event.effectKey) < entered) return;
  if (t.state.stage.thread.some((m) => m.internetMessageId === event.internetMessageId)) return;
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
  if (kind === 'statement') {
    const stage = t.stage;
    if (t.state.stage.phase === 'sending') {
      if (stage.email?.awaitReply) t.updateStage({ phase: 'awaiting-response', awaiting: null });
      else t.updateStage({ phase: 'awaiting-outcome', awaiting: t.state.stage.actor });
    }
    t.record({
      contactType: 'email',
      between: [t.state.stage.actor?.name ?? ''],
      kind: 'stage-email-sent',
      params: { stageName: stage.name },
    });
  }
  return;
}

export function onReplyReceived(t: Transition, event: EventOf<'reply-received'>): void {
  requireOpen(t);
  const consultee = t.state.stage.phase === 'awaiting-outcome' ? consulteeReplying(t, event) : null;
  if (consultee) {
    onConsultationEmailed(t, event, consultee);
    return;
  }
  // 'sending': the email is out but its delivery report has not been applied yet; a fast reply still counts.
  requirePhase(t, 'sending', 'awaiting-response', 'awaiting-acknowledgement', 'awaiting-outcome');
  const actor = t.state.stage.actor;
  if (!actor) refuse('wrong-phase', 'no-one-awaiting-reply');
  if (t.state.stage.phase === 'awaiting-outcome') {
    onDiscussionReply(t, event, actor);
    return;
  }
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
        fromName: t.senderLabel(event.fromEmail),
      },
    ],
  });
  t.record({
    contactType: 'email',
    between: [t.senderLabel(event.fromEmail), actor.name],
    kind: 'reply-received',
    params: { stageName: t.stage.name },
    outcome: text,
  });
  const ack = t.stage.content.acknowledgement;
  t.sendCard(actor, 'review-reply', {
    kind: 'review-reply',
    text,
    from: t.senderLabel(event.fromEmail),
    acknowledgementQuote: ack?.quote ?? null,
  });
  return;
}

/**
 * A reply on a discussion's (or reassignment's) email thread: kept on the thread and the record,
 * and shown to whoever records the stage's outcome, whose step it stays. Only replies to this
 * stage's own email count, so a discussion held only in Teams takes no replies.
 */
function onDiscussionReply(t: Transition, event: EventOf<'reply-received'>, actor: PersonRef): void {
  if (!t.state.stage.thread.some((m) => m.kind === 'statement'))
    refuse('wrong-phase', 'no-one-awaiting-reply');
  checkReply(t, event);
  const text = event.text.trim().slice(0, 20_000);
  t.updateStage({
    thread: [
      ...t.state.stage.thread,
      {
        kind: 'reply',
        internetMessageId: event.internetMessageId,
        ...(event.conversationId ? { conversationId: event.conversationId } : {}),
        at: t.ctx.now,
        text,
        from: event.fromEmail,
        fromName: t.senderLabel(event.fromEmail),
      },
    ],
  });
  const stage = t.stage;
  t.record({
    contactType: 'email',
    between: [t.senderLabel(event.fromEmail), actor.name],
    kind: 'reply-received',
    params: { stageName: stage.name },
    outcome: text,
  });
  const others = otherParties(t, stage, actor);
  askForOutcome(
    t,
    actor,
    others,
    others.filter((p) => !t.inTeams(p)),
  );
}

export function onAcknowledged(t: Transition, event: EventOf<'acknowledged'>): void {
  requireOpen(t);
  const phase = t.state.stage.phase;
  // With no reply by the deadline, the actor may treat it as not agreed (ANE: prompted to escalate).
  const noReply = phase === 'awaiting-response' && t.state.stage.overdue && !event.agreed;
  if (phase !== 'awaiting-acknowledgement' && !noReply) {
    if (phase === 'awaiting-response') refuse('wrong-phase', 'no-reply-yet');
    refuse('wrong-phase', 'not-now', { phase });
  }
  const actor = t.state.stage.actor;
  if (!isSamePerson(event.by, actor))
    refuse('not-your-step', 'step-for-actor', { actor: actor?.name ?? null });
  const stage = t.stage;
  const reply = [...t.state.stage.thread].reverse().find((m) => m.kind === 'reply');
  const note = event.note ? validateText(event.note, 'note', 4000, 'note') : undefined;
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
      message: { kind: 'acknowledgement', agreed: event.agreed, note: note ?? null },
    });
  }
  if (event.agreed) {
    resolveDispute(t, {
      resolved: true,
      summary: note ?? { kind: 'reply-agreed', stageName: stage.name },
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
        summary: note ?? (reply ? { kind: 'not-agreed' } : { kind: 'no-response' }),
        ...(reply
          ? {
              reply: {
                from: reply.from ?? '',
                ...(reply.fromName ? { fromName: reply.fromName } : {}),
                text: reply.text ?? '',
                at: reply.at,
              },
            }
          : {}),
        actions: [],
        recordedBy: actor?.name ?? '',
        at: t.ctx.now,
      },
    ],
  });
  stageUnresolved(
    t,
    reply
      ? { kind: 'stage-reply-not-agreed', stageName: stage.name }
      : { kind: 'stage-no-response', stageName: stage.name, dueDate: t.state.stage.dueDate },
  );
}

/**
 * Chases the stage's email on its own thread once its deadline has passed without a reply: a
 * stage email awaiting its response (ANE), or a discussion held by email with people in another
 * tenant who have not answered (Dudley, NEL, Solihull), whose outcome is still recorded on the
 * step card. The chase says what the procedure asks of them and its timescale, in its words.
 */
export function onChase(t: Transition, event: EventOf<'chase'>): void {
  requireOpen(t);
  requirePhase(t, 'awaiting-response', 'awaiting-outcome');
  const s = t.state.stage;
  const by = event.by;
  const discussion = s.phase === 'awaiting-outcome';
  if (!s.overdue) refuse('wrong-phase', 'reply-not-due', { dueDate: s.dueDate });
  const mayChase = isSamePerson(by, s.actor) || (discussion && isSamePerson(by, s.awaiting));
  if (!mayChase) refuse('not-your-step', 'only-sender-chases', { sender: s.actor?.name ?? null });
  const statement = s.thread.find((m) => m.kind === 'statement');
  const to = discussion
    ? unansweredByEmail(t)
    : t.state.participants.filter((p) => p.organisationId === t.state.counterpartOrganisationId);
  if (!statement || to.length === 0) refuse('wrong-phase', 'nothing-to-chase');
  const stage = t.stage;
  const timescale = t.stageTimescale();
  t.sendEmail({
    from: s.actor ?? by,
    to,
    importance: 'high',
    template: 'chase',
    kind: 'chase',
    inReplyTo: statement,
    message: {
      kind: 'chase',
      dueDate: s.dueDate,
      note: event.note ?? null,
      due: s.due,
      ...(timescale.kind === 'hours' ? { hours: timescale.hours } : {}),
      asked: askedOfOthers(stage),
      timescaleQuote: timescale.quote ?? null,
    },
  });
  t.updateStage({ chases: s.chases + 1, ...(discussion ? {} : { awaiting: by }) });
  t.record({
    contactType: 'email',
    between: [by.name, ...to.map((p) => p.name)],
    kind: 'chased',
    params: {},
  });
  // The sender can chase again until a reply comes, or (a stage email) treat it as not agreed.
  t.sendCard(by, 'no-response', {
    kind: 'chased',
    on: t.ctx.now.slice(0, 10),
    ...(discussion ? { discussion: true as const } : {}),
  });
}

/**
 * A reply counts only when it answers this stage's email and comes from the counterpart's side: an
 * internal forward, a late answer to an earlier stage's email, or the same message seen twice in two
 * watched inboxes must not move the dispute on.
 */
function checkReply(t: Transition, event: EventOf<'reply-received'>): void {
  const thread = t.state.stage.thread;
  const id = event.internetMessageId.toLowerCase();
  if (thread.some((m) => m.internetMessageId.toLowerCase() === id)) {
    refuse('duplicate', 'duplicate-reply');
  }
  if (event.inReplyTo && thread.length > 0) {
    const answers = event.inReplyTo.map((r) => r.toLowerCase());
    const ours = thread.filter((m) => m.kind !== 'reply').map((m) => m.internetMessageId.toLowerCase());
    if (!answers.some((a) => ours.includes(a))) {
      refuse('unknown-message', 'earlier-stage-reply', { stage: t.stage.name });
    }
  }
  const from = event.fromEmail.toLowerCase();
  const counterparts = t.state.participants.filter(
    (p) => p.organisationId === t.state.counterpartOrganisationId,
  );
  const domains = new Set(counterparts.map((p) => p.email.toLowerCase().split('@')[1]));
  // Someone the dispute reached outside the raising agency by their own address counts too: the
  // person who deals with a stage for the other agency may sit in another organisation (Dudley: "if
  // one of the professionals is self-employed, the safeguarding lead will deal with this stage").
  const reachedOutside = t.state.participants.some(
    (p) => p.organisationId !== t.state.raisingOrganisationId && p.email.toLowerCase() === from,
  );
  const fromCounterpart =
    reachedOutside ||
    counterparts.some((p) => p.email.toLowerCase() === from) ||
    domains.has(from.split('@')[1]);
  if (!fromCounterpart) {
    refuse('unknown-message', 'not-from-counterpart', { organisation: t.state.counterpartOrganisationId });
  }
}
