/**
 * Where a message Concord already knows of sits: its (immutable) id in a mailbox, by the mailbox and
 * its `internetMessageId`. The reply tracker learns each reply it matches, and the mail adapter each
 * email it sends, so answering one of them (the acknowledgement, a chase) needs no look-up by
 * `internetMessageId` before `createReply`. In process memory and bounded: another instance, or a
 * message forgotten, costs the look-up as before, and a `createReply` that finds the id gone (the
 * message deleted) falls back to it.
 */
export interface KnownMessage {
  readonly id: string;
  readonly conversationId?: string;
}

export interface KnownMessages {
  remember(mailbox: string, internetMessageId: string, message: KnownMessage): void;
  find(mailbox: string, internetMessageId: string): KnownMessage | undefined;
  forget(mailbox: string, internetMessageId: string): void;
}

export function createKnownMessages(options: { readonly max?: number } = {}): KnownMessages {
  const max = options.max ?? 5_000;
  const items = new Map<string, KnownMessage>();
  const key = (mailbox: string, internetMessageId: string) =>
    `${mailbox.toLowerCase()}|${internetMessageId.toLowerCase()}`;
  return {
    remember(mailbox, internetMessageId, message) {
      const k = key(mailbox, internetMessageId);
      items.delete(k);
      items.set(k, message);
      if (items.size > max) items.delete(items.keys().next().value as string);
    },
    find: (mailbox, internetMessageId) => items.get(key(mailbox, internetMessageId)),
    forget(mailbox, internetMessageId) {
      items.delete(key(mailbox, internetMessageId));
    },
  };
}
