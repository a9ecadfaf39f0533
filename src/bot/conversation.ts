/**
 * The conversation in personal chat, independent of botbuilder: an incoming turn (install, a
 * typed command, a card action) in, the cards to show out. The botbuilder glue (`teams-bot.ts`)
 * turns activities into `Incoming` and `Outgoing` back into activities and invoke responses.
 *
 * A router over tables; each part lives in its own module:
 * - typed commands: `COMMANDS` (commands.ts), including local mode's "act as" (act-as.ts);
 * - card verbs: UI verbs by `UI_ACTIONS` below (the raise wizard in raise-wizard.ts), dispute-step
 *   verbs by `STEP_VERBS` (step-verbs.ts, applied in step-actions.ts);
 * - whether a card is still current, and its refresh: card-freshness.ts;
 * - which input a refusal is about: refusal-field.ts.
 * The actor is the authenticated Teams user's directory person, never anything in the card data.
 *
 * @example
 * const conversation = createConversation(deps);
 * const out = await conversation.handle({ kind: 'message', identity: { teamsUserId: 'user-id-0' }, text: 'help' });
 */
import { parseVerb, UI_VERBS, type UiVerb } from '../cards/index.ts';
import { actingPerson, realPerson } from './act-as.ts';
import { pendingStepCard, refreshedStepCard, sendIdOf, seqOf } from './card-freshness.ts';
import { runCommand } from './commands.ts';
import {
  type BotContext,
  type ConversationDeps,
  card,
  createContext,
  type Incoming,
  type Outgoing,
  text,
  UNKNOWN_PERSON,
} from './context.ts';
import { detailCard, errorCard, helpCard, myDisputesCard, welcomeCard } from './general-cards.ts';
import type { BotPerson, TeamsIdentity } from './ports.ts';
import { onRaiseAction } from './raise-wizard.ts';
import { onStepAction } from './step-actions.ts';

export { localModePolicy } from './act-as.ts';
export { normalise } from './commands.ts';
export type { ConversationDeps, Incoming, LocalModePolicy, Outgoing } from './context.ts';

export interface Conversation {
  handle(incoming: Incoming): Promise<Outgoing>;
  /** The directory person Teams says this is (before any local "act as"). */
  realPerson(identity: TeamsIdentity): Promise<BotPerson | null>;
  /** The person acting: the real person, or in local mode whoever they chose to act as. */
  actingPerson(identity: TeamsIdentity): Promise<BotPerson | null>;
}

type Data = Readonly<Record<string, unknown>>;
type UiAction = (ctx: BotContext, person: BotPerson, data: Data, verb: UiVerb) => Promise<Outgoing>;

const disputeIdOf = (data: Data) => (typeof data.disputeId === 'string' ? data.disputeId : '');

/** What each UI verb does (help is answered before the person is known, see `handle`). */
const UI_ACTIONS: Readonly<Record<UiVerb, UiAction>> = {
  [UI_VERBS.help]: async (ctx) => ({ send: [card(helpCard(ctx))] }),
  [UI_VERBS.myDisputes]: async (ctx, person) => ({ send: [card(await myDisputesCard(ctx, person))] }),
  [UI_VERBS.openDispute]: async (ctx, person, data) => {
    const id = disputeIdOf(data);
    const detail = await detailCard(ctx, person, id);
    const pending = await pendingStepCard(ctx, person, id);
    return { send: [card(detail), ...(pending ? [card(pending)] : [])] };
  },
  [UI_VERBS.refresh]: async (ctx, person, data) => {
    const id = disputeIdOf(data);
    if (data.view === 'step')
      return { update: await refreshedStepCard(ctx, person, id, seqOf(data), sendIdOf(data)), send: [] };
    return { update: await detailCard(ctx, person, id), send: [] };
  },
  [UI_VERBS.raise]: (ctx, person, data, verb) => onRaiseAction(ctx, person, verb, data),
  [UI_VERBS.immediateRiskYes]: (ctx, person, data, verb) => onRaiseAction(ctx, person, verb, data),
  [UI_VERBS.immediateRiskNo]: (ctx, person, data, verb) => onRaiseAction(ctx, person, verb, data),
  [UI_VERBS.saveDraft]: (ctx, person, data, verb) => onRaiseAction(ctx, person, verb, data),
  [UI_VERBS.submitRaise]: (ctx, person, data, verb) => onRaiseAction(ctx, person, verb, data),
  [UI_VERBS.cancelRaise]: (ctx, person, data, verb) => onRaiseAction(ctx, person, verb, data),
  [UI_VERBS.raiseContinue]: (ctx, person, data, verb) => onRaiseAction(ctx, person, verb, data),
  [UI_VERBS.changeProcedure]: (ctx, person, data, verb) => onRaiseAction(ctx, person, verb, data),
};

export function createConversation(deps: ConversationDeps): Conversation {
  const ctx = createContext(deps);

  async function onAction(person: BotPerson | null, verb: string, data: Data): Promise<Outgoing> {
    const parsed = parseVerb(verb);
    if (parsed.kind === 'ui' && parsed.verb === UI_VERBS.help) return { send: [card(helpCard(ctx))] };
    if (!person) return { update: errorCard(UNKNOWN_PERSON), send: [] };
    switch (parsed.kind) {
      case 'ui':
        return UI_ACTIONS[parsed.verb](ctx, person, data, parsed.verb);
      case 'domain':
        return onStepAction(ctx, person, parsed.verb, null, data);
      case 'refer':
        return onStepAction(ctx, person, parsed.verb, parsed.routeId, data);
      default:
        return { send: [text('Sorry, that button is not known.'), card(helpCard(ctx))] };
    }
  }

  async function handle(incoming: Incoming): Promise<Outgoing> {
    const real = await realPerson(ctx, incoming.identity);
    const person = await actingPerson(ctx, incoming.identity);
    switch (incoming.kind) {
      case 'install':
        return { send: [card(welcomeCard(person, incoming.userName))] };
      case 'message':
        return runCommand({ ctx, identity: incoming.identity, real, person }, incoming.text);
      case 'action':
        return onAction(person, incoming.verb, incoming.data);
    }
  }

  return {
    handle,
    realPerson: (identity) => realPerson(ctx, identity),
    actingPerson: (identity) => actingPerson(ctx, identity),
  };
}
