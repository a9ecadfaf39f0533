/**
 * The heartbeat: extends the leases `workerId` still holds on `keys` to `now + leaseMs`. A row whose
 * lease another worker took over (or that is no longer pending) is left alone. Returns the keys
 * whose lease was renewed.
 */
import type { Db } from '../schema.ts';

export async function renewOutboxLeases(
  db: Db,
  options: {
    readonly workerId: string;
    readonly keys: readonly string[];
    readonly now: Date;
    readonly leaseMs: number;
  },
): Promise<string[]> {
  if (options.keys.length === 0) return [];
  const rows = await db
    .updateTable('outbox')
    .set({ locked_until: new Date(options.now.getTime() + options.leaseMs) })
    .where('key', 'in', [...options.keys])
    .where('status', '=', 'pending')
    .where('locked_by', '=', options.workerId)
    .returning('key')
    .execute();
  return rows.map((row) => row.key);
}
