/**
 * What Concord asks Graph for when it subscribes, and which stored subscriptions are current:
 * the lifetime (under both documented Outlook limits), the resource (messages mailbox-wide, or
 * events), and the clientState mark of a subscription made with immutable ids.
 */
import { userPath } from './ids.ts';
import type { SubscriptionRecord } from './ports.ts';

/** Outlook resources: at most 10,080 minutes (7 days). */
export const MAX_SUBSCRIPTION_MINUTES = 10_080;
/**
 * What Concord asks for: under both the current Outlook limit (10,080) and the older documented one
 * (4,230), so a tenant on either never refuses a create or a renewal.
 */
export const SAFE_SUBSCRIPTION_MINUTES = 4_200;
/**
 * Marks the clientState of subscriptions created with `Prefer: IdType="ImmutableId"`. Graph keeps
 * the id format a subscription was created with, so one without the mark (made by an older Concord)
 * sends REST ids that the meeting index cannot match: it is deleted and created again.
 */
export const IMMUTABLE_CLIENT_STATE_MARK = 'i1.';

// Messages anywhere in the mailbox, not only the Inbox: a reply Exchange files in Junk Email, or an
// inbox rule moves on delivery, is created straight in that folder and never in the Inbox.
export const resourceOf = (mailbox: string, kind: SubscriptionRecord['kind']) =>
  kind === 'inbox' ? `${userPath(mailbox)}/messages` : `${userPath(mailbox)}/events`;

/** Made with immutable ids and on today's resource; anything older is recreated. */
export const madeWithImmutableIds = (record: SubscriptionRecord) =>
  record.clientState.startsWith(IMMUTABLE_CLIENT_STATE_MARK) &&
  record.resource.toLowerCase() === resourceOf(record.mailbox, record.kind).toLowerCase();
