/**
 * Reply tracking: turns messages arriving in watched inboxes into `reply-received` events.
 *
 * For each message (read in `$batch`es of up to 20, immutable ids, text bodies):
 * - skip drafts, and copies of Concord's own emails (their internetMessageId is in the index), from
 *   what delta lists, before reading anything;
 * - read headers and metadata first (`$select`, no body), and the body only of a message that
 *   matches a dispute (data minimisation, and the mailbox's throttling budget);
 * - match it to a dispute by `In-Reply-To`, then `References` (newest first), then `conversationId`,
 *   against the internetMessageIds / conversationIds of emails Concord sent (`MessageIndex`);
 * - strip quoted history (email-reply-parser) and emit `reply-received` through the sink.
 * A message that matches no dispute is ignored and logged by id only: never its subject or content.
 * The same message is processed once per process (webhook and delta may both see it); `decide`
 * refuses any duplicate that slips through.
 *
 * `catchUp(mailbox)` runs a delta query on each folder a reply can be filed in on delivery, the Inbox
 * and Junk Email (message delta works per folder: `mailFolders/{id}/messages/delta`), from that
 * folder's stored delta link, pages to the end, processes what is new and stores the folder's new
 * delta link with a watermark (the newest receivedDateTime seen, less an hour). A new round (no link,
 * or Graph answered 410 `SyncStateNotFound` because the token expired) lists only messages created
 * in that folder since the watermark (`changeType=created&$filter=receivedDateTime ge …`), or since
 * `firstSyncDays` ago on the folder's first sync: never a manager's whole mailbox history. It runs at
 * start, on a `missed` lifecycle event, and whenever the scheduler calls `catchUpAll`.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { replyText } from '../email/reply-text.ts';
import type { Logger } from '../log/index.ts';
import type { BatchRequest, BatchResponse, GraphBatch } from './batch.ts';
import { classifyGraphError } from './errors.ts';
import { IMMUTABLE_IDS, userPath } from './ids.ts';
import type { KnownMessages } from './known-messages.ts';
import type { OwnItems } from './own-items.ts';
import type { DisputeEventSink, MessageIndex, SubscriptionStore } from './ports.ts';

export interface ReplyTrackerOptions {
  readonly client: Client;
  readonly batch: GraphBatch;
  readonly index: MessageIndex;
  readonly sink: DisputeEventSink;
  readonly store: Pick<SubscriptionStore, 'deltaLink' | 'setDeltaLink' | 'watermark'>;
  readonly log: Logger;
  /** Concord's idea of now, for the first sync's window. Default the system clock. */
  readonly now?: () => Date;
  /**
   * How far back the first sync of a mailbox (no delta link and no watermark) reads. Default 7 days:
   * a reply answers an email Concord sent, and Concord sends none before it watches the mailbox.
   */
  readonly firstSyncDays?: number;
  /** Drafts and sent items Concord made: their notifications are skipped without a read. */
  readonly ownItems?: OwnItems;
  /** Told of every reply matched, so the acknowledgement on it needs no look-up of the message. */
  readonly knownMessages?: KnownMessages;
}

/**
 * Reads planned for one `$batch` that other reads may share (inbound.ts reads message headers and
 * events together): the requests, and what to do with their answers.
 */
export interface ReadPlan<T> {
  readonly requests: readonly BatchRequest[];
  finish(responses: ReadonlyMap<string, BatchResponse>): Promise<T>;
}

/** One message in one mailbox. */
export interface MessageRef {
  readonly mailbox: string;
  readonly messageId: string;
}

const refKey = (r: MessageRef) => `${r.mailbox.toLowerCase()}|${r.messageId}`;

