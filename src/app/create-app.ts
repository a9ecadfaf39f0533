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
import { currentBankHolidays } from '../calendar-feed/bank-holidays-feed.ts';
import { compileTemplates, TEMPLATES } from '../cards/index.ts';
import type { TemplateName } from '../cards/view-models.ts';
import type { Config } from '../config/index.ts';
import { directoryContextFor } from '../directory/decide-context.ts';
import { createDirectoryService, type DirectoryService } from '../directory/directory-service.ts';
import { decide } from '../domain/dispute/decide.ts';
import type { GraphInbound } from '../graph/inbound.ts';
import { createGraphUsers } from '../graph/users.ts';
import type { Logger } from '../log/index.ts';
import { silentLogger } from '../log/index.ts';
import { loadProcedures } from '../procedures/index.ts';
import { systemClock } from '../runtime/clock.ts';
import type { EffectPerformer } from '../runtime/effect-performer.ts';
import type { PollLoop } from '../runtime/poll-loop.ts';
import { type Runtime, startRuntime } from '../runtime/runtime.ts';
import { runtimeRoutes } from '../server/runtime-routes.ts';
import { type ConcordServer, createServer } from '../server/server.ts';
import { createProcedureVersions, type ProcedureVersions } from '../store/adapters/procedure-versions.ts';
import type { StoreTarget } from '../store/open-store.ts';
import { forgetGraphSubscriptions } from '../store/operations/index.ts';
import { localSignInAllowed, tabRoutes } from '../tab/routes.ts';
import { createSsoVerifier } from '../tab/sso.ts';
import { type ConversationOpenerFactory, wireBot } from './bot-wiring.ts';
import { graphWebhookRoutes } from './graph-webhook-routes.ts';
import { connectGraph, type GraphTarget, wireGraph } from './graph-wiring.ts';
import { type DEFAULT_MAINTENANCE, startMaintenance, warm } from './maintenance.ts';

export type { GraphTarget } from './graph-wiring.ts';
export { DEFAULT_MAINTENANCE } from './maintenance.ts';

export interface AppOptions {
  readonly config: Config;
  readonly graph: GraphTarget;
  /** The directory file; default the config's, else the bundled sample. */
  readonly directoryFile?: string;
  readonly log?: Logger;
  /** Tests: a store of their own. */
  readonly storeTarget?: StoreTarget;
  /** Default: local mode maps people onto the Playground chat; otherwise cards wait for a conversation. */
  readonly conversationOpener?: ConversationOpenerFactory;
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
  const graphConnection = connectGraph(graph);

  // The runtime needs a performer, and the performer's parts (indexes, the card sender) need the
  // runtime's store: the runtime gets a performer that delegates once they exist. Likewise the
  // decide context needs the directory, which loads (and asks Graph for managers) while the store
  // opens and migrates: the two are independent, and run side by side (issue 15: start-up).
  let performer: EffectPerformer | null = null;
  let versions: ProcedureVersions | null = null;
  const directoryReady = (async () => {
    // Managers the directory file does not give come from Graph (`/users/{id}/manager`).
    const loaded = await createDirectoryService({
      directory: directoryFile,
      managers: createGraphUsers({ batch: graphConnection.batch, onUserId: graphConnection.learnMailboxId }),
      log,
    });
    await warm('managers', () => loaded.warmManagers(), log);
    return loaded;
  })();
  // A new dispute takes the bundled (current) version; a running one keeps the exact definition
  // it started under, read back from the store.
  const contextReady = directoryReady.then((loaded) =>
    directoryContextFor({
      directory: loaded,
      procedures,
      versions: () => versions,
      hostOrganisationId: loaded.directory.organisations.find((o) => o.tenant === 'host')?.id ?? '',
    }),
  );
  contextReady.catch(() => {}); // a failed load fails createApp below; nothing else waits for it
  const runtimeReady = startRuntime({
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
    // The runtime's loops may start before the directory has loaded: a dispute's context waits for it.
    contextFor: async (subject) => (await contextReady)(subject),
  });
  const [directory, runtime] = await settleBoth(directoryReady, runtimeReady);
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

  const bot = wireBot({
    config,
    runtime,
    directory,
    procedures,
    api: graphConnection.api,
    graphBaseUrl: graph.baseUrl,
    ...(options.conversationOpener ? { conversationOpener: options.conversationOpener } : {}),
    ...(options.teamsServiceUrl ? { teamsServiceUrl: options.teamsServiceUrl } : {}),
    log,
  });
  const publicUrl = config.publicUrl;
  const wired = wireGraph({
    graph: graphConnection,
    runtime,
    directory,
    cards: bot.cards,
    publicUrl,
    graphNow: options.graphNow ?? (() => systemClock.now()),
    log,
  });
  performer = wired.performer;
  const { inbound } = wired;

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
    statesAsAt: (disputeIds, at) => runtime.service.replayAll(disputeIds, at),
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
      bot.route,
      ...graphWebhookRoutes(inbound),
      ...tabs,
    ],
  });

  let maintenance: PollLoop[] = [];
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
      bot.startReplies();
      await inbound.start();
      // Every card template parsed once, instead of on a person's first turn: once the mailboxes are
      // subscribed (before that, about 1 s of parsing at start delayed them and /readyz, issue 15), one
      // template per turn of the event loop, so a request meanwhile waits for one template at most,
      // and a turn that needs one first compiles it.
      void (async () => {
        for (const name of Object.keys(TEMPLATES) as TemplateName[]) {
          await yieldToEventLoop();
          compileTemplates([name]);
        }
      })();
      if (options.maintenance !== false) {
        maintenance = startMaintenance({
          inbound,
          meetings: wired.meetings,
          directory,
          store: runtime.store,
          log,
          cloud: config.mode === 'cloud',
          ...(options.maintenanceIntervals ? { intervals: options.maintenanceIntervals } : {}),
        });
      }
      return { port: bound.port, url: `http://localhost:${bound.port}` };
    },
    async stop() {
      await Promise.all(maintenance.map((loop) => loop.stop()));
      await inbound.close();
      await bot.close();
      if (listening) await server.close();
      await runtime.stop();
      await graphConnection.client.close();
    },
  };
}

/**
 * Both results, once both have settled. When one fails, the other is still waited for, and a
 * runtime that did start is stopped, so a failed start leaves no store open and no loop running.
 */
async function settleBoth(
  directory: Promise<DirectoryService>,
  runtime: Promise<Runtime>,
): Promise<[DirectoryService, Runtime]> {
  const [d, r] = await Promise.allSettled([directory, runtime]);
  if (d.status === 'fulfilled' && r.status === 'fulfilled') return [d.value, r.value];
  if (r.status === 'fulfilled') await r.value.stop().catch(() => {});
  throw d.status === 'rejected' ? d.reason : (r as PromiseRejectedResult).reason;
}
