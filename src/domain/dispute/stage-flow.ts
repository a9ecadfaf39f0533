/**
 * How a dispute moves between stages: entering one (by its channel), ending one unresolved (the
 * next decision, or the exceptional routes after the final stage), and resolving. Every rule comes
 * from the procedure definition; nothing here names a procedure.
 */
import { startOfLondonDay } from '../calendar/index.ts';
import type { Stage } from '../procedure/schema.ts';
import { isSamePerson, refuse, type Transition } from './transition.ts';
import type { AgreedAction, CardAction, DisputeDetails, PersonRef, StageOutcome } from './types.ts';

export const VERBS = {
  escalate: 'escalate',
  informal: 'informal',
  accept: 'accept',
  refer: 'refer',
  agreed: 'ack-agreed',
  notAgreed: 'ack-not-agreed',
  chase: 'chase',
  outcome: 'record-outcome',
  informalOutcome: 'informal-outcome',
  moveMeeting: 'move-meeting',
  requestMeeting: 'request-meeting',
  resolve: 'resolve',
  close: 'close',
  withdraw: 'withdraw',
} as const;

/** The stage's counterpart-side people (email recipients, the other side of a discussion). */
function withParties(t: Transition, stage: Stage, actor: PersonRef): PersonRef[] {
  return stage.with.map((p) => t.mustResolve(p, p.side === 'raising' ? actor : undefined));
}

function detailFields(t: Transition, details: DisputeDetails): { label: string; value: string }[] {
  const category = t.procedure.categories.find((c) => c.id === t.state.category)?.label ?? t.state.category;
  return [
    { label: 'Case reference', value: t.state.caseReference },
    { label: 'Category', value: category },
    { label: 'The problem identified', value: details.issue },
    { label: 'Attempts to resolve the problem informally', value: details.informalAttempts },
    { label: 'Resolution sought', value: details.resolutionSought },
  ];
}

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
  if (!stage) refuse('unknown-stage', 'There is no further stage in this procedure.');
  const previousActor = t.state.stage.actor ?? t.state.raisedBy;

  if (t.state.stage.index !== index) t.cancelStageTimers();

  // The decider acts when the stage's actor is the same role on the same side (ANE: the Team
  // Manager decides on Stage 1 and sends its email); otherwise the actor is resolved.
  const decider = opts.decidedBy;
  const deciderIsActor =
    decider &&
    stage.entry &&
    stage.entry.decidedBy.role === stage.actor.role &&
    stage.entry.decidedBy.side === stage.actor.side;
  const actor =
    index === 0
      ? t.state.raisedBy
      : deciderIsActor && decider
        ? decider
        : t.mustResolve(stage.actor, previousActor);

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
    summary: `${stage.name} started (${stage.parties}).${deadline.dueDate ? ` Due by ${deadline.dueDate}.` : ''}`,
  });

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
      view: t.emailView(
        `${t.procedure.shortName} dispute ${t.state.caseReference}: ${stage.name}`,
        stage.copy.map((c) => c.quote),
        detailFields(t, details),
        deadline,
      ),
    });
  }

  switch (stage.channel) {
    case 'email': {
      const to = withParties(t, stage, actor);
      t.addParticipants(...to);
      // The recipient is told what the procedure asks of them, in its words; failing that, the stage's text.
      const asks = stage.email?.request ?? `${t.procedure.shortName}, ${stage.name}: “${stage.quote}”`;
      t.sendEmail({
        from: actor,
        to,
        cc: copies,
        importance: stage.email?.importance ?? 'high',
        template: 'stage-statement',
        kind: 'statement',
        view: t.emailView(
          `${t.procedure.shortName} dispute ${t.state.caseReference}: ${stage.name}`,
          [asks],
          detailFields(t, details),
          deadline,
        ),
      });
      t.updateStage({ phase: 'sending', awaiting: null });
      break;
    }
    case 'written': {
      const to = withParties(t, stage, actor);
      t.addParticipants(...to);
      t.sendEmail({
        from: actor,
        to,
        cc: copies,
        importance: 'high',
        template: 'letter',
        kind: 'letter',
        view: t.emailView(
          `${t.procedure.shortName} dispute ${t.state.caseReference}: ${stage.name}`,
          [`${t.procedure.shortName}, ${stage.name}: “${stage.quote}”`],
          detailFields(t, details),
          deadline,
        ),
      });
      if (stage.meeting?.when === 'always') bookMeeting(t, stage, actor);
      else askForOutcome(t, actor);
      break;
    }
    case 'meeting':
      bookMeeting(t, stage, actor);
      break;
    case 'discussion':
    case 'reassignment': {
      const others = stage.with
        .map((p) => t.resolve(p, p.side === 'raising' ? actor : undefined))
        .filter((p): p is PersonRef => !!p);
      t.addParticipants(...others);
      askForOutcome(t, actor, others);
      break;
    }
  }
  feedbackToRaiser(t, stage, `${stage.name} has started with ${actor.name}.`);
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

