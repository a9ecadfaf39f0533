/**
 * The turn handler: Bot Framework activities in, `Conversation` calls, activities and invoke
 * responses out.
 *
 * - Every turn stores the sender's conversation reference (for the real person, and in local mode
 *   also for whoever they act as), so cards can be delivered proactively later.
 * - `invoke` `adaptiveCard/action` (Action.Execute): the card to replace the clicked one goes back in
 *   the invoke response (`application/vnd.microsoft.card.adaptive`), so it updates in place.
 * - A message with a `value` (the Action.Submit fallback) is routed the same way; the clicked
 *   card's activity (`replyToId`) is updated.
 * - Everything is quick (a store read and one transaction): the turn answers at once, and the
 *   effects (emails, other people's cards) go through the outbox.
 * - The replies are sent after the turn's work is done. If the Bot Connector refuses one (413 when
 *   Teams finds it too large, 429, 5xx), the person is told in a short text that what they did is
 *   done and where to see it, not the turn-error apology ("may not have been saved"), which would
 *   be untrue and send them to do it twice.
 */
import { ActivityTypes, CardFactory, type ConversationReference, TurnContext } from 'botbuilder';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCardJson } from '../cards/index.ts';
import type { Logger } from '../log/index.ts';
import { silentLogger } from '../log/index.ts';
import type { TurnLogic } from './adapter.ts';
import type { Conversation, Incoming, Outgoing } from './conversation.ts';
import type { ConversationRefStore, StoredReference, TeamsIdentity } from './ports.ts';

/** Sent when Teams refused a reply as too large (413 MessageSizeTooBig) after the turn's work was done. */
export const REPLY_TOO_LARGE =
  'That is done, but Teams found my reply too large to show. The Disputes tab shows the dispute in full; type "my disputes" for the list.';

/** Sent when the Bot Connector refused a reply for another reason (throttled, unavailable). */
export const REPLY_NOT_DELIVERED =
  'That is done, but Teams did not take my reply. Type "my disputes" to see where things stand.';

export interface TurnHandlerOptions {
  readonly conversation: Conversation;
  readonly refs: ConversationRefStore;
  readonly log?: Logger;
}

export function createTurnHandler(options: TurnHandlerOptions): TurnLogic {
  const { conversation, refs } = options;
  const log = (options.log ?? silentLogger()).child({ component: 'bot-turn' });

  async function remember(context: TurnContext, identity: TeamsIdentity): Promise<void> {
    if (
      context.activity.conversation?.conversationType &&
      context.activity.conversation.conversationType !== 'personal'
    )
      return;
    const reference = TurnContext.getConversationReference(context.activity) as StoredReference;
    const real = await conversation.realPerson(identity);
    const acting = await conversation.actingPerson(identity);
    for (const person of [real, acting]) {
      if (person)
        await refs.save({ personId: person.id, aadObjectId: identity.aadObjectId ?? null, reference });
    }
  }

  return async (context) => {
    const activity = context.activity;
    const identity: TeamsIdentity = {
      aadObjectId: activity.from?.aadObjectId,
      teamsUserId: activity.from?.id,
    };
    const incoming = toIncoming(context, identity);
    if (!incoming) return;
    if (incoming.kind !== 'install' || activity.from?.id) await remember(context, identity);
    const out = await conversation.handle(incoming);
    // Check `remember` again after "act as": the new persona's cards must come to this chat too.
    if (incoming.kind === 'message' && /^\s*act as/i.test(incoming.text)) await remember(context, identity);
    await deliver(context, incoming, out, log);
    log.debug({ kind: incoming.kind, sent: out.send.length, updated: !!out.update }, 'turn handled');
  };
}

function toIncoming(context: TurnContext, identity: TeamsIdentity): Incoming | null {
  const a = context.activity;
  if (a.type === ActivityTypes.ConversationUpdate) {
    const added = a.membersAdded ?? [];
    // Welcome once, when the bot itself joins the personal chat (the app was installed).
    if (added.some((m) => m.id === a.recipient?.id))
      return { kind: 'install', identity, userName: a.from?.name ?? null };
    return null;
  }
  if (a.type === ActivityTypes.Invoke && a.name === 'adaptiveCard/action') {
    const action = (a.value as { action?: { verb?: unknown; data?: unknown } } | undefined)?.action;
    const data = isRecord(action?.data) ? action.data : {};
    const verb =
      typeof action?.verb === 'string' ? action.verb : typeof data.verb === 'string' ? data.verb : '';
    return { kind: 'action', identity, verb, data };
  }
  if (a.type === ActivityTypes.Message) {
    if (isRecord(a.value) && typeof a.value.verb === 'string') {
      return { kind: 'action', identity, verb: a.value.verb, data: a.value };
    }
    return { kind: 'message', identity, text: a.text ?? '' };
  }
  return null;
}

/**
 * Runs `send`; if the Bot Connector refuses (an HTTP status), tells the person in a short text that
 * what they did is done, and logs it. Anything else (a bug) goes on to the adapter's turn error.
 */
async function refusedReplyTold(
  context: TurnContext,
  incoming: Incoming,
  log: Logger,
  send: () => Promise<void>,
): Promise<void> {
  try {
    await send();
  } catch (error) {
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status !== 'number') throw error;
    log.warn(
      { status, code: (error as { code?: unknown }).code ?? null, kind: incoming.kind },
      'the Bot Connector refused the reply; the turn itself was done',
    );
    try {
      await context.sendActivity(status === 413 ? REPLY_TOO_LARGE : REPLY_NOT_DELIVERED);
    } catch {
      // The Connector refuses this too: the log line above is what remains.
    }
  }
}

async function deliver(context: TurnContext, incoming: Incoming, out: Outgoing, log: Logger): Promise<void> {
  const a = context.activity;
  await refusedReplyTold(context, incoming, log, async () => {
    for (const item of out.send) {
      if ('text' in item) await context.sendActivity(item.text);
      else await context.sendActivity({ attachments: [CardFactory.adaptiveCard(item.card)] });
    }
  });
  // The invoke's answer is this request's response, not a Connector call: it always goes.
  if (a.type === ActivityTypes.Invoke) {
    const body = out.update
      ? { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: out.update }
      : { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: out.notice ?? 'Done.' };
    await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
    return;
  }
  if (incoming.kind === 'action' && out.update) {
    const card = out.update;
    await refusedReplyTold(context, incoming, log, () => replaceSubmittedCard(context, card));
  }
}

/** Action.Submit fallback: update the card the person submitted from, or post the new card. */
async function replaceSubmittedCard(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
  const replyToId = context.activity.replyToId;
  const attachment = CardFactory.adaptiveCard(card);
  if (replyToId) {
    try {
      await context.updateActivity({ id: replyToId, type: ActivityTypes.Message, attachments: [attachment] });
      return;
    } catch {
      // Channels that cannot update a message: send the new card instead.
    }
  }
  await context.sendActivity({ attachments: [attachment] });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type { ConversationReference };
