/**
 * Sending a dispute email through Graph, idempotently.
 *
 * 1. Choose the mailbox: the acting manager's own (app-only Mail.Send, scoped by RBAC for
 *    Applications), or the organisation's shared mailbox with the manager copied.
 * 2. Look for an item already tagged with the effect key (extended property filter) in that mailbox:
 *    a sent item means the effect is done; a draft is finished (sent). Only then create a draft. On
 *    the outbox's first attempt (claims count attempts, so a crash or a lapsed lease makes the next
 *    one the second) nothing can be tagged yet, and the look-up is skipped.
 * 3. Create the draft: a reply (`createReply` on the message being answered, found by its
 *    internetMessageId in the mailbox, so In-Reply-To/References are right; a message Concord already
 *    knows, a reply it matched or an email it sent, needs no look-up: `knownMessages`) or a new message.
 *    A new message is tagged (extended properties: effect key, dispute id) at creation. A reply is
 *    tagged by a PATCH straight after `createReply`: Microsoft documents extended properties on
 *    create and update, not inside createReply's `message`. A crash between the two (or a
 *    createReply whose answer was lost) leaves an untagged reply draft; a retry that finds nothing
 *    tagged looks in Drafts for it (same conversation, same subject and recipients, no effect key),
 *    tags it and sends it, and deletes any further copy, rather than making another. Neither create
 *    is retried in-process on 504, which can come after the draft was made.
 * 4. Keep `internetMessageId` and `conversationId`, then `POST …/send`. A reply's tag and its send go
 *    in one sequential `$batch` (the send only once the tag is on; neither the send nor the batch is
 *    sent again after a 504).
 * `send` is asynchronous (202 Accepted; the item reaches Sent Items a moment later), so a retry that
 * finds the tagged item still a draft, modified less than `sendSettleMs` ago, does not send it again:
 * it answers retry-later, and the next attempt finds it sent (or, past that time, sends it: then
 * the first send never went). The draft's age is reckoned on Exchange's clock (the `Date` header of
 * the look-up's answer less the draft's `lastModifiedDateTime`), never Concord's, which may be a test
 * clock days ahead. A draft whose last send this process saw refused outright (429, 503 or 401,
 * answered before Exchange acts) is sent again at once: nothing of it can be on its way.
 * All calls ask for immutable ids, so the draft keeps its id when it moves to Sent Items.
 *
 * The look-ups are in `mail-lookups.ts`, the tag-and-send and the memory of refused sends in
 * `mail-send.ts`; this file decides which of them to run.
 */

import type { Client } from '@microsoft/microsoft-graph-client';
import type { Effect, PersonRef } from '../domain/dispute/types.ts';
import { renderEmail } from '../email/render.ts';
import { emailViewOf } from '../email/wording.ts';
import type { Logger } from '../log/index.ts';
import type { GraphBatch } from './batch.ts';
import { GraphStatusError, isNotFound } from './errors.ts';
import { DISPUTE_HEADER, DISPUTE_ID_PROPERTY, EFFECT_KEY_PROPERTY, IMMUTABLE_IDS, userPath } from './ids.ts';
import type { KnownMessages } from './known-messages.ts';
import { createMailLookups, type MessageJson } from './mail-lookups.ts';
import { CREATE_RETRY, createDraftSender } from './mail-send.ts';
import type { OwnItems } from './own-items.ts';

export type SendEmailEffect = Extract<Effect, { type: 'send-email' }>;

export interface SentMessage {
  /** The mailbox it was sent from. */
  readonly mailbox: string;
  /** Graph's (immutable) item id in that mailbox. */
  readonly messageId: string;
  readonly internetMessageId: string;
  readonly conversationId?: string;
  /** True when this call found the message already sent (a retry). */
  readonly alreadySent: boolean;
  /** True when it went as a reply on the thread (createReply). */
  readonly threaded: boolean;
}

/** Which mailbox sends: the person's own, or their organisation's shared mailbox (with them copied). */
export type SenderPolicy = 'own-mailbox' | 'shared-mailbox';

