/**
 * A complete Graph side wired the way the app wires it, against the emulator: directory service,
 * mail, calendar, meetings, trackers, subscriptions, webhooks served by a local node:http server
 * (the same functions the app mounts on /api/graph/notifications and /api/graph/lifecycle), and an
 * event sink that records what would go to `applyEvent`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StartEmulatorOptions } from '@concord/m365-emulator';
import { createDirectoryService, type DirectoryService } from '../../src/directory/directory-service.ts';
import type { DisputeEvent, EventSource, PersonRef } from '../../src/domain/dispute/types.ts';
import { createGraphBatch, type GraphBatch } from '../../src/graph/batch.ts';
import { createGraphCalendar, type GraphCalendar } from '../../src/graph/calendar.ts';
import { createGraphEffectPerformer } from '../../src/graph/graph-performer.ts';
import { createGraphInbound, type GraphInbound } from '../../src/graph/inbound.ts';
import { createKnownMessages, type KnownMessages } from '../../src/graph/known-messages.ts';
import { createGraphMail, type GraphMail } from '../../src/graph/mail.ts';
import { createMeetingTracker, type MeetingTracker } from '../../src/graph/meeting-tracker.ts';
import { createMeetingBooker, type MeetingBooker } from '../../src/graph/meetings.ts';
import {
  createMemoryMeetingIndex,
  createMemoryMessageIndex,
  createMemorySubscriptionStore,
} from '../../src/graph/memory-ports.ts';
import { createOwnItems } from '../../src/graph/own-items.ts';
import type { MeetingIndex, MessageIndex, SubscriptionStore } from '../../src/graph/ports.ts';
import { createReplyTracker, type ReplyTracker } from '../../src/graph/reply-tracker.ts';
import { createSubscriptionManager, type SubscriptionManager } from '../../src/graph/subscriptions.ts';
import { createGraphUsers } from '../../src/graph/users.ts';
import type { EffectPerformer } from '../../src/runtime/effect-performer.ts';
import { type GraphHarness, log, SAMPLE_DIRECTORY, startGraphHarness } from './harness.ts';

export interface Fed {
  disputeId: string;
  event: DisputeEvent;
  source: EventSource;
}

export interface GraphWorld {
  h: GraphHarness;
  directory: DirectoryService;
  batch: GraphBatch;
  mail: GraphMail;
  calendar: GraphCalendar;
  booker: MeetingBooker;
  performer: EffectPerformer;
  replies: ReplyTracker;
  meetings: MeetingTracker;
  subscriptions: SubscriptionManager;
  /** Where the subscription manager keeps its records (and the delta links). */
  subscriptionStore: SubscriptionStore;
  inbound: GraphInbound;
  messageIndex: MessageIndex;
  meetingIndex: MeetingIndex;
  /** Messages whose ids the mail adapter takes without a look-up (replies matched, emails sent). */
  knownMessages: KnownMessages;
  fed: Fed[];
  /** Webhook requests received (path and status answered). */
  webhookHits: { path: string; status: number }[];
  webhookUrl: string;
  /** What the trackers think "now" is (defaults to real time). */
  clock: { offsetMs: number };
  person(id: string): PersonRef;
  /** Waits until the webhook queue is drained and the emulator has delivered everything. */
  settle(): Promise<void>;
  waitFor(predicate: (fed: Fed) => boolean, timeoutMs?: number): Promise<Fed>;
  close(): Promise<void>;
}

