/**
 * Presenters: view-model → the data a template binds. This is where display text is escaped,
 * dates are formatted, RAG is computed and action payloads are built, so the templates stay
 * declarative and the same rules hold on every card.
 *
 * Every presenter returns every key its template binds (empty strings, empty arrays, booleans),
 * because adaptivecards-templating leaves an unbound `${…}` in the card as literal text.
 */
import type { CardAction, MeetingAttendee } from '../domain/dispute/types.ts';
import { escapeCardText as esc } from './escape.ts';
import { formatDateTime, formatDay, formatInstantDay, formatSlot } from './format.ts';
import { RAG_COLOR, RAG_LABEL, rag } from './rag.ts';
import { type CardActionData, type CardVerb, UI_VERBS, VERBS } from './verbs.ts';
import type {
  CardViewModels,
  Deadlines,
  DecisionViewModel,
  DisputeDetailViewModel,
  DisputeHeader,
  ErrorViewModel,
  FieldErrors,
  HelpViewModel,
  ImmediateRiskViewModel,
  MeetingViewModel,
  MyDisputesViewModel,
  OutcomeViewModel,
  RaiseDisputeViewModel,
  RaiseField,
  ReviewReplyViewModel,
  ReviewStatementViewModel,
  StepContext,
  TemplateName,
  Viewer,
  WelcomeViewModel,
} from './view-models.ts';
import { OUTCOME_ACTION_ROWS, RAISE_FIELDS, STATEMENT_FIELDS } from './view-models.ts';

type Data = Record<string, unknown>;
type ActionStyle = 'default' | 'positive' | 'destructive';

/** One button: an `Action.Execute` whose `Action.Submit` fallback carries the same data. */
export interface ActionData {
  readonly title: string;
  readonly verb: CardVerb;
  readonly style: ActionStyle;
  readonly associatedInputs: 'auto' | 'none';
  /** `Action.Execute.data`. */
  readonly data: CardActionData;
  /** `Action.Submit.data` for clients without Universal Actions: the same, verb included. */
  readonly submitData: CardActionData;
}

export function action(
  verb: CardVerb,
  title: string,
  ids: { disputeId: string | null; seq: number; extra?: Readonly<Record<string, string>> },
  opts: { style?: ActionStyle; inputs?: 'auto' | 'none' } = {},
): ActionData {
  const data: CardActionData = { ...(ids.extra ?? {}), verb, disputeId: ids.disputeId, seq: ids.seq };
  return {
    title,
    verb,
    style: opts.style ?? 'default',
    associatedInputs: opts.inputs ?? 'none',
    data,
    submitData: data,
  };
}

/** The `refresh` block: the acting person's client re-fetches the card, so it updates in place. */
function refresh(
  viewer: Viewer,
  disputeId: string | null,
  seq: number,
  view: 'step' | 'detail' = 'detail',
): Data | null {
  if (viewer.refreshUserIds.length === 0) return null;
  // `view: 'step'` asks the bot for the viewer's own view of the dispute's current step.
  const data: CardActionData = { verb: UI_VERBS.refresh, disputeId, seq, view };
  return {
    action: { type: 'Action.Execute', verb: UI_VERBS.refresh, title: 'Refresh', data },
    userIds: [...viewer.refreshUserIds],
  };
}

const DOMAIN_STYLE: Partial<Record<string, ActionStyle>> = {
  [VERBS.escalate]: 'positive',
  [VERBS.agreed]: 'positive',
  [VERBS.notAgreed]: 'destructive',
  [VERBS.withdraw]: 'destructive',
};

/**
 * The deadline block every dispute card shows: the stage's deadline and the overall cap, with RAG.
 * @example deadlineLine(...) // 'Stage due by Mon 7 Dec 2026 · 20-working-day limit: Mon 4 Jan 2027'
 */
