/**
 * Reply tracking: turns messages arriving in watched inboxes into `reply-received` events.
 *
 * For each message (read in `$batch`es of up to 20, immutable ids, text bodies):
 * - skip drafts, and copies of Concord's own emails (their internetMessageId is in the index);
 * - match it to a dispute by `In-Reply-To`, then `References` (newest first), then `conversationId`,
 *   against the internetMessageIds / conversationIds of emails Concord sent (`MessageIndex`);
 * - strip quoted history (email-reply-parser) and emit `reply-received` through the sink.
 * A message that matches no dispute is ignored and logged by id only: never its subject or content.
 * The same message is processed once per process (webhook and delta may both see it); `decide`
 * refuses any duplicate that slips through.
 *
 * `catchUp(mailbox)` runs a delta query on the inbox from the stored delta link (or from scratch),
 * pages to the end, processes what is new and stores the new delta link. It runs at start, on a
 * `missed` lifecycle event, and whenever the scheduler calls `catchUpAll`.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { replyText } from '../email/reply-text.ts';
import type { Logger } from '../log/index.ts';
import type { GraphBatch } from './batch.ts';
import { IMMUTABLE_IDS, userPath } from './ids.ts';
import type { DisputeEventSink, MessageIndex, SubscriptionStore } from './ports.ts';

export interface ReplyTrackerOptions {
  readonly client: Client;
  readonly batch: GraphBatch;
  readonly index: MessageIndex;
  readonly sink: DisputeEventSink;
  readonly store: Pick<SubscriptionStore, 'deltaLink' | 'setDeltaLink'>;
  readonly log: Logger;
}

export interface ReplyTracker {
  processMessages(
    mailbox: string,
    messageIds: readonly string[],
  ): Promise<{ matched: number; ignored: number }>;
  catchUp(mailbox: string): Promise<{ matched: number; ignored: number; seen: number }>;
}

interface GraphMessage {
  id: string;
  isDraft?: boolean;
  internetMessageId?: string;
  conversationId?: string;
  from?: { emailAddress?: { address?: string } };
  body?: { contentType: string; content: string };
  uniqueBody?: { contentType: string; content: string };
  internetMessageHeaders?: { name: string; value: string }[];
}

const SELECT = 'id,isDraft,internetMessageId,conversationId,from,body,uniqueBody,internetMessageHeaders';
const PREFER = `${IMMUTABLE_IDS}, outlook.body-content-type="text"`;

export function createReplyTracker(options: ReplyTrackerOptions): ReplyTracker {
  const { client, batch, index, sink } = options;
  const log = options.log.child({ component: 'reply-tracker' });
  const processed = new Set<string>();

  async function handle(mailbox: string, m: GraphMessage): Promise<boolean> {
    if (m.isDraft || !m.internetMessageId) return false;
    const key = `${mailbox}|${m.internetMessageId.toLowerCase()}`;
    if (processed.has(key)) return false;
    if (await index.isOwn(m.internetMessageId)) {
      processed.add(key);
      return false;
    }
    const headers = new Map((m.internetMessageHeaders ?? []).map((h) => [h.name.toLowerCase(), h.value]));
    const candidates = [
      ...messageIds(headers.get('in-reply-to')),
      ...messageIds(headers.get('references')).reverse(),
    ];
    let ref: Awaited<ReturnType<MessageIndex['lookup']>>;
    for (const internetMessageId of candidates) {
      ref = await index.lookup({ internetMessageId });
      if (ref) break;
    }
    if (!ref && m.conversationId) ref = await index.lookup({ conversationId: m.conversationId });
    processed.add(key);
    if (!ref) {
      log.info({ mailbox, messageId: m.id }, 'message matches no dispute; ignored');
      return false;
    }
    // Graph's uniqueBody is the part new to this message; strip history anyway (not every server fills it).
    const body = m.uniqueBody?.content ? m.uniqueBody : (m.body ?? { contentType: 'text', content: '' });
    await sink.emit(
      ref.disputeId,
      {
        type: 'reply-received',
        internetMessageId: m.internetMessageId,
        ...(m.conversationId ? { conversationId: m.conversationId } : {}),
        fromEmail: (m.from?.emailAddress?.address ?? '').toLowerCase(),
        text: replyText(body),
      },
      'email',
    );
    log.info({ mailbox, messageId: m.id, disputeId: ref.disputeId }, 'reply matched');
    return true;
  }

  async function processMessages(mailbox: string, ids: readonly string[]) {
    let matched = 0;
    let ignored = 0;
    const unique = [...new Set(ids)];
    if (unique.length === 0) return { matched, ignored };
    const responses = await batch.run(
      unique.map((id, i) => ({
        id: String(i),
        method: 'GET' as const,
        url: `${userPath(mailbox)}/messages/${encodeURIComponent(id)}?$select=${SELECT}`,
        headers: { Prefer: PREFER },
      })),
    );
    let failed = 0;
    for (const [, response] of [...responses].sort((a, b) => Number(a[0]) - Number(b[0]))) {
      if (response.status === 404) {
        ignored++;
        continue;
      }
      if (response.status >= 400) {
        failed++;
        continue;
      }
      if (await handle(mailbox, response.body as GraphMessage)) matched++;
      else ignored++;
    }
    if (failed > 0) throw new Error(`${failed} message reads failed in ${mailbox}`);
    return { matched, ignored };
  }

  return {
    processMessages,
    async catchUp(mailbox) {
      const m = mailbox.toLowerCase();
      let url: string | undefined =
        (await options.store.deltaLink(m)) ??
        `${userPath(m)}/mailFolders('inbox')/messages/delta?$select=id,isDraft,internetMessageId,conversationId`;
      const ids: string[] = [];
      let deltaLink: string | undefined;
      while (url) {
        const page = (await client
          .api(url)
          .headers({ Prefer: `${IMMUTABLE_IDS}, odata.maxpagesize=50` })
          .get()) as {
          value?: (GraphMessage & { '@removed'?: unknown })[];
          '@odata.nextLink'?: string;
          '@odata.deltaLink'?: string;
        };
        for (const item of page.value ?? []) if (!item['@removed'] && !item.isDraft) ids.push(item.id);
        url = page['@odata.nextLink'];
        deltaLink = page['@odata.deltaLink'] ?? deltaLink;
      }
      const result = await processMessages(m, ids);
      if (deltaLink) await options.store.setDeltaLink(m, deltaLink);
      return { ...result, seen: ids.length };
    },
  };
}

/** The `<…>` message ids in an In-Reply-To or References header. */
function messageIds(value: string | undefined): string[] {
  return value ? [...value.matchAll(/<[^<>\s]+>/g)].map((m) => m[0]) : [];
}
