/**
 * Concord's Graph side, wired for `createApp`: the client (app-only, client credentials), and over
 * it the effect performer (mail, meetings, Teams cards through the card sender) and the inbound side
 * (subscriptions, replies and meeting responses becoming dispute events).
 *
 * @example
 * const graph = connectGraph(target);
 * const { performer, inbound, meetings } = wireGraph({ graph, runtime, directory, cards, publicUrl, graphNow, log });
 */
import type { DirectoryService } from '../directory/directory-service.ts';
import { createAppTokenProvider, graphScopeFor } from '../graph/auth.ts';
import { createGraphBatch } from '../graph/batch.ts';
import { createGraphCalendar } from '../graph/calendar.ts';
import { createGraphClient } from '../graph/client.ts';
import { createGraphEffectPerformer } from '../graph/graph-performer.ts';
import { createGraphInbound, type GraphInbound } from '../graph/inbound.ts';
import { createKnownMessages } from '../graph/known-messages.ts';
import { createGraphMail } from '../graph/mail.ts';
import { createMailboxHealth } from '../graph/mailbox-health.ts';
import { createMeetingTracker, type MeetingTracker } from '../graph/meeting-tracker.ts';
import { createMeetingBooker } from '../graph/meetings.ts';
import { createOwnItems } from '../graph/own-items.ts';
import type { DisputeEventSink } from '../graph/ports.ts';
import { createReplyTracker } from '../graph/reply-tracker.ts';
import { createSubscriptionManager } from '../graph/subscriptions.ts';
import type { Logger } from '../log/index.ts';
import type { CardSender, EffectPerformer } from '../runtime/effect-performer.ts';
import type { Runtime } from '../runtime/runtime.ts';
import {
  createStoreMeetingIndex,
  createStoreMessageIndex,
  createStoreSubscriptionStore,
} from '../store/adapters/graph-ports.ts';
import { createStoreNotificationQueue } from '../store/adapters/notification-queue.ts';

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

export type GraphConnection = ReturnType<typeof connectGraph>;

/** The Graph client, its `$batch` and calendar helpers, and the mailbox-id aliasing they share. */
export function connectGraph(graph: GraphTarget) {
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
  return { client, api, batch, calendar, learnMailboxId };
}

export function wireGraph(options: {
  readonly graph: GraphConnection;
  readonly runtime: Runtime;
  readonly directory: DirectoryService;
  readonly cards: CardSender;
  readonly publicUrl: string;
  /** The time subscription expiry and mailbox retries are reckoned in (Graph's real time). */
  readonly graphNow: () => Date;
  readonly log: Logger;
}): { performer: EffectPerformer; inbound: GraphInbound; meetings: MeetingTracker } {
  const { graph, runtime, directory, publicUrl, graphNow, log } = options;
  const { api, batch, calendar, learnMailboxId } = graph;
  const clockNow = () => runtime.clock.now();
  const messageIndex = createStoreMessageIndex(runtime.store);
  const meetingIndex = createStoreMeetingIndex(runtime.store);
  const subscriptionStore = createStoreSubscriptionStore(runtime.store);
  const ownItems = createOwnItems();
  const knownMessages = createKnownMessages();
  const performer = createGraphEffectPerformer({
    mail: createGraphMail({
      client: api,
      log,
      ownItems,
      knownMessages,
      batch,
      // An organisation whose directory entry says `sendFrom: "shared-mailbox"` sends from its
      // shared mailbox with the acting manager copied; everyone else from their own mailbox.
      senderPolicy: 'shared-mailbox',
      sharedMailboxOf: (person) => sendingMailboxOf(directory, person),
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
    cards: options.cards,
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
  const meetings = createMeetingTracker({ calendar, index: meetingIndex, sink, now: clockNow, log });
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
    meetings,
    batch,
    watchedMailboxes: () => directory.watchedMailboxes(),
    queueStore: createStoreNotificationQueue(runtime.store),
    log,
  });
  return { performer, inbound, meetings };
}

/** The shared mailbox a person's emails go from, when their organisation sends from one. */
export function sendingMailboxOf(
  directory: Pick<DirectoryService, 'organisation' | 'personByEmail'>,
  person: { readonly email: string; readonly organisationId?: string },
): string | undefined {
  const organisationId = person.organisationId ?? directory.personByEmail(person.email)?.organisation;
  const org = organisationId ? directory.organisation(organisationId) : undefined;
  return org?.sendFrom === 'shared-mailbox' && org.tenant === 'host' ? org.sharedMailbox : undefined;
}
