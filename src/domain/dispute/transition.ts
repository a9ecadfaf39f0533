/**
 * The working context of one transition: the state being built, the effects emitted so far, and
 * the helpers every handler shares (party resolution, deadlines, keys). Pure: time comes from
 * `ctx.now`, people from `ctx.resolver`.
 */
import { addWorkingDays, londonDay } from '../calendar/index.ts';
import type { Party, ProcedureDefinition, Stage, Timescale } from '../procedure/schema.ts';
import type { CardFrame, CardIntent } from './card-intents.ts';
import type { DecideContext } from './decide-types.ts';
import type { EmailFrame, EmailIntent } from './email-intents.ts';
import { effectKey, slotKey, timerKey } from './keys.ts';
import type { RecordFrame, RecordLine } from './record-intents.ts';
import { refuse } from './refusal.ts';
import type {
  CardKind,
  DisputeState,
  Effect,
  EmailTemplate,
  Instant,
  PersonRef,
  ThreadMessage,
  TimerKind,
} from './types.ts';
import { subjectOfDispute } from './validate.ts';

export { RefusalSignal, refuse } from './refusal.ts';

export const STAGE_TIMER_KINDS: readonly TimerKind[] = [
  'stage-deadline',
  'stage-warning-50',
  'stage-warning-75',
];
export const OVERALL_TIMER_KINDS: readonly TimerKind[] = [
  'overall-deadline',
  'overall-warning-50',
  'overall-warning-75',
];

type EffectInput = Effect extends infer E ? (E extends { key: string } ? Omit<E, 'key'> : never) : never;

/** Emails that open a stage for the other agency retell the earlier stages. */
const STORY_TEMPLATES: ReadonlySet<EmailTemplate> = new Set<EmailTemplate>(['stage-statement', 'letter']);

/** A timescale resolved to an absolute due instant (and its London date) from now. */
export interface ResolvedTimescale {
  readonly due: Instant | null;
  readonly dueDate: string | null;
  readonly workingDays: number | null;
  /** An hours timescale ("within 24 hours"): the deadline is a time of day, not the end of a day. */
  readonly hours?: number;
}

export class Transition {
  readonly effects: Effect[] = [];
  private counter = 0;

  constructor(
    public state: DisputeState,
    readonly ctx: DecideContext,
  ) {}

  get procedure(): ProcedureDefinition {
    return this.ctx.procedure;
  }

  /** The stage after the current one, unless the current one is final ("Stage 4 (final)"). */
  get nextStage(): Stage | undefined {
    return this.stage.final ? undefined : this.procedure.stages[this.state.stage.index + 1];
  }

  get stage(): Stage {
    const stage = this.procedure.stages[this.state.stage.index];
    if (!stage) refuse('unknown-stage', 'stage-gone', { stageId: this.state.stage.id });
    return stage;
  }

  update(patch: Partial<DisputeState>): void {
    this.state = { ...this.state, ...patch };
  }

  updateStage(patch: Partial<DisputeState['stage']>): void {
    this.state = { ...this.state, stage: { ...this.state.stage, ...patch } };
  }

  /** Emits an effect with a key that is stable for this event (dispute, event sequence, position). */
  emit(effect: EffectInput): void {
    this.counter += 1;
    this.effects.push({ ...effect, key: effectKey(this.state.id, this.state.seq, this.counter) } as Effect);
  }

  setTimer(kind: TimerKind, at: Instant, stageId: string, suffix = ''): void {
    this.effects.push({
      type: 'set-timer',
      key: timerKey(this.state.id, stageId, kind, suffix),
      at,
      kind,
      stageId,
    });
  }

  cancelTimer(kind: TimerKind, scopeId: string, suffix = ''): void {
    this.effects.push({ type: 'cancel-timer', key: timerKey(this.state.id, scopeId, kind, suffix) });
  }

  cancelStageTimers(): void {
    const { id, stage } = this.state;
    for (const kind of STAGE_TIMER_KINDS)
      this.effects.push({ type: 'cancel-timer', key: timerKey(id, stage.id, kind) });
    if (stage.meeting) {
      this.effects.push({
        type: 'cancel-timer',
        key: timerKey(id, stage.id, 'meeting-end', String(stage.meeting.attempts)),
      });
    }
  }

