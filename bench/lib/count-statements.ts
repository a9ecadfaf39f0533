/**
 * Counts the SQL statements this process sends, by their first words, on both engines: node-postgres
 * clients, Concord's PGlite dialect (src/store/pglite-dialect.ts) and PGlite's own `query`/`exec`
 * (which the dialect does not use; PGlite's start-up does). For bench/profile.ts and
 * bench/profile-apply.ts; call it before the store opens.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { PgliteStatements } from '../../src/store/pglite-dialect.ts';

export function countStatements(keyLength = 70): Map<string, number> {
  const counts = new Map<string, number>();
  const count = (text: unknown) => {
    const sqlText = typeof text === 'string' ? text : String((text as { text?: string })?.text ?? '?');
    const key = sqlText.replace(/\s+/g, ' ').trim().slice(0, keyLength);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const patch = (prototype: object, name: string) => {
    const target = prototype as Record<string, (...args: unknown[]) => unknown>;
    const original = target[name];
    if (!original) throw new Error(`no ${name} to count`);
    target[name] = function (this: unknown, ...args: unknown[]) {
      count(args[0]);
      return original.apply(this, args);
    };
  };
  patch(pg.Client.prototype, 'query');
  patch(PGlite.prototype, 'query');
  patch(PGlite.prototype, 'exec');
  patch(PgliteStatements.prototype, 'run');
  return counts;
}