function informParties(t: Transition, stage: Stage, actor: PersonRef): void {
  for (const party of stage.inform) {
    const tag = `${party.side}:${party.role}`;
    if (party.unlessAlreadyInformed && t.state.informed.includes(tag)) continue;
    const person = t.resolve(party, actor);
    if (!person) {
      t.record({
        contactType: 'system',
        between: [],
        summary: `Could not find the ${t.roleLabel(party.role)} to inform: ${party.quote}`,
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
      view: t.emailView(
        `${t.procedure.shortName} dispute ${t.state.caseReference}: for your information`,
        [party.quote],
        detailFields(t, t.state.details),
      ),
    });
    t.update({ informed: [...t.state.informed, tag] });
    t.record({
      contactType: 'email',
      between: [actor.name, person.name],
      summary: `${person.name} informed (${party.quote})`,
    });
  }
}

export function feedbackToRaiser(t: Transition, stage: Stage, message: string): void {
  if (!stage.feedbackToRaiser) return;
  if (isSamePerson(t.state.raisedBy, t.state.stage.awaiting)) return;
  t.sendCard(
    t.state.raisedBy,
    'feedback',
    t.cardView('Update on the dispute you raised', [message, stage.feedbackToRaiser.quote]),
    'feedback',
  );
}

function askForOutcome(t: Transition, actor: PersonRef, others: PersonRef[] = []): void {
  const stage = t.stage;
  t.updateStage({ phase: 'awaiting-outcome', awaiting: actor });
  const actions: CardAction[] = [{ verb: VERBS.outcome, title: 'Record the outcome' }];
  if (stage.meeting?.when === 'if-needed')
    actions.push({ verb: VERBS.requestMeeting, title: 'Book a meeting' });
  t.sendCard(
    actor,
    'outcome',
    t.cardView(
      `${stage.name}: your step`,
      [
        stage.quote,
        ...(others.length ? [`With: ${others.map((o) => o.name).join(', ')}`] : []),
        ...t.procedure.record.mustNotRecord,
      ],
      actions,
      stage.content.required.map((c) => ({ label: 'Must include', value: c.label })),
    ),
  );
}

export function bookMeeting(t: Transition, stage: Stage, actor: PersonRef, preferredStart?: string): void {
  const spec = stage.meeting;
  if (!spec) refuse('option-not-available', `${stage.name} has no meeting.`);
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
      summary: `No one found in the directory for: ${missingRequired.map((p) => `${t.roleLabel(p.role)} (${p.side})`).join(', ')}.`,
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
    subject: `${t.procedure.shortName} dispute ${t.state.caseReference}: ${stage.name} meeting`,
    agenda: agenda
      ? agenda.items.flatMap((i) => [i.label, ...i.children.map((c) => `  ${c}`)])
      : [spec.quote],
    ...(previous?.eventId ? { replaces: previous.eventId } : {}),
    avoidStarts: previous?.declinedSlots ?? [],
    ...(preferredStart ? { preferredStart } : {}),
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
    },
  });
}

/** The stage ended without resolution: ask whoever decides on the next stage, or offer the exceptional routes. */
export function stageUnresolved(t: Transition, reason: string): void {
  const { stages } = t.procedure;
  const current = t.stage;
  const next = stages[t.state.stage.index + 1];
  const actor = t.state.stage.actor ?? t.state.raisedBy;
  t.cancelStageTimers();
  t.record({
    contactType: current.channel,
    between: [actor.name],
    summary: `${current.name} not resolved.`,
    outcome: reason,
  });
  feedbackToRaiser(t, current, `${current.name} did not resolve the disagreement.`);

  // Routes open after this stage; a route "instead of" the next stage is offered beside it.
  const routes = t.procedure.exceptionalRoutes.filter(
    (r) => r.from.includes(current.id) && (!r.insteadOf || r.insteadOf === next?.id),
  );
  if (next?.entry) {
    const decider = t.mustResolve(next.entry.decidedBy, actor);
    t.addParticipants(decider);
    t.updateStage({ phase: 'awaiting-decision', awaiting: decider, nextStageId: next.id });
    const actions: CardAction[] = [{ verb: VERBS.escalate, title: `Raise ${next.name}` }];
    if (next.entry.acceptOption) actions.push({ verb: VERBS.accept, title: 'Accept the decision' });
    for (const r of routes) actions.push({ verb: `${VERBS.refer}:${r.id}`, title: r.name });
    t.sendCard(
      decider,
      'decision',
      t.cardView(`Decide whether to raise ${next.name}`, [reason, next.entry.quote], actions),
    );
    return;
  }
  const available = t.procedure.exceptionalRoutes.filter((r) => r.from.includes(current.id));
  if (available.length > 0) {
    const first = available[0];
    const decider = first ? t.mustResolve(first.decidedBy, actor) : actor;
    t.updateStage({ phase: 'awaiting-decision', awaiting: decider });
    t.sendCard(
      decider,
      'decision',
      t.cardView(
        `${current.name} was the final stage`,
        [reason, ...available.map((r) => r.quote)],
        [
          ...available.map((r) => ({ verb: `${VERBS.refer}:${r.id}`, title: r.name })),
          { verb: VERBS.accept, title: 'End without further referral' },
        ],
      ),
    );
    return;
  }
  endUnresolved(t, reason);
}