  cancelOverallTimers(): void {
    for (const kind of OVERALL_TIMER_KINDS) {
      this.effects.push({ type: 'cancel-timer', key: timerKey(this.state.id, 'overall', kind) });
    }
  }

  /** Writes a line of the case record: what happened, as data (worded in src/cards/wording/records.ts). */
  record(
    entry: RecordLine &
      Omit<RecordFrame, 'at' | 'stageId' | 'stageName'> & { stageId?: string; stageName?: string },
  ): void {
    this.emit({
      type: 'record',
      entry: {
        stageId: entry.stageId ?? this.state.stage.id,
        stageName: entry.stageName ?? this.stage.name,
        at: this.ctx.now,
        ...entry,
      },
    });
  }

  /** Resolves a party to a person, trying the procedure's substitutes in order. */
  resolve(party: Party, relativeTo?: PersonRef): PersonRef | null {
    const dispute = this.state;
    const attempt = (role: string) =>
      this.ctx.resolver.resolve({
        party: { ...party, role },
        dispute,
        ...(relativeTo ? { relativeTo } : {}),
      });
    const first = attempt(party.role);
    if (first) return first;
    for (const substitute of party.substitutes) {
      const found = attempt(substitute.role);
      if (found) return found;
    }
    return null;
  }

  mustResolve(party: Party, relativeTo?: PersonRef): PersonRef {
    const person = this.resolve(party, relativeTo);
    if (!person) {
      const organisation =
        party.side === 'counterpart'
          ? this.state.counterpartOrganisationId
          : this.state.raisingOrganisationId;
      refuse('role-unresolved', 'role-unresolved', {
        role: this.roleLabel(party.role),
        organisation: party.side === 'independent' ? null : organisation,
      });
    }
    return person;
  }

  /** Whether a person is reached in Teams (host tenant) rather than by email (another tenant). */
  inTeams(person: PersonRef): boolean {
    return (
      this.ctx.resolver.inHostTenant?.(person) ?? person.organisationId === this.state.raisingOrganisationId
    );
  }

  /**
   * Who records a step in Teams for `person`: the person themself when they are in the host tenant;
   * otherwise (an external convener such as an independent chair) the stage's first host-side party,
   * else the record's owner, else the raiser. A card to another tenant could never be delivered.
   */
  recorderFor(person: PersonRef): PersonRef {
    if (this.inTeams(person)) return person;
    for (const party of this.stage.with) {
      const found = this.resolve(party, this.state.raisedBy);
      if (found && this.inTeams(found)) return found;
    }
    const owner = this.state.owner;
    return owner && this.inTeams(owner) ? owner : this.state.raisedBy;
  }

