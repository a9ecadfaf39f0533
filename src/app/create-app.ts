/**
 * The composition root: store + runtime (scheduler, outbox, test clock), the directory
 * service, Graph (mail, meetings, reply and response tracking), the Teams bot, and the HTTP server,
 * wired together from the config. `npm start` (tools/local/start.ts), production
 * (src/app/main.ts) and the end-to-end tests use it.
 *
 * Graph is whatever `graph` names: the local Microsoft 365 emulator in local mode, or (when given
 * app credentials) the real thing. Delivery of Teams cards goes through the bot's card sender; a
 * conversation with a person who has none yet is opened by the `conversationOpener` (in the cloud:
 * installing the Teams app through Graph; local mode: mapped onto the Agents Playground's chat).
 *
 * @example
 * const app = await createApp({ config, graph: { baseUrl, authorityHost, tenantId, clientId, clientSecret, customHosts } });
 * await app.listen();
 * // … await app.stop();
 */

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type BotReplyJob, botRoute, createBotAdapter, deliverReply } from '../bot/adapter.ts';
import { createCardSender } from '../bot/card-sender.ts';
import { createConversation, localModePolicy } from '../bot/conversation.ts';
import { directoryPeople } from '../bot/directory-people.ts';
import { memoryActingAs } from '../bot/memory-ports.ts';
import type { ConversationOpener, ConversationRefStore, PeopleDirectory } from '../bot/ports.ts';
import { createStorePorts } from '../bot/store-adapters.ts';
import { createTurnHandler } from '../bot/teams-bot.ts';
import { currentBankHolidays, refreshBankHolidays } from '../calendar-feed/bank-holidays-feed.ts';
import { compileTemplates, TEMPLATES } from '../cards/index.ts';
import type { TemplateName } from '../cards/view-models.ts';
import type { Config } from '../config/index.ts';
import { directoryContextFor } from '../directory/decide-context.ts';
import { createDirectoryService, type DirectoryService } from '../directory/directory-service.ts';
import { decide } from '../domain/dispute/decide.ts';
import { createAppTokenProvider, graphScopeFor } from '../graph/auth.ts';
import { createGraphBatch } from '../graph/batch.ts';
import { createGraphCalendar } from '../graph/calendar.ts';
import { createGraphClient } from '../graph/client.ts';
import { createGraphEffectPerformer } from '../graph/graph-performer.ts';
import { createGraphInbound, type GraphInbound } from '../graph/inbound.ts';
import { createKnownMessages } from '../graph/known-messages.ts';
import { createGraphMail } from '../graph/mail.ts';
import { createMailboxHealth } from '../graph/mailbox-health.ts';
import { createMeetingTracker } from '../graph/meeting-tracker.ts';
import { createMeetingBooker } from '../graph/meetings.ts';
import { createOwnItems } from '../graph/own-items.ts';
import type { DisputeEventSink } from '../graph/ports.ts';
import { createReplyTracker } from '../graph/reply-tracker.ts';
import { createSubscriptionManager } from '../graph/subscriptions.ts';
import { createTeamsAppInstaller } from '../graph/teams-app-installer.ts';
import { createGraphUsers } from '../graph/users.ts';
import { createWorkQueue, DEFAULT_QUEUE } from '../graph/work-queue.ts';
import type { Logger } from '../log/index.ts';
import { silentLogger } from '../log/index.ts';
import { loadProcedures } from '../procedures/index.ts';
import { systemClock } from '../runtime/clock.ts';
import type { EffectPerformer } from '../runtime/effect-performer.ts';
import { type PollLoop, startPollLoop } from '../runtime/poll-loop.ts';
import { type Runtime, startRuntime } from '../runtime/runtime.ts';
import { runtimeRoutes } from '../server/runtime-routes.ts';
import { type ConcordServer, createServer } from '../server/server.ts';
import {
  createStoreMeetingIndex,
  createStoreMessageIndex,
  createStoreSubscriptionStore,
} from '../store/adapters/graph-ports.ts';
import { createStoreNotificationQueue } from '../store/adapters/notification-queue.ts';
import { createProcedureVersions, type ProcedureVersions } from '../store/adapters/procedure-versions.ts';
import type { StoreTarget } from '../store/open-store.ts';
import { forgetGraphSubscriptions, pruneCardState } from '../store/operations/index.ts';
import { localSignInAllowed, tabRoutes } from '../tab/routes.ts';
import { createSsoVerifier } from '../tab/sso.ts';
import { openByInstallingTheApp, playgroundOpener, waitForConversation } from './conversation-openers.ts';
import { graphWebhookRoutes } from './graph-webhook-routes.ts';
import { createReplyOutboxStore } from './reply-outbox.ts';