export function endUnresolved(t: Transition, reason: string): void {
  t.cancelStageTimers();
  t.cancelOverallTimers();
  t.update({ status: 'unresolved', endedAt: t.ctx.now });
  t.updateStage({ phase: 'ended', awaiting: null });
  writtenConfirmation(t, `The disagreement remains unresolved at ${t.stage.name}. ${reason}`, []);
  t.sendCard(t.state.owner, 'status', t.cardView('Dispute ended unresolved', [reason]), 'status');
}

/** Resolves the dispute: written confirmation to all parties, agreed actions tracked to their dates. */
export function resolveDispute(t: Transition, outcome: Omit<StageOutcome, 'at' | 'stageId'>): void {
  t.cancelStageTimers();
  t.cancelOverallTimers();
  const full: StageOutcome = { ...outcome, stageId: t.state.stage.id, at: t.ctx.now };
  t.update({ status: 'resolved', endedAt: t.ctx.now, outcomes: [...t.state.outcomes, full] });
  t.updateStage({ phase: 'ended', awaiting: null });
  t.record({
    contactType: t.stage.channel,
    between: [outcome.recordedBy],
    summary: `Resolved at ${t.stage.name}.`,
    outcome: outcome.summary,
  });
  trackActions(t, outcome.actions);
  writtenConfirmation(t, outcome.summary, outcome.actions);
  feedbackToRaiser(t, t.stage, `The disagreement was resolved at ${t.stage.name}.`);
  for (const after of t.procedure.afterResolution) {
    const to = (after.to && t.resolve(after.to, t.state.owner)) || t.state.owner;
    t.sendCard(to, 'status', t.cardView('After the resolution', [after.quote]), `after-${after.id}`);
  }
  const closeActions = [{ verb: VERBS.close, title: 'Close the record' }];
  t.sendCard(
    t.state.owner,
    'status',
    t.cardView('Dispute resolved', [outcome.summary], closeActions),
    'step',
  );
}

function trackActions(t: Transition, actions: readonly AgreedAction[]): void {
  // Reminded on the morning of the action's date, London time.
  actions.forEach((action, i) => {
    const at = new Date(startOfLondonDay(action.dueDate).getTime() + 9 * 3_600_000).toISOString();
    t.setTimer('action-due', at, 'actions', String(i));
  });
}

export function writtenConfirmation(t: Transition, summary: string, actions: readonly AgreedAction[]): void {
  const from = t.state.stage.actor ?? t.state.owner;
  const hostOrg = t.state.raisingOrganisationId;
  const counterparts = t.state.participants.filter((p) => p.organisationId !== hostOrg && p.id !== from.id);
  const internal = t.state.participants.filter((p) => p.organisationId === hostOrg && p.id !== from.id);
  const to = counterparts.length > 0 ? counterparts : internal;
  if (to.length === 0) return;
  const lastStatement = [...t.state.stage.thread]
    .reverse()
    .find((m) => m.kind === 'statement' || m.kind === 'reply');
  t.sendEmail({
    from,
    to,
    cc: counterparts.length > 0 ? internal : [],
    importance: 'high',
    template: 'written-confirmation',
    kind: 'notice',
    ...(lastStatement ? { inReplyTo: lastStatement } : {}),
    view: t.emailView(
      `${t.procedure.shortName} dispute ${t.state.caseReference}: written confirmation of the outcome`,
      [
        summary,
        ...(t.procedure.writtenConfirmation
          ? [`The procedure asks for this: “${t.procedure.writtenConfirmation.quote}”`]
          : []),
      ],
      actions.map((a) => ({ label: `${a.description} (${a.owner})`, value: `by ${a.dueDate}` })),
    ),
  });
}