export interface ReplyTracker {
  /** Messages from several mailboxes, read together (one `$batch` holds up to 20). */
  processAcross(refs: readonly MessageRef[]): Promise<{ matched: number; ignored: number }>;
  /**
   * The same in two steps, so the header reads can share a `$batch` with other reads: the requests
   * for the headers, then `finish` with their answers (which reads the bodies of the replies).
   */
  planAcross(refs: readonly MessageRef[]): ReadPlan<{ matched: number; ignored: number }>;
  processMessages(
    mailbox: string,
    messageIds: readonly string[],
  ): Promise<{ matched: number; ignored: number }>;
  catchUp(mailbox: string): Promise<{ matched: number; ignored: number; seen: number; resynced: boolean }>;
}

interface GraphMessage {
  id: string;
  isDraft?: boolean;
  internetMessageId?: string;
  conversationId?: string;
  receivedDateTime?: string;
  from?: { emailAddress?: { address?: string } };
  body?: { contentType: string; content: string };
  uniqueBody?: { contentType: string; content: string };
  internetMessageHeaders?: { name: string; value: string }[];
}

/**
 * The folders catch-up reads: where Exchange files a reply on delivery. The mailbox-wide subscription
 * also sees mail a rule moves elsewhere, but a lost notification for such a folder is not caught up.
 */
export const CATCH_UP_FOLDERS = ['inbox', 'junkemail'] as const;

/**
 * The store key of a folder's delta link and watermark: the Inbox keeps the bare mailbox (the key
 * links were stored under before catch-up read other folders), any other folder `mailbox/folder`.
 */
export const deltaKey = (mailbox: string, folder: string) =>
  folder === 'inbox' ? mailbox.toLowerCase() : `${mailbox.toLowerCase()}/${folder}`;

/** What delta lists: enough to skip drafts and Concord's own copies without reading anything. */
const DELTA_SELECT = 'id,isDraft,internetMessageId,conversationId,receivedDateTime';
/** The first read of a message: headers and metadata, never its body. */
const HEADERS_SELECT = 'id,isDraft,internetMessageId,conversationId,from,internetMessageHeaders';
/** The second read, only for a message that matches a dispute. */
const BODY_SELECT = 'id,body,uniqueBody';
const PREFER = `${IMMUTABLE_IDS}, outlook.body-content-type="text"`;
/** A resync reads from this long before the newest message seen (clock differences, late delivery). */
const WATERMARK_MARGIN_MS = 60 * 60_000;

/** Graph's answer to a delta token it no longer has: 410 Gone, or a 4xx naming the sync state. */
export function isSyncStateGone(error: unknown): boolean {
  const { status, code } = classifyGraphError(error);
  if (status === 410) return true;
  const c = (code ?? '').toLowerCase();
  return (
    status !== null && status >= 400 && status < 500 && (c === 'syncstatenotfound' || c === 'resyncrequired')
  );
}

type Matched = { m: GraphMessage; disputeId: string; candidates: string[] };

