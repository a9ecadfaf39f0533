/**
 * The one table of dispute-step verbs on the bot's side: for each verb a card can send, the dispute
 * event it means (`toEvent`), the template that shows its inputs again when one of them is refused
 * (`cardKind`; absent for verbs without inputs) and what the used card says was done (`doneTitle`).
 *
 * The verbs themselves are the domain's (`VERBS`); the actor is always the authenticated person,
 * never anything in the card data.
 */
import type { DomainVerb } from '../cards/index.ts';
import { VERBS } from '../domain/dispute/stage-flow.ts';
import type { AgreedAction, DisputeEvent, DisputeState, PersonRef } from '../domain/dispute/types.ts';
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
  /** After "Done: ". A function of the route for `refer`. */
  readonly doneTitle: string | ((routeId: string) => string);
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

export const STEP_VERBS: Readonly<Record<DomainVerb, StepVerb>> = {
  [VERBS.escalate]: {
    toEvent: decision('escalate'),
    cardKind: 'decision',
    doneTitle: 'raised the next stage',
  },
  [VERBS.informal]: { toEvent: decision('informal'), doneTitle: 'raising it informally' },
  [VERBS.accept]: { toEvent: decision('accept'), doneTitle: 'decision accepted' },
  [VERBS.refer]: {
    toEvent: ({ actor, by, data, routeId }) => ({
      type: 'exceptional-referral',
      by: actor,
      routeId: routeId ?? '',
      reason: str(data, 'reason') ?? `Referred by ${by.name} from the Concord card.`,
    }),
    doneTitle: (routeId) => `referred (${routeId})`,
  },
  [VERBS.agreed]: { toEvent: acknowledged(true), cardKind: 'review-reply', doneTitle: 'marked agreed' },
  [VERBS.notAgreed]: {
    toEvent: acknowledged(false),
    cardKind: 'review-reply',
    doneTitle: 'marked not agreed',
  },
  [VERBS.chase]: {
    toEvent: ({ actor, data }) => {
      const note = str(data, 'note');
      return { type: 'chase', by: actor, ...(note ? { note } : {}) };
    },
    doneTitle: 'chased',
  },
  [VERBS.outcome]: { toEvent: outcome, cardKind: 'outcome', doneTitle: 'outcome recorded' },
  [VERBS.informalOutcome]: { toEvent: outcome, cardKind: 'outcome', doneTitle: 'outcome recorded' },
  [VERBS.moveMeeting]: {
    toEvent: ({ actor, data }) => ({ type: 'meeting-move', by: actor, start: str(data, 'start') ?? '' }),
    cardKind: 'meeting',
    doneTitle: 'meeting moved',
  },
  [VERBS.requestMeeting]: {
    toEvent: ({ actor }) => ({ type: 'meeting-requested', by: actor }),
    doneTitle: 'meeting requested',
  },
  [VERBS.resolve]: {
    toEvent: ({ actor, by, data }) => ({
      type: 'resolved',
      by: actor,
      summary: str(data, 'summary') ?? `Resolved, authorised by ${by.name}.`,
    }),
    doneTitle: 'resolved',
  },
  [VERBS.close]: {
    toEvent: ({ actor, data }) => {
      const note = str(data, 'note');
      return { type: 'closed', by: actor, ...(note ? { note } : {}) };
    },
    doneTitle: 'record closed',
  },
  [VERBS.withdraw]: {
    toEvent: ({ actor, by, data }) => ({
      type: 'withdrawn',
      by: actor,
      reason: str(data, 'reason') ?? `Withdrawn by ${by.name} from the Concord card.`,
    }),
    doneTitle: 'withdrawn',
  },
};

/** "Done: <title>" for a verb (and route). */
export function doneTitleOf(verb: DomainVerb, routeId: string | null): string {
  const title = STEP_VERBS[verb].doneTitle;
  return typeof title === 'function' ? title(routeId ?? '') : title;
}