export function presentDeadlines(d: Deadlines, now: string): Data {
  const stage = d.stageDueDate
    ? `Stage due by ${formatDay(d.stageDueDate)}`
    : d.stageDue
      ? `Stage due by ${formatInstantDay(d.stageDue)}`
      : 'No stage deadline';
  const cap = d.overallWorkingDays
    ? d.overallDue
      ? `${d.overallWorkingDays}-working-day limit: ${formatInstantDay(d.overallDue)}`
      : `${d.overallWorkingDays}-working-day limit: not started yet`
    : 'No overall time limit';
  const stageRag = rag({ startedAt: d.stageStartedAt, due: d.stageDue, now });
  const overallRag = rag({ startedAt: d.overallStartedAt, due: d.overallDue, now });
  const overallWarning =
    overallRag === 'red'
      ? `The ${d.overallWorkingDays}-working-day limit has passed.`
      : overallRag === 'amber'
        ? `Half or more of the ${d.overallWorkingDays}-working-day limit is used.`
        : '';
  return {
    line: `${stage} · ${cap}`,
    rag: stageRag,
    ragLabel: RAG_LABEL[stageRag],
    color: RAG_COLOR[stageRag],
    overallWarning,
    overallColor: RAG_COLOR[overallRag],
  };
}

function presentHeader(h: DisputeHeader): Data {
  return {
    caseReference: esc(h.caseReference),
    procedureName: esc(h.procedureName),
    stageName: esc(h.stageName),
  };
}

/** Read-only unless the viewer is the person whose step it is and the card is current. */
function presentStep(ctx: StepContext): { readOnly: boolean; status: string; statusColor: string } {
  if (ctx.stale) {
    return {
      readOnly: true,
      status: 'This card is out of date: the dispute has moved on. Open the dispute to see where it is now.',
      statusColor: 'warning',
    };
  }
  if (!ctx.awaiting)
    return { readOnly: true, status: 'No one needs to act on this step now.', statusColor: 'default' };
  if (ctx.viewer.personId !== ctx.awaiting.id) {
    return { readOnly: true, status: `This step is for ${esc(ctx.awaiting.name)}.`, statusColor: 'default' };
  }
  return { readOnly: false, status: 'This step is yours.', statusColor: 'good' };
}

function stepBase(ctx: StepContext): Data & { readOnly: boolean } {
  const step = presentStep(ctx);
  return {
    refresh: refresh(ctx.viewer, ctx.dispute.disputeId, ctx.dispute.seq, 'step'),
    header: presentHeader(ctx.dispute),
    deadline: presentDeadlines(ctx.dispute.deadlines, ctx.now),
    ...step,
  };
}

function ids(ctx: StepContext) {
  return { disputeId: ctx.dispute.disputeId, seq: ctx.dispute.seq };
}

/** Every key present, escaped; '' when there is no error. */
function presentErrors<K extends string>(keys: readonly K[], errors: FieldErrors<K>): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const k of keys) out[k] = errors[k] ? esc(errors[k] as string) : '';
  return out;
}

function facts(list: readonly { label: string; value: string }[]): { title: string; value: string }[] {
  return list.map((f) => ({ title: esc(f.label), value: esc(f.value) }));
}

const navigation = (disputeId: string | null, seq: number): ActionData[] => [
  action(UI_VERBS.myDisputes, 'My disputes', { disputeId, seq }),
  action(UI_VERBS.help, 'Help', { disputeId, seq }),
];

function presentWelcome(vm: WelcomeViewModel): Data {
  return {
    greeting: vm.userName ? `Hello ${esc(vm.userName)}, I am Concord.` : 'Hello, I am Concord.',
    actions: [
      action(UI_VERBS.raise, 'Raise a dispute', { disputeId: null, seq: 0 }, { style: 'positive' }),
      ...navigation(null, 0),
    ],
  };
}

function presentHelp(vm: HelpViewModel): Data {
  return {
    procedures: vm.procedures.map((p) => ({
      title: esc(p.shortName),
      value: esc(
        p.overallWorkingDays ? `${p.name} (overall limit ${p.overallWorkingDays} working days)` : p.name,
      ),
    })),
    actions: [
      action(UI_VERBS.raise, 'Raise a dispute', { disputeId: null, seq: 0 }),
      action(UI_VERBS.myDisputes, 'My disputes', { disputeId: null, seq: 0 }),
    ],
  };
}

