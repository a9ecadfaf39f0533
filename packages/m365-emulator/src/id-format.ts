/**
 * Exchange's two id formats. Items are kept under their immutable id (`AAkALg…`, which never changes
 * while the item stays in its mailbox); a request answers REST ids (`AAMkA…`, which change when the
 * item moves folder) unless it sent `Prefer: IdType="ImmutableId"`, as Graph does. A subscription keeps
 * the format of the request that created it, so its notifications name items in that format
 * (https://learn.microsoft.com/graph/outlook-immutable-id). Both formats are accepted on the way in;
 * a REST id from before a move no longer finds the item.
 *
 * The admin API and the UI speak immutable ids.
 */
import { createHash } from 'node:crypto';
import type { EmulatorState } from './state.ts';

export const IMMUTABLE_PREFIX = 'AAkALg';
export const REST_PREFIX = 'AAMkA';
const IMMUTABLE_PATTERN = /AAkALg[A-Za-z0-9_-]{16,}=*/g;
const REST_PATTERN = /AAMkA[A-Za-z0-9_-]{16,}=*/g;

/** True when a Prefer header asks for immutable ids. */
export const prefersImmutableIds = (prefer: string | undefined) =>
  /IdType\s*=\s*"?ImmutableId"?/i.test(prefer ?? '');

export interface IdFormat {
  /** The REST id an item has now (its folder is part of it), or had in `container` (`{mailboxId}/{folder}`). */
  toRest(immutableId: string, container?: string): string;
  /** The immutable id a REST id stands for, if it is still current; other ids unchanged. */
  toImmutable(id: string): string;
  /** Every immutable item id in a JSON value (strings at any depth) as its REST id. */
  restify<T>(value: T): T;
  /** Every REST item id in a text (a path segment, a request body) as its immutable id. */
  immutify(text: string): string;
}

export function createIdFormat(state: EmulatorState): IdFormat {
  const known = new Map<string, { immutableId: string; container: string }>();
  const lastRest = new Map<string, string>();

  /** Where an item is: its folder (messages), its calendar (events); attachments and others: ''. */
  function containerOf(immutableId: string): string {
    for (const mailbox of state.mailboxes.values()) {
      const message = mailbox.messages.get(immutableId);
      if (message) return `${mailbox.id}/${message.folder}`;
      if (mailbox.events.has(immutableId)) return `${mailbox.id}/calendar`;
    }
    return '';
  }

  function toRest(immutableId: string, at?: string): string {
    const container = at ?? containerOf(immutableId);
    // A deleted item (a `deleted` notification) keeps the REST id it last had.
    const previous = lastRest.get(immutableId);
    if (container === '' && previous) return previous;
    const hash = createHash('sha256').update(`${immutableId}|${container}`).digest();
    const rest = `${REST_PREFIX}${Buffer.concat([hash, hash]).subarray(0, 48).toString('base64url')}AAA=`;
    known.set(rest, { immutableId, container });
    if (at === undefined) lastRest.set(immutableId, rest);
    return rest;
  }

  function toImmutable(id: string): string {
    const entry = known.get(id);
    if (!entry) return id;
    // A REST id from before a move is stale: it names nothing now.
    return containerOf(entry.immutableId) === entry.container ? entry.immutableId : id;
  }

  function restify<T>(value: T): T {
    if (typeof value === 'string') return value.replace(IMMUTABLE_PATTERN, (id) => toRest(id)) as T;
    if (Array.isArray(value)) return value.map((v) => restify(v)) as T;
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = restify(v);
      return out as T;
    }
    return value;
  }

  return {
    toRest,
    toImmutable,
    restify,
    immutify: (text) => text.replace(REST_PATTERN, (id) => toImmutable(id)),
  };
}