export interface GraphMailOptions {
  readonly client: Client;
  readonly log: Logger;
  /** Default `own-mailbox`. */
  readonly senderPolicy?: SenderPolicy;
  /** The organisation's shared mailbox, if it has one (from the directory). */
  readonly sharedMailboxOf?: (person: PersonRef) => string | undefined;
  /**
   * The clock a found draft's `lastModifiedDateTime` is compared with only when Graph's answer has no
   * `Date` header (Graph always sends one): Exchange's time, so the system clock (the default), never
   * a test clock.
   */
  readonly now?: () => Date;
  /** How long a tagged draft may still be on its way after `send` (default 2 minutes). */
  readonly sendSettleMs?: number;
  /** Told of every draft Concord makes, so its change notifications need no read. */
  readonly ownItems?: OwnItems;
  /**
   * Messages whose id Concord already knows (replies it matched, emails it sent): the message a
   * reply answers is taken from here rather than looked up by `internetMessageId`.
   */
  readonly knownMessages?: KnownMessages;
  /**
   * With a batch, a reply draft is tagged and sent in one sequential `$batch` (PATCH, then `send`
   * only if the PATCH succeeded) rather than two requests.
   */
  readonly batch?: GraphBatch;
}

/** The answer for a retry that finds the email perhaps still being sent: try again later. */
export class SendInProgressError extends GraphStatusError {
  constructor(retryAfterMs: number) {
    super(
      409,
      'ConcordSendInProgress',
      'the email is still a draft moments after it was sent; checking again later rather than sending twice',
      { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
    );
  }
}

/** The ids a reply to an email names it by. */
export interface SentIds {
  readonly internetMessageId: string;
  readonly conversationId?: string;
}

export interface GraphMail {
  /**
   * `firstAttempt`: the outbox's first claim of this effect, so nothing tagged with its key can exist
   * yet and the look-up is skipped (one request fewer per email). Any retry looks first.
   */
  send(
    effect: SendEmailEffect,
    meta: {
      readonly disputeId: string;
      readonly firstAttempt?: boolean;
      /**
       * Called with the email's ids once they are known and before it is sent, so a reply that
       * comes back before the send's answer (or after a crash that lost it) finds its dispute.
       */
      readonly beforeSend?: (ids: SentIds) => Promise<void>;
    },
  ): Promise<SentMessage>;
}

const PREFER = { Prefer: IMMUTABLE_IDS };
const SEND_SETTLE_MS = 120_000;

export function createGraphMail(options: GraphMailOptions): GraphMail {
  const { client } = options;
  const now = options.now ?? (() => new Date());
  const settleMs = options.sendSettleMs ?? SEND_SETTLE_MS;
  const log = options.log.child({ component: 'graph-mail' });

  function recipients(list: readonly PersonRef[]) {
    return list.map((p) => ({ emailAddress: { address: p.email, name: p.name } }));
  }

  const { findTagged, findByInternetMessageId, untaggedReplyDrafts, readIds } = createMailLookups({
    client,
    now,
  });
  const { sendDraft, tagAndSend, wasRefused } = createDraftSender({ client, batch: options.batch });

  /** `createReply` on the original; an id that is gone (a known message deleted) is looked up once. */
  async function createReply(
    mailbox: string,
    internetMessageId: string,
    original: { id: string },
    message: unknown,
  ): Promise<MessageJson | undefined> {
    const post = (id: string) =>
      client
        .api(`${userPath(mailbox)}/messages/${encodeURIComponent(id)}/createReply`)
        .headers(PREFER)
        .middlewareOptions([CREATE_RETRY])
        .post({ message }) as Promise<MessageJson>;
    try {
      return await post(original.id);
    } catch (error) {
      if (!isNotFound(error) || !options.knownMessages?.find(mailbox, internetMessageId)) throw error;
      options.knownMessages.forget(mailbox, internetMessageId);
      const found = await findByInternetMessageId(mailbox, internetMessageId);
      return found ? post(found.id) : undefined;
    }
  }

  return {
    async send(effect, meta) {
      const shared =
        options.senderPolicy === 'shared-mailbox' ? options.sharedMailboxOf?.(effect.from) : undefined;
      const mailbox = (shared ?? effect.from.email).toLowerCase();
      const cc =
        shared && !effect.cc.some((p) => p.id === effect.from.id) ? [...effect.cc, effect.from] : effect.cc;

      const found = meta.firstAttempt ? undefined : await findTagged(mailbox, effect.key);
      const existing = found?.item;
      if (existing?.isDraft === false && existing.internetMessageId) {
        log.info({ key: effect.key, mailbox }, 'email already sent; nothing to do');
        return sent(mailbox, existing, true, false);
      }

      if (found && existing?.isDraft && !wasRefused(mailbox, existing.id)) {
        // On Exchange's clock: Concord's may be a test clock far from it.
        const age = found.exchangeNow - Date.parse(existing.lastModifiedDateTime ?? '');
        if (Number.isFinite(age) && age < settleMs) {
          log.info(
            { key: effect.key, mailbox },
            'tagged draft found moments after a send; not sending again yet',
          );
          throw new SendInProgressError(settleMs - age);
        }
      }

      let draft = existing;
      let threaded = false;
      if (!draft) {
        const { subject, html } = renderEmail({ template: effect.template, view: emailViewOf(effect) });
        const message = {
          subject,
          importance: effect.importance,
          body: { contentType: 'html', content: html },
          toRecipients: recipients(effect.to),
          ccRecipients: recipients(cc),
          internetMessageHeaders: [{ name: DISPUTE_HEADER, value: meta.disputeId }],
        };
        const tags = {
          singleValueExtendedProperties: [
            { id: EFFECT_KEY_PROPERTY, value: effect.key },
            { id: DISPUTE_ID_PROPERTY, value: meta.disputeId },
          ],
        };
        const replyTo = effect.inReplyTo?.internetMessageId;
        const original = replyTo
          ? (options.knownMessages?.find(mailbox, replyTo) ??
            (await findByInternetMessageId(mailbox, replyTo)))
          : undefined;
        if (original) {
          threaded = true;
          // A retry: an earlier attempt may have made the reply draft and died before tagging it.
          const orphans =
            !meta.firstAttempt && original.conversationId
              ? await untaggedReplyDrafts(mailbox, original.conversationId, subject, effect.to)
              : [];
          const [adopted, ...extra] = orphans;
          for (const copy of extra)
            await client.api(`${userPath(mailbox)}/messages/${encodeURIComponent(copy.id)}`).delete();
          if (adopted)
            log.info({ key: effect.key, mailbox }, 'untagged reply draft from an earlier attempt reused');
          const reply = adopted ?? (await createReply(mailbox, replyTo ?? '', original, message));
          if (reply) {
            options.ownItems?.remember(mailbox, reply.id);
            const withIds = reply.internetMessageId ? reply : await readIds(mailbox, reply.id);
            await announce(meta.beforeSend, withIds);
            await tagAndSend(mailbox, withIds.id, tags);
            log.info({ key: effect.key, mailbox, threaded }, 'email sent');
            return remembered(sent(mailbox, withIds, false, threaded));
          }
          threaded = false;
        }
        if (!draft) {
          if (effect.inReplyTo)
            log.warn(
              { key: effect.key, mailbox },
              'message to reply to is not in the sender’s mailbox; new thread',
            );
          draft = (await client
            .api(`${userPath(mailbox)}/messages`)
            .headers(PREFER)
            .middlewareOptions([CREATE_RETRY])
            .post({ ...message, ...tags })) as MessageJson;
          options.ownItems?.remember(mailbox, draft.id);
        }
      }
      if (!draft.internetMessageId) draft = await readIds(mailbox, draft.id);
      await announce(meta.beforeSend, draft);
      await sendDraft(mailbox, draft.id);
      log.info({ key: effect.key, mailbox, threaded }, 'email sent');
      return remembered(sent(mailbox, draft, false, threaded));
    },
  };

  /** A sent email is a message a later reply (a chase) may answer: its id is kept. */
  function remembered(result: SentMessage): SentMessage {
    if (result.internetMessageId)
      options.knownMessages?.remember(result.mailbox, result.internetMessageId, {
        id: result.messageId,
        ...(result.conversationId ? { conversationId: result.conversationId } : {}),
      });
    return result;
  }
}

/** Hands a draft's ids to `beforeSend`, when there is one and the draft has them. */
async function announce(beforeSend: ((ids: SentIds) => Promise<void>) | undefined, m: MessageJson) {
  if (!beforeSend || !m.internetMessageId) return;
  await beforeSend({
    internetMessageId: m.internetMessageId,
    ...(m.conversationId ? { conversationId: m.conversationId } : {}),
  });
}

function sent(mailbox: string, m: MessageJson, alreadySent: boolean, threaded: boolean): SentMessage {
  return {
    mailbox,
    messageId: m.id,
    internetMessageId: m.internetMessageId ?? '',
    ...(m.conversationId ? { conversationId: m.conversationId } : {}),
    alreadySent,
    threaded,
  };
}
