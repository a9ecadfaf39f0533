/**
 * An Action.Execute click (or a card's own refresh) as Teams posts it to Concord's real
 * `POST /api/messages`, from a person's personal chat with the bot. Answers with the card the bot
 * puts in place, or null when it answers otherwise.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { conversationOf } from './bot-connector.ts';

export async function postCardAction(options: {
  /** Concord's base URL. */
  readonly url: string;
  /** The stand-in Bot Connector's URL, where the bot answers. */
  readonly serviceUrl: string;
  /** The directory person whose chat it is (the bot keeps the reference of the chat a turn comes from). */
  readonly personId: string;
  readonly from: { readonly id: string; readonly name: string };
  readonly verb: string;
  /** The action's data as the card carries it. */
  readonly data: Record<string, unknown>;
  /** `automatic` for a refresh Teams makes when the card is viewed. */
  readonly trigger?: 'manual' | 'automatic';
}): Promise<Record<string, unknown> | null> {
  const answer = await fetch(`${options.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: options.serviceUrl,
      from: options.from,
      recipient: { id: 'concord-bot', name: 'Concord' },
      conversation: { id: conversationOf(options.personId), conversationType: 'personal' },
      value: {
        action: { type: 'Action.Execute', verb: options.verb, data: options.data },
        ...(options.trigger ? { trigger: options.trigger } : {}),
      },
    }),
  });
  expect(answer.status).toBe(200);
  const body = (await answer.json()) as { type?: string; value?: Record<string, unknown> };
  return body.type === 'application/vnd.microsoft.card.adaptive' ? (body.value ?? null) : null;
}