export function createReplyTracker(options: ReplyTrackerOptions): ReplyTracker {
  const { client, batch, index, sink } = options;
  const log = options.log.child({ component: 'reply-tracker' });
  const now = options.now ?? (() => new Date());
  const firstSyncMs = (options.firstSyncDays ?? 7) * 86_400_000;
  const processed = new Set<string>();
  const keyOf = (mailbox: string, internetMessageId: string) =>
    `${mailbox}|${internetMessageId.toLowerCase()}`;

  /** Skips what needs no read at all: drafts, messages already handled, Concord's own copies. */
  async function needsReading(mailbox: string, m: Partial<GraphMessage>): Promise<boolean> {
    if (m.isDraft) return false;
    if (!m.internetMessageId) return true;
    const key = keyOf(mailbox, m.internetMessageId);
    if (processed.has(key)) return false;
    if (await index.isOwn(m.internetMessageId)) {
      processed.add(key);
      return false;
    }
    return true;
  }

  /** Matches one message by its headers; undefined when it is not a reply on a dispute thread. */
  async function match(mailbox: string, m: GraphMessage): Promise<Matched | undefined> {
    if (!(await needsReading(mailbox, m)) || !m.internetMessageId) return undefined;
    const key = keyOf(mailbox, m.internetMessageId);
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
      return undefined;
    }
    if (isAutomatic(headers)) {
      // An out-of-office or a bounce on the thread is not the counterpart's response.
      processed.add(key);
      log.info(
        { mailbox, messageId: m.id, disputeId: ref.disputeId },
        'automatic reply on a dispute thread; ignored',
      );
      return undefined;
    }
    return { m, disputeId: ref.disputeId, candidates };
  }

  const readRequests = (items: readonly MessageRef[], select: string): BatchRequest[] =>
    items.map((item, i) => ({
      id: String(i),
      method: 'GET' as const,
      url: `${userPath(item.mailbox)}/messages/${encodeURIComponent(item.messageId)}?$select=${select}`,
      headers: { Prefer: PREFER },
    }));

  /** The answers to `readRequests(items)`: 404s are left out, any other failure throws. */
  function readAnswers(items: readonly MessageRef[], responses: ReadonlyMap<string, BatchResponse>) {
    const found = new Map<string, GraphMessage>();
    let failed = 0;
    let missing = 0;
    items.forEach((item, i) => {
      const response = responses.get(String(i));
      if (response?.status === 404) missing++;
      else if (!response || response.status >= 400) failed++;
      else found.set(refKey(item), response.body as GraphMessage);
    });
    if (failed > 0)
      throw new Error(
        `${failed} message reads failed in ${[...new Set(items.map((i) => i.mailbox))].join(', ')}`,
      );
    return { found, missing };
  }

  /** GETs each item with `select` in `$batch`es (one batch may name several mailboxes). */
  async function read(items: readonly MessageRef[], select: string) {
    if (items.length === 0) return { found: new Map<string, GraphMessage>(), missing: 0 };
    return readAnswers(items, await batch.run(readRequests(items, select)));
  }

  function planAcross(refs: readonly MessageRef[]): ReadPlan<{ matched: number; ignored: number }> {
    const seen = new Set<string>();
    const unique = refs
      .map((r) => ({ mailbox: r.mailbox.toLowerCase(), messageId: r.messageId }))
      .filter((r) => !seen.has(refKey(r)) && seen.add(refKey(r)));
    const own = unique.filter((r) => options.ownItems?.has(r.mailbox, r.messageId));
    if (own.length) {
      unique.splice(0, unique.length, ...unique.filter((r) => !own.includes(r)));
      log.debug({ skipped: own.length }, 'notifications about Concord’s own drafts or sent items; not read');
    }
    return {
      // 1. Headers and metadata only.
      requests: readRequests(unique, HEADERS_SELECT),
      finish: (responses) => afterHeaders(unique, readAnswers(unique, responses), own.length),
    };
  }

  async function afterHeaders(
    unique: readonly MessageRef[],
    headers: { found: Map<string, GraphMessage>; missing: number },
    skipped: number,
  ) {
    let ignored = skipped + headers.missing;
    let matched = 0;
    const hits: (Matched & { ref: MessageRef })[] = [];
    for (const ref of unique) {
      const m = headers.found.get(refKey(ref));
      if (!m) continue;
      const hit = await match(ref.mailbox, m);
      if (hit) hits.push({ ...hit, ref });
      else ignored++;
    }
    // 2. The body, only of a message that answers a dispute.
    const bodies = await read(
      hits.map((h) => h.ref),
      BODY_SELECT,
    );
    for (const { m, disputeId, candidates, ref } of hits) {
      const withBody = bodies.found.get(refKey(ref));
      if (!withBody || !m.internetMessageId) {
        ignored++;
        continue;
      }
      // Graph's uniqueBody is the part new to this message; strip history anyway (not every server fills it).
      const body = withBody.uniqueBody?.content
        ? withBody.uniqueBody
        : (withBody.body ?? { contentType: 'text', content: '' });
      await sink.emit(
        disputeId,
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
      processed.add(keyOf(ref.mailbox, m.internetMessageId));
      options.knownMessages?.remember(ref.mailbox, m.internetMessageId, {
        id: m.id,
        ...(m.conversationId ? { conversationId: m.conversationId } : {}),
      });
      matched++;
      log.info({ mailbox: ref.mailbox, messageId: m.id, disputeId }, 'reply matched');
    }
    return { matched, ignored };
  }

  async function processAcross(refs: readonly MessageRef[]) {
    const plan = planAcross(refs);
    const responses = plan.requests.length > 0 ? await batch.run(plan.requests) : new Map();
    return plan.finish(responses);
  }

  const processMessages = (mailbox: string, ids: readonly string[]) =>
    processAcross(ids.map((messageId) => ({ mailbox, messageId })));

  async function readDelta(start: string) {
    let url: string | undefined = start;
    const items: GraphMessage[] = [];
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
      for (const item of page.value ?? []) if (!item['@removed']) items.push(item);
      url = page['@odata.nextLink'];
      deltaLink = page['@odata.deltaLink'] ?? deltaLink;
    }
    return { items, deltaLink };
  }

  /**
   * A new round: messages created in the folder and received at or after `from`, listed by id and
   * metadata only (message delta supports `changeType` and `$filter=receivedDateTime ge {value}`).
   */
  const freshRound = (mailbox: string, folder: string, from: Date) =>
    `${userPath(mailbox)}/mailFolders('${folder}')/messages/delta?changeType=created` +
    `&$filter=${encodeURIComponent(`receivedDateTime ge ${from.toISOString()}`)}&$select=${DELTA_SELECT}`;

  async function catchUpFolder(m: string, folder: string) {
    const key = deltaKey(m, folder);
    const stored = await options.store.deltaLink(key);
    const kept = await options.store.watermark(key);
    const from = kept ? new Date(kept) : new Date(now().getTime() - firstSyncMs);
    let round: Awaited<ReturnType<typeof readDelta>>;
    let resynced = false;
    try {
      round = await readDelta(stored ?? freshRound(m, folder, from));
    } catch (error) {
      // Outlook delta tokens expire (410 SyncStateNotFound): drop the link and sync again from the
      // watermark. What was already handled is skipped; the core refuses a reply it already has.
      if (!stored || !isSyncStateGone(error)) throw error;
      log.warn(
        { mailbox: m, folder, from: from.toISOString() },
        'delta token expired; syncing again from the watermark',
      );
      resynced = true;
      round = await readDelta(freshRound(m, folder, from));
    }
    const toRead: string[] = [];
    let newest = from.getTime();
    for (const item of round.items) {
      const received = Date.parse(item.receivedDateTime ?? '');
      if (!Number.isNaN(received)) newest = Math.max(newest, received - WATERMARK_MARGIN_MS);
      if (await needsReading(m, item)) toRead.push(item.id);
    }
    const result = await processMessages(m, toRead);
    if (round.deltaLink)
      await options.store.setDeltaLink(key, round.deltaLink, new Date(newest).toISOString());
    return {
      matched: result.matched,
      ignored: result.ignored + (round.items.length - toRead.length),
      seen: round.items.length,
      resynced,
    };
  }

  return {
    processMessages,
    processAcross,
    planAcross,
    async catchUp(mailbox) {
      const m = mailbox.toLowerCase();
      const total = { matched: 0, ignored: 0, seen: 0, resynced: false };
      // One folder after the other: each keeps its own link, so a failure in the second leaves the
      // first's progress stored, and the mailbox's retry starts the second again.
      for (const folder of CATCH_UP_FOLDERS) {
        const r = await catchUpFolder(m, folder);
        total.matched += r.matched;
        total.ignored += r.ignored;
        total.seen += r.seen;
        total.resynced ||= r.resynced;
      }
      return total;
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
