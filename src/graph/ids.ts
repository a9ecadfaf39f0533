/** Names and ids Concord stamps on Graph items, and the deterministic GUIDs derived from effect keys. */
import { createHash } from 'node:crypto';

/** Concord's MAPI property set (a fixed GUID). Named String properties live in it. */
export const CONCORD_PROPERTY_SET = '{6f1e4c2a-9b3d-4e5f-8a7b-2c1d0e9f8a71}';
/** Single-value extended property carrying the effect key (idempotency). */
export const EFFECT_KEY_PROPERTY = `String ${CONCORD_PROPERTY_SET} Name ConcordEffectKey`;
/** Single-value extended property carrying the dispute id. */
export const DISPUTE_ID_PROPERTY = `String ${CONCORD_PROPERTY_SET} Name ConcordDisputeId`;
/** The internet message header carrying the dispute id on the wire. */
export const DISPUTE_HEADER = 'x-concord-dispute';
/** Mail and calendar calls ask for immutable ids, so an item keeps its id when it moves folder. */
export const IMMUTABLE_IDS = 'IdType="ImmutableId"';

/**
 * A GUID derived from a key (SHA-1 name-based, RFC 4122 version 5 layout), so a retry of the same
 * effect sends the same `transactionId` and Graph returns the event it already made.
 * @example transactionIdFor('d1:stage-3:book:1') // always the same GUID
 */
export function transactionIdFor(key: string): string {
  const hash = createHash('sha1').update(`concord:${key}`).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A `$filter` expression made safe as a query-string value. graph-client puts `.filter()` into the
 * URL as it is, and a query decodes `+` as a space, cuts at `&` and `#`, and reads `%` as an escape,
 * so a Gmail Message-ID such as `<CA+x@mail.gmail.com>` would match nothing. Those four are
 * percent-encoded; Graph decodes them back.
 * @example filterParam("internetMessageId eq '<CA+x@mail.gmail.com>'") // "…'<CA%2Bx@mail.gmail.com>'"
 */
export function filterParam(expression: string): string {
  return expression.replace(/[%+&#]/g, (c) => encodeURIComponent(c));
}

/** `$filter` matching items tagged with `value` in extended property `propertyId`. */
export function extendedPropertyFilter(propertyId: string, value: string): string {
  return `singleValueExtendedProperties/Any(ep: ep/id eq ${odataString(propertyId)} and ep/value eq ${odataString(value)})`;
}

/** The `/users/{mailbox}` path segment. */
export function userPath(mailbox: string): string {
  return `/users/${encodeURIComponent(mailbox.toLowerCase())}`;
}
