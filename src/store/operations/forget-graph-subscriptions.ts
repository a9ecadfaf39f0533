/**
 * Forgets every Graph subscription and delta cursor (local mode: the emulator starts empty on each
 * run, so what a previous run kept points at nothing).
 */
import type { Db } from '../schema.ts';

export async function forgetGraphSubscriptions(db: Db): Promise<void> {
  await db.deleteFrom('graph_subscriptions').execute();
  await db.deleteFrom('delta_links').execute();
  await db.deleteFrom('graph_subscription_claims').execute();
}
