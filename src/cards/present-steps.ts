/**
 * Presenters for a dispute's step cards: the decision, the statement and reply reviews, the meeting
 * and the outcome.
 */
import type { CardAction, MeetingAttendee } from '../domain/dispute/types.ts';
import { escapeCardText as esc } from './escape.ts';
import { formatDateTime, formatSlot } from './format.ts';
import { action, type Data, DOMAIN_STYLE, facts, ids, presentErrors, stepBase } from './present-base.ts';
import { type CardVerb, VERBS } from './verbs.ts';
import type {
  DecisionViewModel,
  MeetingViewModel,
  OutcomeViewModel,
  ReviewReplyViewModel,
  ReviewStatementViewModel,
} from './view-models.ts';
import { OUTCOME_ACTION_ROWS, STATEMENT_FIELDS } from './view-models.ts';

export function presentDecision(vm: DecisionViewModel): Data {
  const base = stepBase(vm, vm.actions.length > 0);
  return {
    ...base,
    title: esc(vm.title),
    paragraphs: vm.text.map((t) => ({ text: esc(t) })),
    facts: facts(vm.facts),
    hasInput: !base.readOnly && !!vm.input,
    inputLabel: vm.input ? esc(vm.input.label) : '',
    actions: base.readOnly
      ? []
      : vm.actions.map((a: CardAction) =>
          action(a.verb as CardVerb, a.title, a.data ? { ...ids(vm), extra: a.data } : ids(vm), {
            style: DOMAIN_STYLE[a.verb] ?? 'default',
            inputs: vm.input ? 'auto' : 'none',
          }),
        ),
  };
}

/** "High", with the procedure's reason where it gives one: the sender sees why it is flagged. */
function importanceInWords(importance: ReviewStatementViewModel['importance']): string {
  const level = importance?.level === 'normal' ? 'Normal' : 'High';
  return importance?.quote ? `${level}. The procedure says: “${esc(importance.quote)}”` : level;
}

const where = (m: { role: string; organisation: string | null }) =>
  m.organisation ? `${m.role} at ${m.organisation}` : m.role;

/** The review card's "To": the people found, and plainly where nobody is. */
function toLine(vm: ReviewStatementViewModel): string {
  const missing = (vm.missingRecipients ?? []).map((m) => `nobody found: no ${where(m)} in the directory`);
  const line = [...vm.recipients, ...missing].join('; ');
  return line || 'nobody found in the directory';
}

/** What to do when the directory holds nobody for someone the email must go to ('' when all are found). */
function missingNotice(vm: ReviewStatementViewModel): string {
  const missing = vm.missingRecipients ?? [];
  if (missing.length === 0 && vm.recipients.length > 0) return '';
  const who = missing.length > 0 ? missing.map(where).join(' or ') : 'anyone this email goes to';
  return `Concord cannot send this email yet: its directory has no ${who}. Ask your Concord administrator to add them to the directory, then send it from this card.`;
}

export function presentReviewStatement(vm: ReviewStatementViewModel): Data {
  const base = stepBase(vm);
  const actions = [
    action(VERBS.escalate, `Send ${vm.stageToRaise} email`, ids(vm), {
      style: 'positive',
      inputs: 'auto',
    }),
  ];
  if (vm.options.informal) actions.push(action(VERBS.informal, 'Raise informally', ids(vm)));
  if (vm.options.accept) actions.push(action(VERBS.accept, 'Accept the decision', ids(vm)));
  return {
    ...base,
    stageToRaise: esc(vm.stageToRaise),
    // Handed over: who decided, so the sender knows why it is in their name.
    decided: vm.decidedBy
      ? `${esc(vm.decidedBy)} decided to take this to ${esc(vm.stageToRaise)}. It goes out in your name.`
      : '',
    facts: [
      { title: 'To', value: esc(toLine(vm)) },
      { title: 'Importance', value: importanceInWords(vm.importance) },
      {
        title: 'Response due',
        value: vm.responseWorkingDays
          ? `within ${vm.responseWorkingDays} working days of sending (the date is stated in the email)`
          : 'as the procedure sets',
      },
    ],
    recipientsMissing: esc(missingNotice(vm)),
    statement: { ...vm.statement },
    labels: { ...vm.labels },
    errors: presentErrors(STATEMENT_FIELDS, vm.errors),
    actions: base.readOnly ? [] : actions,
  };
}

/**
 * A reply's paragraphs, one TextBlock each, at most `MAX_REPLY_PARAGRAPHS`: the rest stay in the
 * last, with their blank lines. Each TextBlock adds its own JSON, so a reply of thousands of short
 * paragraphs made a card of over 500 KB, which Teams refuses (src/cards/fit.ts).
 */
export const MAX_REPLY_PARAGRAPHS = 40;

export function replyParagraphs(text: string): string[] {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (paragraphs.length <= MAX_REPLY_PARAGRAPHS) return paragraphs;
  return [
    ...paragraphs.slice(0, MAX_REPLY_PARAGRAPHS - 1),
    paragraphs.slice(MAX_REPLY_PARAGRAPHS - 1).join('\n\n'),
  ];
}

export function presentReviewReply(vm: ReviewReplyViewModel): Data {
  const base = stepBase(vm);
  return {
    ...base,
    replyFrom: `Reply from ${esc(vm.reply.from)}, ${formatDateTime(vm.reply.at)}`,
    replyParagraphs: replyParagraphs(vm.reply.text).map((p) => ({ text: esc(p) })),
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

export function presentMeeting(vm: MeetingViewModel): Data {
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

export function presentOutcome(vm: OutcomeViewModel): Data {
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
    title: esc(vm.title ?? 'Record the outcome'),
    notes: (vm.notes ?? []).filter((n) => n.trim()).map((n) => ({ text: esc(n) })),
    mustInclude: vm.mustInclude.map((m) => ({ text: `• ${esc(m)}` })),
    hasMustInclude: vm.mustInclude.length > 0,
    draft: { minutes: vm.draft.minutes, resolved: vm.draft.resolved, summary: vm.draft.summary },
    rows,
    errors: presentErrors(['minutes', 'resolved', 'summary'], vm.errors),
    actions: base.readOnly
      ? []
      : [
          action(VERBS.outcome, 'Record the outcome', ids(vm), { style: 'positive', inputs: 'auto' }),
          ...(vm.canRequestMeeting ? [action(VERBS.requestMeeting, 'Book a meeting', ids(vm))] : []),
        ],
  };
}