function presentError(vm: ErrorViewModel): Data {
  const openIt = vm.disputeId
    ? [action(UI_VERBS.openDispute, 'Open the dispute', { disputeId: vm.disputeId, seq: 0 })]
    : [];
  return {
    title: esc(vm.title),
    message: esc(vm.message),
    reason: vm.reason ? `Reason: ${vm.reason}` : '',
    actions: [...openIt, ...navigation(vm.disputeId, 0)],
  };
}

function presentImmediateRisk(vm: ImmediateRiskViewModel): Data {
  const extra = { procedureId: vm.procedureId };
  const answered = vm.mode === 'contacts';
  return {
    answered,
    title: answered ? 'Contact them now, before anything else' : 'First: is anyone at immediate risk?',
    procedureName: esc(vm.procedureName),
    guidance: esc(vm.guidance),
    quote: vm.quote ? esc(`“${vm.quote}”`) : '',
    contacts: vm.contacts.map((c) => ({ title: esc(c.name), value: esc(`For ${c.for}: ${c.when}`) })),
    actions: answered
      ? [
          action(UI_VERBS.immediateRiskNo, 'I have acted on the risk: continue the dispute', {
            disputeId: null,
            seq: 0,
            extra,
          }),
          action(UI_VERBS.help, 'Help', { disputeId: null, seq: 0 }),
        ]
      : [
          action(
            UI_VERBS.immediateRiskYes,
            'Yes — show me who to contact',
            { disputeId: null, seq: 0, extra },
            { style: 'destructive' },
          ),
          action(
            UI_VERBS.immediateRiskNo,
            'No — continue',
            { disputeId: null, seq: 0, extra },
            { style: 'positive' },
          ),
        ],
  };
}

function presentRaise(vm: RaiseDisputeViewModel): Data {
  const id = { disputeId: vm.draftId, seq: vm.seq };
  const labels = {} as Record<RaiseField, string>;
  for (const f of RAISE_FIELDS) labels[f] = vm.labels[f];
  return {
    refresh: null,
    guidance: vm.guidance ? esc(`“${vm.guidance}”`) : '',
    savedAt: vm.savedAt ? `Draft saved ${formatDateTime(vm.savedAt)}.` : '',
    procedures: vm.procedures.map((o) => ({ ...o })),
    partners: vm.partners.map((o) => ({ ...o })),
    categories: vm.categories.map((o) => ({ ...o })),
    urgencyLevels: vm.urgencyLevels.map((o) => ({ ...o })),
    hasUrgency: vm.urgencyLevels.length > 0,
    labels,
    // Input values are not markdown: they go in as typed.
    draft: { ...vm.draft, procedureId: vm.draft.procedureId || vm.procedureId },
    errors: presentErrors(RAISE_FIELDS, vm.errors),
    hasErrors: Object.values(vm.errors).some(Boolean),
    actions: [
      action(UI_VERBS.submitRaise, 'Submit', id, { style: 'positive', inputs: 'auto' }),
      action(UI_VERBS.saveDraft, 'Save draft', id, { inputs: 'auto' }),
      ...(vm.canDiscard ? [action(UI_VERBS.cancelRaise, 'Cancel', id, { style: 'destructive' })] : []),
    ],
  };
}

function presentDecision(vm: DecisionViewModel): Data {
  const base = stepBase(vm);
  return {
    ...base,
    title: esc(vm.title),
    paragraphs: vm.text.map((t) => ({ text: esc(t) })),
    facts: facts(vm.facts),
    actions: base.readOnly
      ? []
      : vm.actions.map((a: CardAction) =>
          action(a.verb as CardVerb, a.title, ids(vm), {
            style: DOMAIN_STYLE[a.verb] ?? 'default',
            inputs: 'none',
          }),
        ),
  };
}

