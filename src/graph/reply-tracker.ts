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
import { classifyGraphError } from './errors.ts';
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
    if (!ref) {
      processed.add(key);
      log.info({ mailbox, messageId: m.id }, 'message matches no dispute; ignored');
      return false;
    }
    if (isAutomatic(headers)) {
      // An out-of-office or a bounce on the thread is not the counterpart's response.
      processed.add(key);
      log.info(
        { mailbox, messageId: m.id, disputeId: ref.disputeId },
        'automatic reply on a dispute thread; ignored',
      );
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
        ...(candidates.length > 0 ? { inReplyTo: candidates } : {}),
      },
      'email',
    );
    // Only once the event is in: if the store failed, the next catch-up sees the message again.
    processed.add(key);
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

  async function readDelta(start: string): Promise<{ ids: string[]; deltaLink: string | undefined }> {
    let url: string | undefined = start;
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
    return { ids, deltaLink };
  }

  return {
    processMessages,
    async catchUp(mailbox) {
      const m = mailbox.toLowerCase();
      const fresh = `${userPath(m)}/mailFolders('inbox')/messages/delta?$select=id,isDraft,internetMessageId,conversationId`;
      const stored = await options.store.deltaLink(m);
      let ids: string[];
      let deltaLink: string | undefined;
      try {
        ({ ids, deltaLink } = await readDelta(stored ?? fresh));
      } catch (error) {
        // Outlook delta tokens expire (410 SyncStateNotFound): drop the link and sync again.
        if (!stored || classifyGraphError(error).status !== 410) throw error;
        log.warn({ mailbox: m }, 'delta token expired; syncing the inbox again');
        ({ ids, deltaLink } = await readDelta(fresh));
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

/**
 * RFC 3834 `Auto-Submitted`, Exchange's `X-Auto-Response-Suppress`-era markers, and bounces: messages a
 * server wrote, not a person.
 */
export function isAutomatic(headers: ReadonlyMap<string, string>): boolean {
  const autoSubmitted = headers.get('auto-submitted')?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (headers.has('x-autoreply') || headers.has('x-autorespond')) return true;
  const precedence = headers.get('precedence')?.trim().toLowerCase();
  if (precedence && ['auto_reply', 'bulk', 'junk', 'list'].includes(precedence)) return true;
  if (headers.get('content-type')?.toLowerCase().includes('multipart/report')) return true;
  return false;
}
