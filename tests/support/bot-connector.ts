/**
 * A stand-in Bot Connector for tests that run the whole app: a local HTTP server that records the
 * activities the bot posts (and the updates it makes), plus a conversation opener that "installs" the
 * app for anyone by storing a conversation reference pointing here. With it, `send-card` effects
 * are delivered by the real card sender and never wait for a chat that does not exist.
 *
 * @example
 * const connector = await startBotConnector();
 * const app = await createApp({ config, graph, conversationOpener: connector.conversationOpener });
 * // … connector.cardsTo('ane-team-manager')
 * await connector.close();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConversationOpener, ConversationRefStore } from '../../src/bot/ports.ts';

/** One request the bot made to the connector. */
export interface ConnectorCall {
  readonly method: string;
  readonly path: string;
  /** The Authorization header (cloud mode: the bot's Bot Framework token). */
  readonly authorization?: string;
  readonly body: { type?: string; attachments?: { contentType?: string; content: unknown }[] };
}

/** A card the bot sent (POST) or replaced in place (PUT), with the person whose chat it went to. */
export interface DeliveredCard {
  readonly method: 'POST' | 'PUT';
  readonly personId: string;
  readonly conversationId: string;
  readonly card: Record<string, unknown>;
}

export interface BotConnector {
  /** The serviceUrl conversation references carry. */
  readonly serviceUrl: string;
  readonly calls: readonly ConnectorCall[];
  /** Requests refused as too large (413 MessageSizeTooBig), never delivered. */
  readonly refused: readonly { method: string; path: string; bytes: number }[];
  /** Every card delivered, in order. */
  cards(): DeliveredCard[];
  /** New cards (POSTs) delivered into the person's chat. */
  cardsTo(personId: string): DeliveredCard[];
  /** Every card in the person's chat, sent or replaced in place, in order. */
  deliveriesTo(personId: string): DeliveredCard[];
  /** For `createApp({ conversationOpener })`: stores a reference to this connector for the person. */
  readonly conversationOpener: (deps: { refs: ConversationRefStore }) => ConversationOpener;
  /** The people the opener was asked to open a conversation with, in order. */
  readonly installed: readonly string[];
  close(): Promise<void>;
}

const CONVERSATION_PREFIX = 'conv-';

/** See the size check in the request handler. */
export const MESSAGE_LIMIT_UTF16_BYTES = 80 * 1024;

/** The conversation a person's cards go to. */
export const conversationOf = (personId: string) => `${CONVERSATION_PREFIX}${personId}`;

export async function startBotConnector(): Promise<BotConnector> {
  const calls: ConnectorCall[] = [];
  const refused: { method: string; path: string; bytes: number }[] = [];
  const installed: string[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      // Teams refuses a bot message over about 100 KB counted in UTF-16 (a JS string's length is its
      // UTF-16 code units) with 413 MessageSizeTooBig, and recommends staying within 80 KB ("Format
      // your bot messages"); the stand-in refuses past 80 KB, so a card that grows with a person's
      // disputes or a dispute's record fails here before it fails in Teams.
      if (body.length * 2 > MESSAGE_LIMIT_UTF16_BYTES) {
        refused.push({ method: req.method ?? '', path: req.url ?? '', bytes: body.length * 2 });
        res.statusCode = 413;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            error: { code: 'MessageSizeTooBig', message: 'Message size is larger than the limit.' },
          }),
        );
        return;
      }
      calls.push({
        method: req.method ?? '',
        path: req.url ?? '',
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        body: body ? JSON.parse(body) : {},
      });
      n += 1;
      const id = req.method === 'PUT' ? decodeURIComponent((req.url ?? '').split('/').pop() ?? '') : `a-${n}`;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const cards = (): DeliveredCard[] =>
    calls.flatMap((call) => {
      const match = /^\/v3\/conversations\/([^/]+)\/activities/.exec(call.path);
      const conversationId = match ? decodeURIComponent(match[1] as string) : '';
      const content = call.body.attachments?.[0]?.content;
      if (!conversationId.startsWith(CONVERSATION_PREFIX) || !content) return [];
      if (call.method !== 'POST' && call.method !== 'PUT') return [];
      return [
        {
          method: call.method,
          personId: conversationId.slice(CONVERSATION_PREFIX.length),
          conversationId,
          card: content as Record<string, unknown>,
        },
      ];
    });

  return {
    serviceUrl,
    calls,
    refused,
    cards,
    cardsTo: (personId) => cards().filter((c) => c.method === 'POST' && c.personId === personId),
    deliveriesTo: (personId) => cards().filter((c) => c.personId === personId),
    installed,
    conversationOpener: ({ refs }) => ({
      async open(person) {
        installed.push(person.id);
        await refs.save({
          personId: person.id,
          aadObjectId: null,
          reference: {
            channelId: 'msteams',
            serviceUrl,
            conversation: { id: conversationOf(person.id), conversationType: 'personal' },
            bot: { id: 'concord-bot', name: 'Concord' },
            user: { id: `teams-${person.id}`, name: person.name },
          },
        });
        return { ok: true };
      },
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
