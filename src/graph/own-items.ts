/**
 * Items Concord itself just made in a mailbox (drafts, and the same item once sent: immutable ids
 * keep its id). A mailbox-wide subscription (`users/{id}/messages`) notifies about them too, and a
 * notification carries only the id, so without this each would cost a read to recognise as Concord's
 * own. In process memory and bounded: another instance's items are still recognised, after one read.
 */
export interface OwnItems {
  remember(mailbox: string, messageId: string): void;
  has(mailbox: string, messageId: string): boolean;
}

export function createOwnItems(options: { readonly max?: number } = {}): OwnItems {
  const max = options.max ?? 5_000;
  const items = new Set<string>();
  const key = (mailbox: string, id: string) => `${mailbox.toLowerCase()}|${id}`;
  return {
    remember(mailbox, messageId) {
      items.add(key(mailbox, messageId));
      if (items.size > max) items.delete(items.values().next().value as string);
    },
    has: (mailbox, messageId) => items.has(key(mailbox, messageId)),
  };
}
