/**
 * The one table of dispute-step verbs on the bot's side: for each verb a card can send, the dispute
 * event it means (`toEvent`), the template that shows its inputs again when one of them is refused
 * (`cardKind`; absent for verbs without inputs) and what the used card says was done (`doneTitle`).
 *
 * The verbs, and which event each means, are the shared verbs module's (`VERBS`, `VERB_MEANING` in
 * src/domain/dispute/verbs.ts); this table adds how the card's inputs fill that event and what the
 * card shows. The actor is always the authenticated person, never anything in the card data.
 */
import type { DomainVerb } from '../cards/index.ts';
import type { AgreedAction, DisputeEvent, DisputeState, PersonRef } from '../domain/dispute/types.ts';
import { VERB_MEANING, VERBS, type VerbMeaning } from '../domain/dispute/verbs.ts';
import { str } from './context.ts';
import type { BotPerson } from './ports.ts';

export interface StepVerbInput {
  readonly by: BotPerson;
  readonly actor: PersonRef;
  readonly state: DisputeState;
  readonly data: Readonly<Record<string, unknown>>;
  /** For `refer:<routeId>`: the exceptional route. */
  readonly routeId: string | null;
}

/** Templates that show a step's inputs (see `cardForEffect`). */
export type InputCardKind = 'decision' | 'review-reply' | 'meeting' | 'outcome';

export interface StepVerb {
  readonly toEvent: (input: StepVerbInput) => DisputeEvent;
  readonly cardKind?: InputCardKind;
  /**
   * The verb is not a step of the ladder (a note recorded at any point): it is taken from any card
   * the person holds, current or not, and leaves the step card of whoever's step it is as it was.
   */
  readonly anyStep?: true;
  /** After "Done: ". A function of the route for `refer`. */
  readonly doneTitle: string | ((routeName: string) => string);
}

const decision =
  (choice: 'escalate' | 'informal' | 'accept') =>
  ({ actor, data }: StepVerbInput): DisputeEvent => {
    const statement: Record<string, string> = {};
    for (const k of ['issue', 'informalAttempts', 'resolutionSought'] as const) {
      if (typeof data[k] === 'string') statement[k] = data[k] as string;
    }
    const reason = str(data, 'reason');
    return {
      type: 'decision',
      by: actor,
      choice,
      ...(choice === VERBS.escalate && Object.keys(statement).length > 0 ? { statement } : {}),
      ...(reason ? { reason } : {}),
    };
  };

const acknowledged =
  (agreed: boolean) =>
  ({ actor, data }: StepVerbInput): DisputeEvent => {
    const note = str(data, 'note');
    return { type: 'acknowledged', by: actor, agreed, ...(note ? { note } : {}) };
  };

/** The outcome form's action rows (`action<n>Description`, `…Owner`, `…Due`), blank rows skipped. */
function outcomeActions(data: Readonly<Record<string, unknown>>): AgreedAction[] {
  const out: AgreedAction[] = [];
  for (let n = 1; n <= 30; n += 1) {
    const description = str(data, `action${n}Description`);
    const owner = str(data, `action${n}Owner`);
    const dueDate = str(data, `action${n}Due`);
    if (!description && !owner && !dueDate) {
      if (data[`action${n}Description`] === undefined) break;
      continue;
    }
    out.push({ description: description ?? '', owner: owner ?? '', dueDate: dueDate ?? '' });
  }
  return out;
}

function outcome({ actor, state, data }: StepVerbInput): DisputeEvent {
  const resolved = data.resolved === 'resolved';
  const summary = typeof data.summary === 'string' ? data.summary : '';
  if (state.stage.phase === 'informal-contact')
    return { type: 'informal-outcome', by: actor, resolved, summary };
  const minutes = str(data, 'minutes');
  return {
    type: 'outcome-recorded',
    by: actor,
    resolved,
    summary,
    actions: outcomeActions(data),
    ...(minutes ? { minutes } : {}),
  };
}

type EventType = (typeof VERB_MEANING)[DomainVerb]['event'];

