/**
 * Delivers `send-card` effects proactively: the outbox performer calls `perform` with the effect.
 *
 * - The card is rendered for its recipient from the dispute's state at delivery time and posted
 *   with `continueConversationAsync` on the person's stored conversation reference.
 * - Per slot it keeps the activity id of the card delivered there. A newer card in the same slot
 *   first turns the older one read-only (`updateActivity`), so a stale card cannot act twice.
 * - A person with no conversation reference has never chatted with the bot: the injected
 *   `ConversationOpener` opens one (in the cloud by installing the app through Graph), and the
 *   delivery reports a retryable failure so the outbox tries again once Teams has sent the
 *   install's conversationUpdate. An opener that cannot help until someone acts (the tenant refuses
 *   the install) says so, and the delivery is parked at once with the opener's words for the owner.
 * - Idempotent by effect key: a repeat of a delivered key sends nothing.
 * - A card asked for before the one now in its slot (its effect was retried after a crash, or
 *   waited in a backlog, while the dispute moved on) is not posted: it would turn the newer, live
 *   card read-only and put a card for a step already taken in its place. If that effect's earlier
 *   attempt was interrupted, the slot records the attempt (`supersededSends`), so a copy the
 *   Connector had taken refreshes as "sent again" instead of showing the newer card's buttons.
 * - At-least-once only across one window, which the Bot Connector leaves open (it has no
 *   idempotency key and no way to read a conversation back): a crash after it accepted the POST
 *   and before the slot write that records the activity id commits. Each attempt is written down
 *   first (`sending:<sendId>` under the effect key) and the card's refresh carries that `sendId`.
 *   On recovery, an attempt whose slot write did commit is finished without posting again; one
 *   whose did not is posted again, and the earlier copy, if the Connector had taken it, refreshes
 *   to a read-only "sent again" card (card-freshness.ts) instead of a second live one.
 *
 * @example
 * const sender = createCardSender({ bot, refs, cards, disputes, procedures, opener, clock });
 * const result = await sender.perform(effect); // { ok: true, result: { activityId } }
 */

import { randomUUID } from 'node:crypto';
import { ActivityTypes, CardFactory, type ConversationReference } from 'botbuilder';
import type { AdaptiveCardJson } from '../cards/index.ts';
import { cardViewOf } from '../cards/wording/cards.ts';
import { effectSeq } from '../domain/dispute/keys.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import type { Logger } from '../log/index.ts';
import { silentLogger } from '../log/index.ts';
import type { CardSender, PerformResult, SendCardEffect } from '../runtime/effect-performer.ts';
import type { BotAdapter } from './adapter.ts';
import type {
  BotClock,
  CardStateStore,
  ConversationOpener,
  ConversationRefStore,
  DisputeGateway,
} from './ports.ts';
import { cardForEffect, statusCard, stepKey } from './step-cards.ts';

export interface CardSenderOptions {
  readonly bot: BotAdapter;
  readonly refs: ConversationRefStore;
  readonly cards: CardStateStore;
  readonly disputes: Pick<DisputeGateway, 'get'>;
  readonly procedures: ReadonlyMap<string, ProcedureDefinition>;
  readonly opener: ConversationOpener;
  readonly clock: BotClock;
  readonly log?: Logger;
}

/** The marker written under an effect key before its card is posted; the sendId follows it. */
const SENDING = 'sending:';

/** How many superseded attempts a slot remembers (a dispute's step rarely sees more than one). */
const MAX_SUPERSEDED_SENDS = 8;

/** The card with `sendId` in its refresh data, so a refresh can tell this copy from a resend. */
function withSendId(card: AdaptiveCardJson, sendId: string): AdaptiveCardJson {
  const refresh = card.refresh as { action?: { data?: Record<string, unknown> } } | null | undefined;
  if (!refresh?.action?.data) return card;
  return {
    ...card,
    refresh: { ...refresh, action: { ...refresh.action, data: { ...refresh.action.data, send: sendId } } },
  };
}

