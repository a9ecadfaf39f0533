/**
 * The Teams bot, wired for `createApp`: its ports over the store, the conversation, the reply outbox
 * (local mode), the card sender the effect performer posts cards through, and the `/api/messages`
 * route. A conversation with a person who has none yet is opened by the `conversationOpener` (in the
 * cloud: installing the Teams app through Graph; local mode: mapped onto the Agents Playground's chat).
 *
 * @example
 * const bot = wireBot({ config, runtime, directory, procedures, api, graphBaseUrl, log });
 * server routes: [bot.route]; after listen: bot.startReplies(); on stop: await bot.close();
 */
import { type BotReplyJob, botRoute, createBotAdapter, deliverReply } from '../bot/adapter.ts';
import { createCardSender } from '../bot/card-sender.ts';
import { createConversation, localModePolicy } from '../bot/conversation.ts';
import { directoryPeople } from '../bot/directory-people.ts';
import { memoryActingAs } from '../bot/memory-ports.ts';
import type { ConversationOpener, ConversationRefStore, PeopleDirectory } from '../bot/ports.ts';
import { createStorePorts } from '../bot/store-adapters.ts';
import { createTurnHandler } from '../bot/teams-bot.ts';
import type { Config } from '../config/index.ts';
import type { DirectoryService } from '../directory/directory-service.ts';
import type { GraphClient } from '../graph/client.ts';
import { createTeamsAppInstaller } from '../graph/teams-app-installer.ts';
import { createWorkQueue, DEFAULT_QUEUE } from '../graph/work-queue.ts';
import type { Logger } from '../log/index.ts';
import type { ProcedureDefinition } from '../procedures/index.ts';
import type { CardSender } from '../runtime/effect-performer.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Route } from '../server/server.ts';
import { createStoreNotificationQueue } from '../store/adapters/notification-queue.ts';
import { openByInstallingTheApp, playgroundOpener, waitForConversation } from './conversation-openers.ts';
import { createReplyOutboxStore } from './reply-outbox.ts';

export type ConversationOpenerFactory = (deps: {
  refs: ConversationRefStore;
  people: PeopleDirectory;
}) => ConversationOpener;

export interface WiredBot {
  readonly route: Route;
  readonly cards: CardSender;
  /** Local mode: starts delivering the replies waiting in the outbox. */
  startReplies(): void;
  close(): Promise<void>;
}

export function wireBot(options: {
  readonly config: Config;
  readonly runtime: Runtime;
  readonly directory: DirectoryService;
  readonly procedures: ReadonlyMap<string, ProcedureDefinition>;
  readonly api: GraphClient['api'];
  readonly graphBaseUrl: string;
  readonly conversationOpener?: ConversationOpenerFactory;
  /** Tests: the Bot Connector a first proactive message goes to (default Teams' global endpoint). */
  readonly teamsServiceUrl?: string;
  readonly log: Logger;
}): WiredBot {
  const { config, runtime, directory, procedures, log } = options;
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
    ? createTeamsAppInstaller({
        client: options.api,
        manifestId: config.teamsAppId,
        graphBaseUrl: options.graphBaseUrl,
      })
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
  const opener = (options.conversationOpener ?? defaultOpener)({ refs: ports.refs, people });
  const cards = createCardSender({
    bot,
    refs: ports.refs,
    cards: ports.cards,
    disputes: ports.disputes,
    procedures,
    opener,
    clock: runtime.clock,
    log,
  });
  return {
    route: botRoute({ bot, logic: createTurnHandler({ conversation, refs: ports.refs, log }), log }),
    cards,
    startReplies() {
      if (bot.replies) replyQueue.start();
    },
    close: () => replyQueue.close(),
  };
}