/** How a card's inputs fill each event a verb can mean (`VERB_MEANING`, the shared verbs module). */
const EVENTS: { readonly [E in EventType]: (input: StepVerbInput, meaning: VerbMeaning) => DisputeEvent } = {
  decision: (input, meaning) => decision(meaning.choice ?? 'escalate')(input),
  'exceptional-referral': ({ actor, by, data, routeId }) => ({
    type: 'exceptional-referral',
    by: actor,
    routeId: routeId ?? '',
    reason: str(data, 'reason') ?? `Referred by ${by.name} from the Concord card.`,
  }),
  acknowledged: (input, meaning) => acknowledged(meaning.agreed === true)(input),
  chase: ({ actor, data }) => {
    const note = str(data, 'note');
    return { type: 'chase', by: actor, ...(note ? { note } : {}) };
  },
  // Either outcome verb records the outcome of the step the dispute is at (informal or formal).
  'outcome-recorded': outcome,
  'informal-outcome': outcome,
  'meeting-move': ({ actor, data }) => ({ type: 'meeting-move', by: actor, start: str(data, 'start') ?? '' }),
  'meeting-requested': ({ actor }) => ({ type: 'meeting-requested', by: actor }),
  resolved: ({ actor, by, data }) => ({
    type: 'resolved',
    by: actor,
    summary: str(data, 'summary') ?? `Resolved, authorised by ${by.name}.`,
  }),
  closed: ({ actor, data }) => {
    const note = str(data, 'note');
    return { type: 'closed', by: actor, ...(note ? { note } : {}) };
  },
  'referral-sent': ({ actor, data }) => {
    const note = str(data, 'note');
    return { type: 'referral-sent', by: actor, ...(note ? { note } : {}) };
  },
  'note-recorded': ({ actor, data }) => {
    const text = str(data, 'note');
    return { type: 'note-recorded', by: actor, noteId: str(data, 'noteId') ?? '', ...(text ? { text } : {}) };
  },
  'after-resolution-sent': ({ actor, data }) => ({
    type: 'after-resolution-sent',
    by: actor,
    itemId: str(data, 'itemId') ?? '',
    text: str(data, 'note') ?? '',
  }),
  bypass: ({ actor, data }) => ({
    type: 'bypass',
    by: actor,
    toStageId: str(data, 'toStageId') ?? '',
    reason: str(data, 'reason') ?? '',
  }),
  'consultation-answered': ({ actor, data }) => ({
    type: 'consultation-answered',
    by: actor,
    text: str(data, 'note') ?? '',
  }),
  withdrawn: ({ actor, by, data }) => ({
    type: 'withdrawn',
    by: actor,
    reason: str(data, 'reason') ?? `Withdrawn by ${by.name} from the Concord card.`,
  }),
};

/** A row for `verb`: its event is the one the shared verbs module says the verb means. */
function row(verb: DomainVerb, rest: Omit<StepVerb, 'toEvent'>): StepVerb {
  const meaning: VerbMeaning = VERB_MEANING[verb];
  return { toEvent: (input) => EVENTS[meaning.event as EventType](input, meaning), ...rest };
}

export const STEP_VERBS: Readonly<Record<DomainVerb, StepVerb>> = {
  [VERBS.escalate]: row(VERBS.escalate, { cardKind: 'decision', doneTitle: 'raised the next stage' }),
  [VERBS.informal]: row(VERBS.informal, { doneTitle: 'raising it informally' }),
  [VERBS.accept]: row(VERBS.accept, { doneTitle: 'decision accepted' }),
  [VERBS.refer]: row(VERBS.refer, {
    doneTitle: (routeName) => (routeName ? `referred: ${routeName}` : 'referred'),
  }),
  [VERBS.agreed]: row(VERBS.agreed, { cardKind: 'review-reply', doneTitle: 'marked agreed' }),
  [VERBS.notAgreed]: row(VERBS.notAgreed, { cardKind: 'review-reply', doneTitle: 'marked not agreed' }),
  [VERBS.chase]: row(VERBS.chase, { doneTitle: 'chased' }),
  [VERBS.outcome]: row(VERBS.outcome, { cardKind: 'outcome', doneTitle: 'outcome recorded' }),
  [VERBS.informalOutcome]: row(VERBS.informalOutcome, { cardKind: 'outcome', doneTitle: 'outcome recorded' }),
  [VERBS.moveMeeting]: row(VERBS.moveMeeting, { cardKind: 'meeting', doneTitle: 'meeting moved' }),
  [VERBS.requestMeeting]: row(VERBS.requestMeeting, { doneTitle: 'meeting requested' }),
  [VERBS.resolve]: row(VERBS.resolve, { doneTitle: 'resolved' }),
  [VERBS.close]: row(VERBS.close, { doneTitle: 'record closed' }),
  [VERBS.withdraw]: row(VERBS.withdraw, { doneTitle: 'withdrawn' }),
  [VERBS.referralSent]: row(VERBS.referralSent, { doneTitle: 'recorded as sent securely' }),
  [VERBS.recordNote]: row(VERBS.recordNote, { anyStep: true, doneTitle: 'recorded on the dispute record' }),
  [VERBS.sendAfterResolution]: row(VERBS.sendAfterResolution, { anyStep: true, doneTitle: 'sent' }),
  // From the dispute card, whatever step is current: the dispute moves on, and step cards go out of date.
  [VERBS.bypass]: row(VERBS.bypass, { anyStep: true, doneTitle: 'bypassed to the chosen stage' }),
  [VERBS.answerConsultation]: row(VERBS.answerConsultation, { anyStep: true, doneTitle: 'answer sent' }),
};

/** "Done: <title>" for a verb (and route). */
export function doneTitleOf(verb: DomainVerb, routeName: string | null): string {
  const title = STEP_VERBS[verb].doneTitle;
  return typeof title === 'function' ? title(routeName ?? '') : title;
}