export function createCardSender(options: CardSenderOptions): CardSender {
  const { bot, refs, cards, disputes, procedures, opener, clock } = options;
  const log = (options.log ?? silentLogger()).child({ component: 'card-sender' });

  async function continueWith(
    reference: Record<string, unknown>,
    logic: Parameters<typeof bot.adapter.continueConversationAsync>[2],
  ) {
    await bot.adapter.continueConversationAsync(
      bot.appId,
      reference as Partial<ConversationReference>,
      logic as never,
    );
  }

  /** Effect keys being delivered by this process right now. */
  const inFlight = new Set<string>();

  async function perform(effect: SendCardEffect): Promise<PerformResult> {
    // The same key claimed again while its first attempt is still under way (its lease ran out on a
    // starved machine) waits for a later retry, which finds it delivered, instead of posting twice.
    if (inFlight.has(effect.key))
      return { ok: false, retryable: true, error: 'card delivery already under way' };
    inFlight.add(effect.key);
    try {
      return await deliver(effect);
    } finally {
      inFlight.delete(effect.key);
    }
  }

  async function deliver(effect: SendCardEffect): Promise<PerformResult> {
    const already = await cards.deliveredAs(effect.key);
    if (already && !already.startsWith(SENDING))
      return { ok: true, result: { activityId: already, repeat: true } };
    if (already) {
      // An attempt was under way when the process stopped. If its slot write committed, the card
      // is out and recorded: finish the bookkeeping and post nothing.
      const slot = await cards.getSlot(effect.slot);
      if (slot?.sendId && slot.sendId === already.slice(SENDING.length)) {
        await cards.markDelivered(effect.key, slot.activityId || 'sent');
        return { ok: true, result: { activityId: slot.activityId, repeat: true } };
      }
    }

    const emittedSeq = effectSeq(effect.key);
    const inSlot = await cards.getSlot(effect.slot);
    if (Number.isInteger(emittedSeq) && inSlot?.emittedSeq !== undefined && inSlot.emittedSeq > emittedSeq) {
      log.info(
        { disputeId: cardViewOf(effect).disputeId, card: effect.card, slot: effect.slot },
        'card not sent: a newer card for the dispute has its place',
      );
      if (already) {
        // This effect's earlier attempt was interrupted, and the Connector may have taken its copy.
        // The slot's newer card names that attempt, so the copy refreshes as sent again and does
        // not show the newer card's buttons beside it.
        const interrupted = already.slice(SENDING.length);
        // Read again just before the write, so a card that took the slot meanwhile is kept.
        const current = (await cards.getSlot(effect.slot)) ?? inSlot;
        const earlier = current.supersededSends ?? [];
        if (!earlier.includes(interrupted))
          await cards.setSlot(effect.slot, {
            ...current,
            supersededSends: [...earlier, interrupted].slice(-MAX_SUPERSEDED_SENDS),
          });
      }
      await cards.markDelivered(effect.key, 'superseded');
      return { ok: true, result: { activityId: null, superseded: true } };
    }

    const view = cardViewOf(effect);
    const state = await disputes.get(view.disputeId);
    const procedure = state ? procedures.get(state.procedureId) : undefined;
    if (!state || !procedure) return { ok: false, retryable: false, error: 'dispute or procedure not found' };

    let reference = await refs.get(effect.to.id);
    if (!reference) {
      const opened = await opener.open(effect.to);
      if (!opened.ok)
        return {
          ok: false,
          retryable: opened.retryable ?? true,
          error: `no conversation; install failed: ${opened.error}`,
          ...(opened.notice ? { notice: opened.notice } : {}),
        };
      reference = await refs.get(effect.to.id);
      if (!reference)
        return { ok: false, retryable: true, error: 'app installed; waiting for the conversation to start' };
    }

    const now = clock.now().toISOString();
    const teamsUserId = (reference as { user?: { id?: unknown } }).user?.id;
    const base = {
      state,
      procedure,
      viewerId: effect.to.id,
      now,
      ...(typeof teamsUserId === 'string' && teamsUserId ? { refreshUserIds: [teamsUserId] } : {}),
    };
    const sendId = randomUUID();
    const rendered = cardForEffect({
      ...base,
      kind: effect.card,
      intent: effect.intent,
      view,
      recipientName: effect.to.name,
    });
    const card = withSendId(rendered, sendId);
    const readOnlyCard = statusCard({
      ...base,
      stale: true,
      title: view.title,
      text: view.text.slice(0, 2),
    });
    await cards.rememberStep(state.id, state.seq, stepKey(state));

    try {
      const previous = inSlot;
      if (previous) {
        await continueWith(previous.reference, async (context) => {
          try {
            await context.updateActivity({
              id: previous.activityId,
              type: ActivityTypes.Message,
              attachments: [CardFactory.adaptiveCard(previous.readOnlyCard)],
            });
          } catch {
            // The old message may be gone; the new card still goes out.
          }
        });
      }
      if (already)
        log.warn(
          { disputeId: state.id, card: effect.card, slot: effect.slot },
          'an earlier attempt did not finish; sending again (any copy it delivered refreshes as sent again)',
        );
      await cards.markDelivered(effect.key, `${SENDING}${sendId}`);
      let activityId = '';
      await continueWith(reference, async (context) => {
        const sent = await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
        activityId = sent?.id ?? '';
      });
      await cards.setSlot(effect.slot, {
        personId: effect.to.id,
        reference,
        activityId,
        readOnlyCard,
        card,
        stepKey: stepKey(state),
        sendId,
        ...(Number.isInteger(emittedSeq) ? { emittedSeq } : {}),
        ...(already ? { supersedes: already.slice(SENDING.length) } : {}),
      });
      await cards.markDelivered(effect.key, activityId || 'sent');
      log.info({ disputeId: state.id, card: effect.card, slot: effect.slot }, 'card delivered');
      return { ok: true, result: { activityId } };
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      const retryable = status === undefined || status >= 500 || status === 429 || status === 408;
      log.warn(
        { disputeId: state.id, status: status ?? null, errorName: (error as Error).name },
        'card delivery failed',
      );
      return { ok: false, retryable, error: `card delivery failed${status ? ` (${status})` : ''}` };
    }
  }

  return { perform };
}