function presentReviewStatement(vm: ReviewStatementViewModel): Data {
  const base = stepBase(vm);
  const actions = [
    action(VERBS.escalate, `Raise ${vm.stageToRaise} and send`, ids(vm), {
      style: 'positive',
      inputs: 'auto',
    }),
  ];
  if (vm.options.informal) actions.push(action(VERBS.informal, 'Raise informally', ids(vm)));
  if (vm.options.accept) actions.push(action(VERBS.accept, 'Accept the decision', ids(vm)));
  return {
    ...base,
    stageToRaise: esc(vm.stageToRaise),
    facts: [
      { title: 'To', value: esc(vm.recipients.join('; ') || 'the counterpart') },
      { title: 'Importance', value: 'High' },
      {
        title: 'Response due',
        value: vm.responseWorkingDays
          ? `within ${vm.responseWorkingDays} working days of sending (the date is stated in the email)`
          : 'as the procedure sets',
      },
    ],
    statement: { ...vm.statement },
    labels: { ...vm.labels },
    errors: presentErrors(STATEMENT_FIELDS, vm.errors),
    actions: base.readOnly ? [] : actions,
  };
}

function presentReviewReply(vm: ReviewReplyViewModel): Data {
  const base = stepBase(vm);
  return {
    ...base,
    replyFrom: `Reply from ${esc(vm.reply.from)}, ${formatDateTime(vm.reply.at)}`,
    replyParagraphs: vm.reply.text
      .split(/\n{2,}/)
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => ({ text: esc(p) })),
    mustInclude: vm.responseMustInclude.map((m) => ({ text: `• ${esc(m)}` })),
    hasMustInclude: vm.responseMustInclude.length > 0,
    errors: presentErrors(['note'], vm.errors),
    actions: base.readOnly
      ? []
      : [
          action(VERBS.agreed, 'Agreed', ids(vm), { style: 'positive', inputs: 'auto' }),
          action(VERBS.notAgreed, 'Not agreed', ids(vm), { style: 'destructive', inputs: 'auto' }),
        ],
  };
}

const RESPONSE: Record<MeetingAttendee['response'], { label: string; color: string }> = {
  organizer: { label: 'Organiser', color: 'default' },
  accepted: { label: 'Accepted', color: 'good' },
  tentativelyAccepted: { label: 'Tentative', color: 'warning' },
  declined: { label: 'Declined', color: 'attention' },
  notResponded: { label: 'No response yet', color: 'default' },
  none: { label: 'No response yet', color: 'default' },
};

function presentMeeting(vm: MeetingViewModel): Data {
  const base = stepBase(vm);
  const m = vm.meeting;
  const joinUrl = m.joinUrl && /^https:\/\//.test(m.joinUrl) ? m.joinUrl : '';
  const canMove = !base.readOnly && vm.otherSlots.length > 0;
  return {
    ...base,
    subject: esc(m.subject),
    facts: [
      { title: 'When', value: formatSlot(m.start, m.end) },
      { title: 'Convener', value: esc(m.convener) },
      { title: 'Where', value: joinUrl ? 'Microsoft Teams meeting' : 'No online meeting link' },
    ],
    hasJoinUrl: joinUrl !== '',
    joinUrl,
    attendees: m.attendees.map((a) => ({
      name: esc(a.name),
      role: `${a.required ? 'Required' : 'Optional'}${a.external ? ', partner organisation' : ''}`,
      response: RESPONSE[a.response].label,
      color: RESPONSE[a.response].color,
    })),
    canMove,
    slots: vm.otherSlots.map((s) => ({ title: formatSlot(s.start, s.end), value: s.start })),
    errors: presentErrors(['start'], vm.errors),
    moveAction: [action(VERBS.moveMeeting, 'Move', ids(vm), { inputs: 'auto' })],
    actions: [],
  };
}