export async function startGraphWorld(
  options: {
    emulator?: StartEmulatorOptions;
    startInbound?: boolean;
    /** A directory file for both Concord and the emulator (default the ANE sample). */
    directory?: string;
  } = {},
): Promise<GraphWorld> {
  const h = await startGraphHarness({
    ...(options.directory ? { directory: options.directory } : {}),
    ...(options.emulator ?? {}),
  });
  const api = h.graph.api;
  const clock = { offsetMs: 0 };
  const now = () => new Date(Date.now() + clock.offsetMs);
  const batch = createGraphBatch({ api, sleep: (ms) => new Promise((r) => setTimeout(r, ms / 100)) });
  const directory = await createDirectoryService({
    directory: options.directory ?? SAMPLE_DIRECTORY,
    managers: createGraphUsers({ batch }),
  });
  const messageIndex = createMemoryMessageIndex();
  const meetingIndex = createMemoryMeetingIndex();
  const store = createMemorySubscriptionStore();
  const fed: Fed[] = [];
  const waiters: { predicate: (f: Fed) => boolean; resolve: (f: Fed) => void }[] = [];
  const sink = {
    async emit(disputeId: string, event: DisputeEvent, source: EventSource) {
      const item = { disputeId, event, source };
      fed.push(item);
      for (const w of [...waiters])
        if (w.predicate(item)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(item);
        }
    },
  };
  const knownMessages = createKnownMessages();
  // As the app wires it: the drafts Concord makes are its own, and their notifications need no read.
  const ownItems = createOwnItems();
  const mail = createGraphMail({
    client: api,
    log,
    now,
    batch,
    knownMessages,
    ownItems,
    sharedMailboxOf: (p) => directory.organisation(p.organisationId)?.sharedMailbox,
  });
  const calendar = createGraphCalendar({ client: api, batch });
  const booker = createMeetingBooker({
    calendar,
    index: meetingIndex,
    workingHours: (org) => directory.workingHours(org),
    workingCalendar: (org) => directory.calendar(org),
    directory: {
      isHostTenant: (email) => directory.isHostTenant(email),
      organisations: directory.directory.organisations,
    },
    now,
    log,
  });
  const graphPerformer = createGraphEffectPerformer({ mail, meetings: booker, index: messageIndex, log });
  // Exchange sends asynchronously (the emulator's default `sendDelayMs`): an email the performer sent
  // reaches its recipients a moment later, so the world waits for that before it answers, as a test
  // that then reads the recipient's inbox needs. A failed attempt is answered at once (a send that
  // may still be on its way is what its retry must cope with).
  const performer: EffectPerformer = {
    async perform(effect, meta) {
      const result = await graphPerformer.perform(effect, meta);
      if (result.ok && effect.type === 'send-email') await h.m365.notifier.idle();
      return result;
    },
  };
  const replies = createReplyTracker({
    client: api,
    batch,
    index: messageIndex,
    sink,
    store,
    knownMessages,
    ownItems,
    log,
  });
  const meetings = createMeetingTracker({ calendar, index: meetingIndex, sink, now, log });

  const webhookHits: { path: string; status: number }[] = [];
  let inbound: GraphInbound | undefined;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = Buffer.concat(chunks).toString('utf8');
    const handler =
      url.pathname === '/api/graph/lifecycle'
        ? inbound?.webhooks.handleLifecycle
        : url.pathname === '/api/graph/notifications'
          ? inbound?.webhooks.handleNotification
          : undefined;
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    const result = await handler(body, url.searchParams);
    webhookHits.push({ path: url.pathname, status: result.status });
    res.writeHead(result.status, { 'content-type': result.contentType }).end(result.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const subscriptions = createSubscriptionManager({
    client: api,
    store,
    notificationUrl: `${webhookUrl}/api/graph/notifications`,
    lifecycleUrl: `${webhookUrl}/api/graph/lifecycle`,
    now,
    log,
  });
  const watched = () => [
    'team.manager@ane.example',
    'service.manager@ane.example',
    'head.of.service@ane.example',
  ];
  inbound = createGraphInbound({ subscriptions, replies, meetings, watchedMailboxes: watched, batch, log });
  if (options.startInbound !== false) await inbound.start();
  const world: GraphWorld = {
    h,
    directory,
    batch,
    mail,
    calendar,
    booker,
    performer,
    replies,
    meetings,
    subscriptions,
    subscriptionStore: store,
    inbound,
    messageIndex,
    meetingIndex,
    knownMessages,
    fed,
    webhookHits,
    webhookUrl,
    clock,
    person(id) {
      const p = directory.person(id);
      if (!p) throw new Error(`no person ${id}`);
      return directory.personRef(p);
    },
    async settle() {
      for (let i = 0; i < 3; i++) {
        await h.m365.notifier.idle();
        await (inbound as GraphInbound).queue.idle();
      }
    },
    waitFor(predicate, timeoutMs = 8000) {
      const existing = fed.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for a fed event')), timeoutMs);
        waiters.push({
          predicate,
          resolve: (f) => {
            clearTimeout(timer);
            resolve(f);
          },
        });
      });
    },
    async close() {
      await inbound?.close();
      await h.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return world;
}
