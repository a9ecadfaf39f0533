/**
 * The whole of Concord, as `npm start` composes it (`createApp`), against the local Microsoft 365
 * emulator seeded from the sample directory, with the test clock, an in-memory PGlite store, and the
 * stand-in Bot Connector for Teams cards. The app's HTTP server listens on a free port that is also
 * its PUBLIC_URL, so the emulator delivers change notifications to the real webhook routes.
 *
 * The emulator side comes from `startGraphHarness` (tests/graph/harness.ts): its `admin` plays the
 * people in the partner councils, and its own Graph client lets a test read what Concord left in a
 * mailbox (extended properties, which the admin API does not show).
 *
 * @example
 * const world = await startConcordApp();
 * await world.app.runtime.service.applyEvent(id, event, { source: 'teams' });
 * await world.close();
 */

import { graphTargetOf, type StartEmulatorOptions, tabSignInOf } from '@concord/m365-emulator';
import { type App, createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { PersonRef } from '../../src/domain/dispute/types.ts';
import type { Logger } from '../../src/log/index.ts';
import type { StoreTarget } from '../../src/store/open-store.ts';
import { type GraphHarness, startGraphHarness } from '../graph/harness.ts';
import { type BotConnector, startBotConnector } from './bot-connector.ts';
import { postCardAction } from './card-action.ts';
import { freePort } from './wait.ts';

/** A message as the emulator's admin API shows it. */
export interface AdminMail {
  id: string;
  folder: string;
  subject: string;
  importance: string;
  from?: { emailAddress: { address: string } };
  toRecipients: { emailAddress: { address: string } }[];
  ccRecipients?: { emailAddress: { address: string } }[];
  body: { content: string };
  text: string;
  internetMessageId?: string;
  conversationId?: string;
  internetMessageHeaders: { name: string; value: string }[];
  eventId: string | null;
  '@odata.type'?: string;
}

/** An event as the emulator's admin API shows it (times in UTC without a zone suffix). */
export interface AdminEvent {
  id: string;
  iCalUId?: string;
  subject: string;
  importance: string;
  isOnlineMeeting?: boolean;
  onlineMeetingProvider?: string;
  onlineMeeting?: { joinUrl?: string } | null;
  isOrganizer?: boolean;
  isCancelled?: boolean;
  transactionId?: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  attendees: { emailAddress: { address: string }; type: string; status?: { response: string } }[];
  organizer?: { emailAddress: { address: string } };
}

export interface ConcordApp {
  readonly h: GraphHarness;
  readonly app: App;
  readonly connector: BotConnector;
  /** http://localhost:PORT: the app's server, also its PUBLIC_URL. */
  readonly url: string;
  /** A directory person as the domain sees them. */
  person(id: string): PersonRef;
  /** The messages in a mailbox (one folder, or all). */
  messages(address: string, folder?: string): Promise<AdminMail[]>;
  /** The events on a person's calendar. */
  events(address: string): Promise<AdminEvent[]>;
  /** Waits for the emulator's webhook deliveries and the app's inbound queue to be done. */
  settleInbound(): Promise<void>;
  close(): Promise<void>;
}

export async function startConcordApp(
  options: {
    emulator?: StartEmulatorOptions;
    dataDir?: string;
    /** The time Graph housekeeping reads (default the system clock). */
    graphNow?: () => Date;
    /** Keep a log of the app's own (default silent). */
    log?: Logger;
    /** A directory file for the app (DIRECTORY_FILE) and the emulator's seed (default the ANE sample). */
    directory?: string;
    /** Another instance's emulator: this app joins it (and leaves it running on close). */
    harness?: GraphHarness;
    /** Default an in-memory PGlite of its own. */
    storeTarget?: StoreTarget;
    /** The URL Graph calls (default the app's own): a load balancer in front of several instances. */
    publicUrl?: string;
    /** The port the app listens on (default a free one). */
    port?: number;
    /** Local mode's chat address for the tab's links (npm start gives the Agents Playground's). */
    localChatUrl?: string;
  } = {},
): Promise<ConcordApp> {
  const shared = options.harness;
  const h =
    shared ??
    (await startGraphHarness({
      ...(options.directory ? { directory: options.directory } : {}),
      ...(options.emulator ?? {}),
    }));
  let connector: BotConnector | undefined;
  let app: App | undefined;
  try {
    connector = await startBotConnector();
    const port = options.port ?? (await freePort());
    const url = `http://localhost:${port}`;
    const config = loadConfig({
      PORT: String(port),
      PUBLIC_URL: options.publicUrl ?? url,
      CLOCK: 'test',
      DATA_DIR: options.dataDir ?? '/tmp/concord-integration-unused',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      ...(options.directory ? { DIRECTORY_FILE: options.directory } : {}),
    });
    app = await createApp({
      config,
      storeTarget: options.storeTarget ?? { engine: 'pglite', dataDir: null },
      // The journey's dates are fixed; the test clock starts just before them, whatever today is.
      testClockStart: new Date('2027-01-04T09:00:00.000Z'),
      pollIntervalMs: 50,
      conversationOpener: connector.conversationOpener,
      // Webhooks carry everything: no periodic delta or meeting polling to hide a lost notification.
      maintenance: false,
      graph: graphTargetOf(h.m365),
      ...(options.directory ? { directoryFile: options.directory } : {}),
      tabSignIn: tabSignInOf(h.m365),
      ...(options.localChatUrl ? { localChatUrl: () => options.localChatUrl } : {}),
      ...(options.graphNow ? { graphNow: options.graphNow } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    await app.listen(port);
    const running = app;
    const bot = connector;
    return {
      h,
      app: running,
      connector: bot,
      url,
      person(id) {
        const p = running.directory.person(id);
        if (!p) throw new Error(`no person ${id} in the directory`);
        return running.directory.personRef(p);
      },
      async messages(address, folder) {
        const query = folder ? `?folder=${encodeURIComponent(folder)}` : '';
        return (
          await h.admin<{ value: AdminMail[] }>(
            'GET',
            `/mailboxes/${encodeURIComponent(address)}/messages${query}`,
          )
        ).value;
      },
      async events(address) {
        return (
          await h.admin<{ value: AdminEvent[] }>('GET', `/mailboxes/${encodeURIComponent(address)}/events`)
        ).value;
      },
      async settleInbound() {
        for (let i = 0; i < 3; i++) {
          await h.m365.notifier.idle();
          await running.inbound.queue.idle();
        }
      },
      async close() {
        await running.stop();
        await bot.close();
        if (!shared) await h.close();
      },
    };
  } catch (error) {
    await app?.stop().catch(() => {});
    await connector?.close().catch(() => {});
    if (!shared) await h.close();
    throw error;
  }
}

/** An event time from the admin API as an instant. */
/**
 * An Action.Execute click as Teams posts it to the app's real `POST /api/messages`, from the directory
 * person `personId`; returns the card the bot puts in place (null when it answers otherwise).
 */
export async function clickAs(
  w: ConcordApp,
  personId: string,
  verb: string,
  data: Record<string, unknown>,
): Promise<Record<string, unknown> | null> {
  const p = w.app.directory.person(personId);
  if (!p?.teamsUserId) throw new Error(`${personId} has no Teams user id`);
  return postCardAction({
    url: w.url,
    serviceUrl: w.connector.serviceUrl,
    personId,
    from: { id: p.teamsUserId, name: p.displayName },
    verb,
    data: { verb, ...data },
  });
}

export function eventInstant(dt: { dateTime: string; timeZone: string }): Date {
  return new Date(dt.timeZone === 'UTC' && !/Z$/.test(dt.dateTime) ? `${dt.dateTime}Z` : dt.dateTime);
}

/** Lower-cased addresses of a recipient list. */
export function addresses(list: readonly { emailAddress: { address: string } }[] | undefined): string[] {
  return (list ?? []).map((r) => r.emailAddress.address.toLowerCase()).sort();
}