  /**
   * Who an email came from as people read it: the directory's name, with the organisation unless
   * the name already says it ("Ward Manager, Solihull Community NHS Trust"); else the address.
   */
  senderLabel(email: string): string {
    const address = email.trim().toLowerCase();
    const person =
      this.state.participants.find((p) => p.email.toLowerCase() === address) ??
      this.ctx.resolver.personByEmail?.(address) ??
      null;
    if (!person) return email;
    const organisation = this.ctx.resolver.organisationName?.(person.organisationId) ?? null;
    const plainName = organisation?.replace(/\s*\([^)]*\)\s*$/, '') ?? '';
    return organisation && !person.name.includes(plainName)
      ? `${person.name} (${organisation})`
      : person.name;
  }

  roleLabel(roleId: string): string {
    return this.procedure.roles.find((r) => r.id === roleId)?.label ?? roleId;
  }

  addParticipants(...people: (PersonRef | null | undefined)[]): void {
    const known = new Map(this.state.participants.map((p) => [p.id, p]));
    for (const person of people) if (person && !known.has(person.id)) known.set(person.id, person);
    this.update({ participants: [...known.values()] });
  }

  /** The current stage's timescale as the dispute runs it: an urgency-led one is the chosen level's. */
  stageTimescale(): Timescale {
    const timescale = this.stage.timescale;
    if (timescale.kind !== 'urgency-led') return timescale;
    return this.procedure.urgencyLevels?.find((u) => u.id === this.state.urgency)?.timescale ?? timescale;
  }

  /** The absolute deadline of a timescale that starts now. */
  deadline(timescale: Timescale, agreedWorkingDays?: number): ResolvedTimescale {
    const from = new Date(this.ctx.now);
    const byWorkingDays = (workingDays: number): ResolvedTimescale => {
      const { due, dueDate } = addWorkingDays({ calendar: this.ctx.calendar, from, workingDays });
      return { due: due.toISOString(), dueDate, workingDays };
    };
    switch (timescale.kind) {
      case 'working-days':
        return byWorkingDays(timescale.workingDays);
      case 'hours': {
        const due = new Date(from.getTime() + timescale.hours * 3_600_000);
        return { due: due.toISOString(), dueDate: londonDay(due), workingDays: null, hours: timescale.hours };
      }
      case 'proportionate': {
        const days = agreedWorkingDays ?? timescale.idealMaxWorkingDays;
        return days === null ? { due: null, dueDate: null, workingDays: null } : byWorkingDays(days);
      }
      case 'urgency-led': {
        const level = this.procedure.urgencyLevels?.find((u) => u.id === this.state.urgency);
        if (!level) refuse('urgency-required', 'urgency-needed');
        return this.deadline(level.timescale, agreedWorkingDays);
      }
      case 'none':
        return { due: null, dueDate: null, workingDays: null };
    }
  }

  /** Stage deadline timers: the deadline itself and the 50% and 75% warnings. */
  setStageTimers(stageId: string, deadline: ResolvedTimescale): void {
    if (!deadline.due) return;
    this.setTimer('stage-deadline', deadline.due, stageId);
    this.setWarningTimers(stageId, deadline, 'stage');
  }

  setWarningTimers(stageId: string, deadline: ResolvedTimescale, scope: 'stage' | 'overall'): void {
    const from = new Date(this.ctx.now);
    const kinds =
      scope === 'stage'
        ? (['stage-warning-50', 'stage-warning-75'] as const)
        : (['overall-warning-50', 'overall-warning-75'] as const);
    const fractions = [0.5, 0.75];
    kinds.forEach((kind, i) => {
      const fraction = fractions[i] ?? 1;
      let at: Instant | null = null;
      if (deadline.workingDays !== null) {
        const days = Math.floor(deadline.workingDays * fraction);
        if (days > 0)
          at = addWorkingDays({ calendar: this.ctx.calendar, from, workingDays: days }).due.toISOString();
      } else if (deadline.due) {
        const span = new Date(deadline.due).getTime() - from.getTime();
        if (span > 0) at = new Date(from.getTime() + span * fraction).toISOString();
      }
      if (at && deadline.due && at < deadline.due) this.setTimer(kind, at, stageId);
    });
  }

  /** The dispute as an email sent now shows it; `due` when the email awaits a response. */
  emailFrame(due?: ResolvedTimescale, template?: EmailTemplate): EmailFrame {
    const story =
      template && STORY_TEMPLATES.has(template)
        ? this.state.outcomes
            .filter((o) => o.stageId !== this.state.stage.id)
            .map((o) => ({
              stageName: this.procedure.stages.find((st) => st.id === o.stageId)?.name ?? o.stageId,
              // Who answered, by name where they took part (the reply carries only their address).
              answer: o.reply
                ? {
                    ...o.reply,
                    from:
                      this.state.participants.find(
                        (p) => p.email.toLowerCase() === (o.reply?.from ?? '').toLowerCase(),
                      )?.name ??
                      o.reply.fromName ??
                      o.reply.from,
                  }
                : null,
              outcome: o.summary,
              resolved: o.resolved,
            }))
        : [];
    return {
      ...(story.length > 0 ? { storySoFar: story } : {}),
      disputeId: this.state.id,
      caseReference: this.state.caseReference,
      procedureName: this.procedure.name,
      procedureShortName: this.procedure.shortName,
      stageName: this.stage.name,
      subject: subjectOfDispute(this.state, this.procedure),
      appliesTo: this.procedure.appliesTo,
      ...(due?.due && due.dueDate
        ? {
            responseDue: {
              due: due.due,
              dueDate: due.dueDate,
              workingDays: due.workingDays,
              ...(due.hours !== undefined ? { hours: due.hours } : {}),
            },
          }
        : {}),
      // The overall limit matters while a response is awaited, not in an acknowledgement or a confirmation.
      overallDue: due?.due ? this.state.overallDue : null,
    };
  }

  sendEmail(input: {
    from: PersonRef;
    to: PersonRef[];
    cc?: PersonRef[];
    importance: 'high' | 'normal';
    template: EmailTemplate;
    kind: ThreadMessage['kind'] | 'notice';
    message: EmailIntent;
    /** The response the email awaits, if any. */
    due?: ResolvedTimescale;
    inReplyTo?: ThreadMessage;
  }): void {
    const last = input.inReplyTo;
    // Concord sends only from host-tenant mailboxes: a step whose actor is in another tenant (an
    // independent chair) is written from the host-side person who records it for them.
    const from = this.inTeams(input.from) ? input.from : this.recorderFor(input.from);
    this.emit({
      type: 'send-email',
      from,
      to: input.to,
      cc: (input.cc ?? []).filter((c) => !input.to.some((t) => t.id === c.id) && c.id !== from.id),
      importance: input.importance,
      template: input.template,
      kind: input.kind,
      ...(last
        ? {
            inReplyTo: {
              internetMessageId: last.internetMessageId,
              ...(last.conversationId ? { conversationId: last.conversationId } : {}),
            },
          }
        : {}),
      message: input.message,
      frame: this.emailFrame(input.due, input.template),
    });
  }

  /** The dispute and its clocks, as a card sent now shows them. */
  cardFrame(): CardFrame {
    const s = this.state;
    return {
      disputeId: s.id,
      caseReference: s.caseReference,
      procedureName: this.procedure.name,
      stageName: this.stage.name,
      due: s.stage.due,
      dueDate: s.stage.dueDate,
      overallDue: s.overallDue,
      overallWorkingDays: this.procedure.overall?.workingDays ?? null,
    };
  }

  /**
   * Sends a card. Actionable cards share the dispute's `step` slot, so a newer step replaces the
   * older card in place and a stale card cannot act twice. Notices get a slot of their own.
   */
  sendCard(recipient: PersonRef, card: CardKind, intent: CardIntent, slot: 'step' | string = 'step'): void {
    // A Teams card reaches only the host tenant; another tenant's step goes to whoever records it.
    const to = this.recorderFor(recipient);
    this.emit({
      type: 'send-card',
      to,
      card,
      slot: slotKey(this.state.id, slot, to.id),
      intent: intent.kind === 'ask-decision' && !intent.recipients ? this.withRecipients(intent, to) : intent,
      frame: this.cardFrame(),
    });
  }

  /**
   * A decision on entering a stage names who that stage deals with, as the directory finds them
   * (the decider acts in it, as channels.ts resolves them), so the card can say whom it is sent to.
   */
  private withRecipients(
    intent: Extract<CardIntent, { kind: 'ask-decision' }>,
    decider: PersonRef,
  ): CardIntent {
    const next = this.procedure.stages.find((s) => s.id === intent.nextStageId);
    if (!next || next.with.length === 0) return intent;
    const recipients = next.with.map((party) => {
      const person = this.resolve(party, party.side === 'raising' ? decider : undefined);
      const role = this.roleLabel(party.role);
      if (person) return { name: person.name, role };
      const organisationId =
        party.side === 'counterpart'
          ? this.state.counterpartOrganisationId
          : party.side === 'raising'
            ? this.state.raisingOrganisationId
            : null;
      const organisation = organisationId
        ? (this.ctx.resolver.organisationName?.(organisationId) ?? null)
        : null;
      return { name: null, role, organisation };
    });
    return { ...intent, recipients };
  }
}
