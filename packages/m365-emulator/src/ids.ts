/**
 * Identifiers in Microsoft 365's formats. Item ids look like Exchange's (base64url with a trailing "="),
 * so clients must URL-encode them; they never change when an item moves, as with
 * `Prefer: IdType="ImmutableId"`.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A GUID derived from `seed`, stable across restarts (name-based, version 5 style). */
export function stableGuid(seed: string): string {
  const hex = createHash('sha1').update(seed).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');

/** An Exchange-style item id (message, event, attachment…). */
export const itemId = () => `AAkALg${b64(48)}AAA=`;

export const conversationId = () => `AAQkA${b64(30)}=`;

export const changeKey = () => b64(12);

/** An RFC 5322 Message-ID in the sender's domain. */
export const internetMessageId = (domain: string) =>
  `<${randomBytes(12).toString('hex').toUpperCase()}@${domain.toUpperCase()}>`;

export const iCalUId = () =>
  `040000008200E00074C5B7101A82E008${randomBytes(28).toString('hex').toUpperCase()}`;
