/**
 * Delivers `send-card` effects proactively: the outbox performer calls `perform` with the effect.
 *
 * - The card is rendered for its recipient from the dispute's state at delivery time and posted
 *   with `continueConversationAsync` on the person's stored conversation reference.
 * - Per slot it keeps the activity id of the card delivered there. A newer card in the same slot
 *   first turns the older one read-only (`updateActivity`), so a stale card cannot act twice.
 * - A person with no conversation reference has never chatted with the bot: the injected
 *   `TeamsInstaller` installs the app for them (Graph), and the delivery reports a retryable
 *   failure so the outbox tries again once Teams has sent the install's conversationUpdate.
 * - Idempotent by effect key: a repeat of a delivered key sends nothing.
 *
 * @example
 * const sender = createCardSender({ bot, refs, cards, disputes, procedures, installer, clock });
 * const result = await sender.perform(effect); // { ok: true, result: { activityId } }
 */

import { ActivityTypes, CardFactory, type ConversationReference } from 'botbuilder';
import { cardViewOf } from '../cards/wording/cards.ts';
import type { Effect } from '../domain/dispute/types.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import type { Logger } from '../log/index.ts';
import { silentLogger } from '../log/index.ts';
import type { PerformResult } from '../runtime/effect-performer.ts';
import type { BotAdapter } from './adapter.ts';
import type {
  BotClock,
  CardStateStore,
  ConversationRefStore,
  DisputeGateway,
  TeamsInstaller,
} from './ports.ts';
import { cardForEffect, statusCard, stepKey } from './step-cards.ts';

export type SendCardEffect = Extract<Effect, { type: 'send-card' }>;

export interface CardSenderOptions {
  readonly bot: BotAdapter;
  readonly refs: ConversationRefStore;
  readonly cards: CardStateStore;
  readonly disputes: Pick<DisputeGateway, 'get'>;
  readonly procedures: ReadonlyMap<string, ProcedureDefinition>;
  readonly installer: TeamsInstaller;
  readonly clock: BotClock;
  readonly log?: Logger;
}

export interface CardSender {
  perform(effect: SendCardEffect): Promise<PerformResult>;
}

export function createCardSender(options: CardSenderOptions): CardSender {
  const { bot, refs, cards, disputes, procedures, installer, clock } = options;
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

  async function perform(effect: SendCardEffect): Promise<PerformResult> {
    const already = await cards.deliveredAs(effect.key);
    if (already) return { ok: true, result: { activityId: already, repeat: true } };

    const view = cardViewOf(effect);
    const state = await disputes.get(view.disputeId);
    const procedure = state ? procedures.get(state.procedureId) : undefined;
    if (!state || !procedure) return { ok: false, retryable: false, error: 'dispute or procedure not found' };

    let reference = await refs.get(effect.to.id);
    if (!reference) {
      const installed = await installer.install(effect.to);
      if (!installed.ok)
        return { ok: false, retryable: true, error: `no conversation; install failed: ${installed.error}` };
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
    const card = cardForEffect({
      ...base,
      kind: effect.card,
      intent: effect.intent,
      view,
      recipientName: effect.to.name,
    });
    const readOnlyCard = statusCard({
      ...base,
      stale: true,
      title: view.title,
      text: view.text.slice(0, 2),
    });
    await cards.rememberStep(state.id, state.seq, stepKey(state));

    try {
      const previous = await cards.getSlot(effect.slot);
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