/** Where Graph is and how Concord signs in to it (app-only, client credentials). */
export interface GraphTarget {
  readonly baseUrl: string;
  readonly authorityHost: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly customHosts?: readonly string[];
  /** A PEM CA Graph's certificate chains to besides the public roots (local mode: the emulator's). */
  readonly extraCa?: string;
}

export interface AppOptions {
  readonly config: Config;
  readonly graph: GraphTarget;
  /** The directory file; default the config's, else the bundled sample. */
  readonly directoryFile?: string;
  readonly log?: Logger;
  /** Tests: a store of their own. */
  readonly storeTarget?: StoreTarget;
  /** Default: local mode maps people onto the Playground chat; otherwise cards wait for a conversation. */
  readonly conversationOpener?: (deps: {
    refs: ConversationRefStore;
    people: PeopleDirectory;
  }) => ConversationOpener;
  readonly pollIntervalMs?: number;
  /** Tests: the Bot Connector a first proactive message goes to (default Teams' global endpoint). */
  readonly teamsServiceUrl?: string;
  /** With CLOCK=test: where a brand-new test clock starts (default: the real time now). */
  readonly testClockStart?: Date;
  /**
   * Local mode: the emulator starts empty on every run, so the subscriptions and delta cursors kept
   * from a previous run point at nothing. Forget them before subscribing again.
   */
  readonly forgetGraphSubscriptions?: boolean;
  /**
   * The time subscription expiry and mailbox retries are reckoned in (Graph's real time, whatever the
   * test clock says). Default the system clock; tests move it to reach renewal time.
   */
  readonly graphNow?: () => Date;
  /** Graph housekeeping loops after `listen` (default on). */
  readonly maintenance?: boolean;
  readonly maintenanceIntervals?: Partial<typeof DEFAULT_MAINTENANCE>;
  /**
   * Local mode only: a Teams SSO token for a directory person's address and the tab's audience, from
   * the local Microsoft 365's issuer, so the tab opens in a browser. Ignored with BOT_ID or in production.
   */
  readonly tabSignIn?: (email: string, audience: string) => Promise<string>;
  /**
   * Local mode only: where the chat with Concord is (the Agents Playground's address, known once it
   * has started), for the tab's "act on the card" links. Without it, local mode's tab says that the
   * chat is the Agents Playground rather than linking to Teams, which local mode does not reach.
   */
  readonly localChatUrl?: () => string | undefined;
}

/** How often Graph housekeeping runs. Webhooks do the real-time work; these are the safety nets. */
export const DEFAULT_MAINTENANCE = {
  /** Subscriptions last at most 10,080 minutes; renewal looks for those expiring soon. */
  renewMs: 60 * 60_000,
  /** A failing mailbox's next try is due (each has its own backoff; this is only how often to look). */
  mailboxRetryMs: 15_000,
  /** Inbox delta and meeting-response polling, for notifications that never arrived. */
  catchUpMs: 15 * 60_000,
  managersMs: 24 * 60 * 60_000,
  /** GOV.UK publishes new years' holidays (and one-offs) months ahead; weekly is plenty. */
  bankHolidaysMs: 7 * 24 * 60 * 60_000,
  /** Card steps of ended disputes and delivery markers of done effects (see pruneCardState). */
  cardStatePruneMs: 24 * 60 * 60_000,
} as const;

