/**
 * The `EffectPerformer` the outbox worker calls: send-email, book-meeting and cancel-meeting through
 * Graph; send-card through the Teams bot's `cards` port. Failures come back as values, classified
 * (errors.ts): 429/503/504/network → retryable with Retry-After; 400/403/404 → park.
 *
 * Events fed back: `message-sent` (effect key, kind, internetMessageId, conversationId) after an
 * email; `meeting-booked` or `meeting-unbookable` after booking. Emails are remembered in the
 * `MessageIndex` before they are sent, so replies find their dispute.
 */
import type { DisputeEvent } from '../domain/dispute/types.ts';
import type { Logger } from '../log/index.ts';
import type { CardSender, EffectPerformer } from '../runtime/effect-performer.ts';
import { classifyGraphError } from './errors.ts';
import type { GraphMail } from './mail.ts';
import type { MeetingBooker } from './meetings.ts';
import type { MessageIndex } from './ports.ts';

export interface GraphEffectPerformerOptions {
  readonly mail: GraphMail;
  readonly meetings: MeetingBooker;
  readonly index: MessageIndex;
  readonly cards?: CardSender;
  readonly log: Logger;
}

export function createGraphEffectPerformer(options: GraphEffectPerformerOptions): EffectPerformer {
  const log = options.log.child({ component: 'graph-performer' });
  return {
    async perform(effect, meta) {
      try {
        switch (effect.type) {
          case 'send-email': {
            // The email's ids are recorded before it is sent: a reply can come back before the
            // send's answer does, and a crash in between would otherwise leave it unmatched.
            let recorded: string | undefined;
            const remember = async (ids: { internetMessageId: string; conversationId?: string }) => {
              await options.index.remember({ ...ids, disputeId: meta.disputeId });
              recorded = ids.internetMessageId;
            };
            const sent = await options.mail.send(effect, {
              disputeId: meta.disputeId,
              firstAttempt: meta.attempt === 1,
              beforeSend: remember,
            });
            if (recorded !== sent.internetMessageId)
              await remember({
                internetMessageId: sent.internetMessageId,
                ...(sent.conversationId ? { conversationId: sent.conversationId } : {}),
              });
            if (effect.kind === 'notice') return { ok: true, result: ids(sent) };
            const event: DisputeEvent = {
              type: 'message-sent',
              effectKey: effect.key,
              kind: effect.kind,
              internetMessageId: sent.internetMessageId,
              ...(sent.conversationId ? { conversationId: sent.conversationId } : {}),
            };
            return { ok: true, result: ids(sent), events: [event] };
          }
          case 'book-meeting': {
            const booking = await options.meetings.book(effect, {
              disputeId: meta.disputeId,
              firstAttempt: meta.attempt === 1,
            });
            if (booking.kind === 'unbookable')
              return {
                ok: true,
                result: { unbookable: true },
                events: [{ type: 'meeting-unbookable', effectKey: effect.key, reason: booking.reason }],
              };
            return {
              ok: true,
              result: { eventId: booking.eventId, alternatives: booking.alternatives },
              events: [
                {
                  type: 'meeting-booked',
                  effectKey: effect.key,
                  eventId: booking.eventId,
                  start: booking.start,
                  end: booking.end,
                  ...(booking.joinUrl ? { joinUrl: booking.joinUrl } : {}),
                  ...(booking.onlineLinkMissing ? { onlineLinkMissing: true } : {}),
                  alternatives: booking.alternatives.map((slot) => slot.start),
                },
              ],
            };
          }
          case 'cancel-meeting':
            return { ok: true, result: { outcome: await options.meetings.cancel(effect) } };
          case 'send-card':
            if (!options.cards)
              return { ok: false, retryable: false, error: 'no Teams card sender configured' };
            return options.cards.perform(effect, meta);
        }
      } catch (error) {
        const failure = classifyGraphError(error);
        log.warn(
          { key: meta.key, type: effect.type, status: failure.status, retryable: failure.retryable },
          'effect failed',
        );
        return {
          ok: false,
          retryable: failure.retryable,
          ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
          error: failure.message,
        };
      }
    },
  };
}

function ids(sent: {
  mailbox: string;
  messageId: string;
  internetMessageId: string;
  conversationId?: string;
}) {
  return {
    mailbox: sent.mailbox,
    messageId: sent.messageId,
    internetMessageId: sent.internetMessageId,
    ...(sent.conversationId ? { conversationId: sent.conversationId } : {}),
  };
}
