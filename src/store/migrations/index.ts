/**
 * The numbered migrations, listed statically (no directory scan, so bundlers and tsx agree).
 * Add `NNNN-name.ts` beside this file and one line here; never edit a migration that has shipped.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-initial.ts';
import * as m0002 from './0002-adapter-indexes.ts';
import * as m0003 from './0003-card-state.ts';
import * as m0004 from './0004-graph-subscriptions-shared.ts';
import * as m0005 from './0005-dispute-people.ts';
import * as m0006 from './0006-graph-notification-queue.ts';
import * as m0007 from './0007-bot-reply-outbox.ts';
import * as m0008 from './0008-dispute-people-no-pending-list.ts';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': m0001,
  '0002-adapter-indexes': m0002,
  '0003-card-state': m0003,
  '0004-graph-subscriptions-shared': m0004,
  '0005-dispute-people': m0005,
  '0006-graph-notification-queue': m0006,
  '0007-bot-reply-outbox': m0007,
  '0008-dispute-people-no-pending-list': m0008,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