export interface App {
  readonly runtime: Runtime;
  readonly server: ConcordServer;
  readonly directory: DirectoryService;
  readonly inbound: GraphInbound;
  /** Starts listening on `port` (default the config's) and subscribes to the watched mailboxes. */
  listen(port?: number): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

export const SAMPLE_DIRECTORY = 'directory/sample-ane.json';

export async function createApp(options: AppOptions): Promise<App> {
  const { config, graph } = options;
  const log = options.log ?? silentLogger();
  if (config.clock === 'test' && config.bot) {
    // /dev/clock has no authentication: anyone who can reach it can fire every deadline.
    log.warn(
      { clock: 'test' },
      'CLOCK=test with BOT_ID set: /dev/clock is open; never do this on a reachable host',
    );
  }
  const procedures = loadProcedures();
  const directoryFile = options.directoryFile ?? config.directoryFile ?? SAMPLE_DIRECTORY;
  // Graph.
  const client = createGraphClient({
    baseUrl: graph.baseUrl,
    auth: createAppTokenProvider({
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      credential: { kind: 'secret', secret: graph.clientSecret },
      authorityHost: graph.authorityHost,
      scope: graphScopeFor(graph.baseUrl),
    }),
    ...(graph.customHosts ? { customHosts: graph.customHosts } : {}),
    ...(graph.extraCa ? { extraCa: graph.extraCa } : {}),
  });
  const api = client.api;
  const batch = createGraphBatch({ api, limiter: client.limiter });
  const calendar = createGraphCalendar({ client: api, batch });
  // One limiter key per mailbox: object ids learnt from Graph are aliases of the address.
  const learnMailboxId = (mailbox: string, id: string) => client.limiter.alias(id, mailbox);
  // Managers the directory file does not give come from Graph (`/users/{id}/manager`).
  const directory = await createDirectoryService({
    directory: directoryFile,
    managers: createGraphUsers({ batch, onUserId: learnMailboxId }),
    log,
  });
  const hostOrg = directory.directory.organisations.find((o) => o.tenant === 'host')?.id ?? '';
  await warm('managers', () => directory.warmManagers(), log);

  // The runtime needs a performer, and the performer's parts (indexes, the card sender) need the
  // runtime's store: the runtime gets a performer that delegates once they exist.
  let performer: EffectPerformer | null = null;
  let runtimeRef: Runtime | null = null;
  let versions: ProcedureVersions | null = null;
  const clockNow = () => (runtimeRef ? runtimeRef.clock.now() : systemClock.now());

  const runtime = await startRuntime({
    config,
    decide,
    performer: {
      perform: (effect, meta) =>
        performer
          ? performer.perform(effect, meta)
          : Promise.resolve({ ok: false, retryable: true, error: 'Concord is still starting' }),
    },
    log,
    ...(options.storeTarget ? { storeTarget: options.storeTarget } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.testClockStart ? { testClockStart: options.testClockStart } : {}),
    // A new dispute takes the bundled (current) version; a running one keeps the exact definition
    // it started under, read back from the store.
    contextFor: directoryContextFor({
      directory,
      procedures,
      versions: () => versions,
      hostOrganisationId: hostOrg,
    }),
  });
  runtimeRef = runtime;
  versions = createProcedureVersions(runtime.store);
  // Bank holidays: the bundled data, plus the newest GOV.UK copy kept in the store (if any).
  try {
    const holidays = await currentBankHolidays(runtime.store);
    if (holidays.fetchedAt) directory.useBankHolidays(holidays.feed);
  } catch (error) {
    log.warn(
      { error: error instanceof Error ? error.name : 'error' },
      'stored bank holidays unreadable; using the bundled data',
    );
  }
  // Saving every bundled version up front means an edited file with an unchanged version is refused
  // at start, before any running dispute could pick up changed rules.
  for (const procedure of procedures.values()) await versions.register(procedure);
  const messageIndex = createStoreMessageIndex(runtime.store);
  const meetingIndex = createStoreMeetingIndex(runtime.store);
  const subscriptionStore = createStoreSubscriptionStore(runtime.store);

  // The Teams bot.
  const ports = createStorePorts({ store: runtime.store, service: runtime.service });
  const people = directoryPeople(directory);
  const localPolicy = localModePolicy(config);
  // Local mode: a turn's replies are delivered after the turn is answered, so a serviceUrl that
  // refuses connections never holds it; one whose delivery failed waits in the store's outbox.
  const replyQueue = createWorkQueue<BotReplyJob>({
    store: createReplyOutboxStore(createStoreNotificationQueue<BotReplyJob>(runtime.store, 'bot_replies'), {
      capacity: DEFAULT_QUEUE.capacity,
    }),
    handle: (job) => deliverReply(bot, job),
    keyOf: (job) => job.id,
    // One at a time, oldest first: replies arrive in the order the turn sent them.
    concurrency: 1,
    batch: 8,
    log: log.child({ component: 'bot-replies' }),
  });
  const bot = createBotAdapter({ bot: config.bot, log, replies: replyQueue });
  const conversation = createConversation({
    people,
    disputes: ports.disputes,
    drafts: ports.drafts,
    cards: ports.cards,
    procedures,
    clock: runtime.clock,
    actingAs: localPolicy.allowed ? memoryActingAs() : null,
    localMode: localPolicy,
    log,
  });
  const appInstaller = config.teamsAppId
    ? createTeamsAppInstaller({ client: api, manifestId: config.teamsAppId, graphBaseUrl: graph.baseUrl })
    : null;
  const defaultOpener = localPolicy.allowed
    ? playgroundOpener
    : appInstaller
      ? config.bot
        ? openByInstallingTheApp(appInstaller, {
            id: config.bot.id,
            tenantId: config.bot.tenantId,
            serviceUrl: options.teamsServiceUrl,
          })
        : waitForConversation
      : waitForConversation;
  const opener = (options.conversationOpener ?? defaultOpener)({
    refs: ports.refs,
    people,
  });
  const cardSender = createCardSender({
    bot,
    refs: ports.refs,
    cards: ports.cards,
    disputes: ports.disputes,
    procedures,
    opener,
    clock: runtime.clock,
    log,
  });
  const ownItems = createOwnItems();
  const knownMessages = createKnownMessages();
  performer = createGraphEffectPerformer({
    mail: createGraphMail({
      client: api,
      log,
      ownItems,
      knownMessages,
      batch,
    }),
    meetings: createMeetingBooker({
      calendar,
      index: meetingIndex,
      workingHours: (org) => directory.workingHours(org),
      workingCalendar: (org) => directory.calendar(org),
      directory: {
        isHostTenant: (email) => directory.isHostTenant(email),
        organisations: directory.directory.organisations,
      },
      now: clockNow,
      log,
    }),
    index: messageIndex,
    cards: cardSender,
    log,
  });

  // Inbound Graph: replies and meeting responses become events.
  const sink: DisputeEventSink = {
    async emit(disputeId, event, source) {
      const result = await runtime.service.applyEvent(disputeId, event, { source });
      if (!result.ok)
        log.info({ disputeId, refusal: result.refusal.reason, type: event.type }, 'inbound event refused');
    },
  };
  const meetingTracker = createMeetingTracker({ calendar, index: meetingIndex, sink, now: clockNow, log });
  const publicUrl = config.publicUrl;
  const graphNow = options.graphNow ?? (() => systemClock.now());
  const inbound = createGraphInbound({
    subscriptions: createSubscriptionManager({
      client: api,
      store: subscriptionStore,
      notificationUrl: `${publicUrl}/api/graph/notifications`,
      lifecycleUrl: `${publicUrl}/api/graph/lifecycle`,
      now: graphNow,
      onMailboxId: learnMailboxId,
      log,
    }),
    health: createMailboxHealth({ now: graphNow, log }),
    replies: createReplyTracker({
      client: api,
      batch,
      index: messageIndex,
      sink,
      store: subscriptionStore,
      now: graphNow,
      ownItems,
      knownMessages,
      log,
    }),
    meetings: meetingTracker,
    batch,
    watchedMailboxes: () => directory.watchedMailboxes(),
    queueStore: createStoreNotificationQueue(runtime.store),
    log,
  });

  // The Teams tab: SSO tokens from the tenant's issuer (in local mode, the emulator's), for this app.
  // The Application ID URI names the tab's host with its port, as the app package's
  // webApplicationInfo.resource does (src/manifest/build.ts).
  const tabClientId = config.bot?.id ?? graph.clientId;
  const tabAudiences = [tabClientId, `api://${new URL(publicUrl).host}/${tabClientId}`];
  const localTab = localSignInAllowed(config) ? options.tabSignIn : undefined;
  const tabs = tabRoutes({
    store: runtime.store,
    directory,
    procedures,
    now: () => runtime.clock.now(),
    sso: createSsoVerifier({
      authorityHost: config.bot ? config.authorityHost : graph.authorityHost,
      tenantId: config.bot?.tenantId ?? graph.tenantId,
      audiences: tabAudiences,
    }),
    applyEvent: (disputeId, event) => runtime.service.applyEvent(disputeId, event, { source: 'teams' }),
    stateAsAt: (disputeId, at) => runtime.service.replay(disputeId, at),
    botChatUrl: () =>
      config.mode === 'local'
        ? (options.localChatUrl?.() ?? null)
        : `https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(tabClientId)}`,
    ...(localTab ? { localSignIn: (email: string) => localTab(email, tabAudiences[1] as string) } : {}),
  });

  const server = createServer({
    log,
    routes: [
      ...runtimeRoutes(runtime, { mailboxes: () => inbound.problems() }),
      botRoute({ bot, logic: createTurnHandler({ conversation, refs: ports.refs, log }), log }),
      ...graphWebhookRoutes(inbound),
      ...tabs,
    ],
  });

  // Graph housekeeping: subscriptions renewed before they lapse, and the fallbacks for lost
  // notifications (inbox delta, meeting polling), plus the managers Graph knows.
  const maintenance: PollLoop[] = [];
  const every = (name: string, intervalMs: number, job: () => Promise<unknown>) =>
    startPollLoop({
      name,
      intervalMs,
      log,
      tick: async () => {
        await job();
        return 0;
      },
    });

  let listening = false;
  return {
    runtime,
    server,
    directory,
    inbound,
    async listen(port = config.port) {
      if (options.forgetGraphSubscriptions) {
        await forgetGraphSubscriptions(runtime.store.db);
      }
      const bound = await server.listen(port);
      listening = true;
      // Every card template parsed once, instead of on a person's first turn: right after the server
      // listens, one template per turn of the event loop (about 0.7 s in all at start, issue 15), so a
      // request meanwhile waits for one template at most, and a turn that needs one first compiles it.
      void (async () => {
        for (const name of Object.keys(TEMPLATES) as TemplateName[]) {
          await yieldToEventLoop();
          compileTemplates([name]);
        }
      })();
      if (bot.replies) replyQueue.start();
      await inbound.start();
      if (options.maintenance !== false) {
        const m = { ...DEFAULT_MAINTENANCE, ...options.maintenanceIntervals };
        maintenance.push(
          every('graph-renew', m.renewMs, () => inbound.renewDue()),
          every('graph-mailbox-retry', m.mailboxRetryMs, () => inbound.retryDue()),
          every('graph-catch-up', m.catchUpMs, async () => {
            await inbound.catchUpAll();
            await meetingTracker.poll();
          }),
          every('directory-managers', m.managersMs, () =>
            warm('managers', () => directory.refreshManagers(), log),
          ),
          every('card-state-prune', m.cardStatePruneMs, async () => {
            const pruned = await pruneCardState(runtime.store.db);
            if (pruned.steps + pruned.deliveries > 0) log.info(pruned, 'card bookkeeping pruned');
          }),
        );
        // GOV.UK's feed is public; local mode has no internet, so only a cloud deployment refreshes it.
        if (config.mode === 'cloud') {
          maintenance.push(
            every('bank-holidays', m.bankHolidaysMs, () =>
              warm(
                'bank-holidays',
                async () => {
                  await refreshBankHolidays({ store: runtime.store });
                  directory.useBankHolidays((await currentBankHolidays(runtime.store)).feed);
                },
                log,
              ),
            ),
          );
        }
      }
      return { port: bound.port, url: `http://localhost:${bound.port}` };
    },
    async stop() {
      await Promise.all(maintenance.map((loop) => loop.stop()));
      await inbound.close();
      await replyQueue.close();
      if (listening) await server.close();
      await runtime.stop();
      await client.close();
    },
  };
}

/** Runs a Graph warm-up; a failure is logged and retried by the next run, never fatal at start. */
async function warm(what: string, job: () => Promise<void>, log?: Logger): Promise<void> {
  try {
    await job();
  } catch (error) {
    (log ?? silentLogger()).warn(
      { what, error: error instanceof Error ? error.name : 'error' },
      'warm-up failed',
    );
  }
}
