/**
 * The reads `mail.ts` makes before it creates or sends anything, so a retry never sends twice:
 *
 * - `findTagged`: the item tagged with the effect key (extended property filter), a sent one first,
 *   with Exchange's time when it answered (the `Date` header), so a draft's age is reckoned on
 *   Exchange's clock, never Concord's.
 * - `findByInternetMessageId`: the message a reply answers, in the sender's mailbox.
 * - `untaggedReplyDrafts`: reply drafts an earlier attempt made but never tagged.
 * - `readIds`: an item's `internetMessageId` and `conversationId` when its create did not return them.
 *
 * All ask for immutable ids.
 */
import { type Client, ResponseType } from '@microsoft/microsoft-graph-client';
import type { PersonRef } from '../domain/dispute/types.ts';
import { GraphStatusError } from './errors.ts';
import {
  EFFECT_KEY_PROPERTY,
  extendedPropertyFilter,
  filterParam,
  IMMUTABLE_IDS,
  odataString,
  userPath,
} from './ids.ts';

export interface MessageJson {
  id: string;
  isDraft?: boolean;
  lastModifiedDateTime?: string;
  internetMessageId?: string;
  conversationId?: string;
}

export interface DraftJson extends MessageJson {
  subject?: string;
  toRecipients?: { emailAddress?: { address?: string } }[];
  singleValueExtendedProperties?: { id: string; value: string }[];
}

export interface MailLookups {
  findTagged(mailbox: string, key: string): Promise<{ item: MessageJson | undefined; exchangeNow: number }>;
  findByInternetMessageId(
    mailbox: string,
    internetMessageId: string,
  ): Promise<{ id: string; conversationId?: string } | undefined>;
  untaggedReplyDrafts(
    mailbox: string,
    conversationId: string,
    subject: string,
    to: readonly PersonRef[],
  ): Promise<DraftJson[]>;
  readIds(mailbox: string, id: string): Promise<MessageJson>;
}

const PREFER = { Prefer: IMMUTABLE_IDS };

const addressSet = (list: readonly { emailAddress?: { address?: string } }[] | undefined) =>
  [...new Set((list ?? []).map((r) => r.emailAddress?.address?.toLowerCase() ?? ''))].sort().join(';');

export function createMailLookups(options: {
  readonly client: Client;
  readonly now: () => Date;
}): MailLookups {
  const { client, now } = options;

  /**
   * The item tagged with the effect key (a sent one first), and Exchange's time when it answered
   * (its `Date` header), so a draft's age is reckoned on Exchange's clock.
   */
  async function findTagged(
    mailbox: string,
    key: string,
  ): Promise<{ item: MessageJson | undefined; exchangeNow: number }> {
    const response = (await client
      .api(`${userPath(mailbox)}/messages`)
      .headers(PREFER)
      .filter(filterParam(extendedPropertyFilter(EFFECT_KEY_PROPERTY, key)))
      .select('id,isDraft,internetMessageId,conversationId,lastModifiedDateTime')
      .top(5)
      .responseType(ResponseType.RAW)
      .get()) as Response;
    const body = (await response.json().catch(() => ({}))) as {
      value?: MessageJson[];
      error?: { code?: string; message?: string };
    };
    if (!response.ok)
      throw new GraphStatusError(
        response.status,
        body.error?.code ?? null,
        body.error?.message ?? `looking for the tagged email failed (${response.status})`,
        Object.fromEntries(response.headers),
      );
    const date = Date.parse(response.headers.get('date') ?? '');
    const items = body.value ?? [];
    return {
      item: items.find((m) => m.isDraft === false) ?? items[0],
      exchangeNow: Number.isFinite(date) ? date : now().getTime(),
    };
  }

  async function findByInternetMessageId(
    mailbox: string,
    internetMessageId: string,
  ): Promise<{ id: string; conversationId?: string } | undefined> {
    const result = (await client
      .api(`${userPath(mailbox)}/messages`)
      .headers(PREFER)
      .filter(filterParam(`internetMessageId eq ${odataString(internetMessageId)}`))
      .select('id,conversationId')
      .top(1)
      .get()) as { value?: { id: string; conversationId?: string }[] };
    return result.value?.[0];
  }

  /**
   * Reply drafts an earlier attempt made but never tagged: in Drafts, in the conversation, with this
   * email's subject and recipients, and no effect key (each candidate's tag is read with the
   * documented `$expand=singleValueExtendedProperties($filter=id eq '…')`, so another effect's
   * tagged draft is never taken).
   */
  async function untaggedReplyDrafts(
    mailbox: string,
    conversationId: string,
    subject: string,
    to: readonly PersonRef[],
  ): Promise<DraftJson[]> {
    const listed = (await client
      .api(`${userPath(mailbox)}/mailFolders('drafts')/messages`)
      .headers(PREFER)
      .filter(filterParam(`conversationId eq ${odataString(conversationId)}`))
      .select('id,isDraft,subject,toRecipients,internetMessageId,conversationId,lastModifiedDateTime')
      .top(10)
      .get()) as { value?: DraftJson[] };
    const wantedTo = addressSet(to.map((p) => ({ emailAddress: { address: p.email } })));
    const found: DraftJson[] = [];
    for (const d of listed.value ?? []) {
      if (d.isDraft === false || d.subject !== subject || addressSet(d.toRecipients) !== wantedTo) continue;
      const tagged = (await client
        .api(`${userPath(mailbox)}/messages/${encodeURIComponent(d.id)}`)
        .headers(PREFER)
        .select('id')
        .expand(`singleValueExtendedProperties($filter=id eq ${odataString(EFFECT_KEY_PROPERTY)})`)
        .get()) as DraftJson;
      if (!tagged.singleValueExtendedProperties?.length) found.push(d);
    }
    return found;
  }

  async function readIds(mailbox: string, id: string): Promise<MessageJson> {
    return (await client
      .api(`${userPath(mailbox)}/messages/${encodeURIComponent(id)}`)
      .headers(PREFER)
      .select('id,isDraft,internetMessageId,conversationId')
      .get()) as MessageJson;
  }

  return { findTagged, findByInternetMessageId, untaggedReplyDrafts, readIds };
}