function presentOutcome(vm: OutcomeViewModel): Data {
  const base = stepBase(vm);
  const rows = Array.from({ length: OUTCOME_ACTION_ROWS }, (_, i) => {
    const n = i + 1;
    const a = vm.draft.actions[i];
    const errorFor = (suffix: string) => vm.errors[`action${n}${suffix}` as `action${number}Description`];
    const errs = [errorFor('Description'), errorFor('Owner'), errorFor('Due')].filter(Boolean) as string[];
    return {
      heading: `Action ${n}`,
      descriptionId: `action${n}Description`,
      ownerId: `action${n}Owner`,
      dueId: `action${n}Due`,
      description: a?.description ?? '',
      owner: a?.owner ?? '',
      due: a?.dueDate ?? '',
      error: errs.map(esc).join(' '),
    };
  });
  return {
    ...base,
    askMinutes: vm.askMinutes,
    mustInclude: vm.mustInclude.map((m) => ({ text: `• ${esc(m)}` })),
    hasMustInclude: vm.mustInclude.length > 0,
    draft: { minutes: vm.draft.minutes, resolved: vm.draft.resolved, summary: vm.draft.summary },
    rows,
    errors: presentErrors(['minutes', 'resolved', 'summary'], vm.errors),
    actions: base.readOnly
      ? []
      : [action(VERBS.outcome, 'Record the outcome', ids(vm), { style: 'positive', inputs: 'auto' })],
  };
}

function presentMyDisputes(vm: MyDisputesViewModel): Data {
  return {
    refresh: refresh(vm.viewer, null, 0),
    count: `${vm.disputes.length} ${vm.disputes.length === 1 ? 'dispute' : 'disputes'}`,
    empty: vm.disputes.length === 0,
    disputes: vm.disputes.map((d) => {
      const deadline = presentDeadlines(d.deadlines, vm.now);
      return {
        caseReference: esc(d.caseReference),
        procedure: esc(d.procedureShortName),
        stage: esc(d.stageName),
        status:
          d.status === 'open'
            ? d.awaiting
              ? `Open · waiting for ${esc(d.awaiting)}`
              : 'Open'
            : `Status: ${d.status}`,
        deadline,
        open: [action(UI_VERBS.openDispute, 'Open', { disputeId: d.disputeId, seq: 0 })],
      };
    }),
    actions: [
      action(UI_VERBS.raise, 'Raise a dispute', { disputeId: null, seq: 0 }),
      action(UI_VERBS.help, 'Help', { disputeId: null, seq: 0 }),
    ],
  };
}

function presentDisputeDetail(vm: DisputeDetailViewModel): Data {
  const d = vm.dispute;
  return {
    refresh: refresh(vm.viewer, d.disputeId, d.seq),
    header: presentHeader(d),
    deadline: presentDeadlines(d.deadlines, vm.now),
    facts: [
      { title: 'Status', value: vm.status },
      { title: 'Category', value: esc(vm.category) },
      { title: 'Partner organisation', value: esc(vm.partnerOrganisation) },
      { title: 'Raised', value: `${formatDateTime(vm.raisedAt)} by ${esc(vm.raisedBy)}` },
      { title: 'Waiting for', value: vm.awaiting ? esc(vm.awaiting) : 'No one' },
    ],
    empty: vm.timeline.length === 0,
    timeline: vm.timeline.map((e) => ({
      when: `${formatDateTime(e.at)} · ${esc(e.stageName)}`,
      summary: esc(e.summary),
      outcome: e.outcome ? `Outcome: ${esc(e.outcome)}` : '',
      between: e.between.length ? `Between: ${esc(e.between.join(', '))}` : '',
    })),
    actions: [
      action(UI_VERBS.myDisputes, 'My disputes', { disputeId: d.disputeId, seq: d.seq }),
      action(UI_VERBS.refresh, 'Refresh', { disputeId: d.disputeId, seq: d.seq }),
    ],
  };
}

type Presenters = { [K in TemplateName]: (vm: CardViewModels[K]) => Data };

export const PRESENTERS: Presenters = {
  welcome: presentWelcome,
  help: presentHelp,
  error: presentError,
  'immediate-risk': presentImmediateRisk,
  'raise-dispute': presentRaise,
  decision: presentDecision,
  'review-statement': presentReviewStatement,
  'review-reply': presentReviewReply,
  meeting: presentMeeting,
  outcome: presentOutcome,
  'my-disputes': presentMyDisputes,
  'dispute-detail': presentDisputeDetail,
};
