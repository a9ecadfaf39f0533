/** Every dispute's state, newest first (the bot filters them per person; partnerships are small). */
import type { DisputeState } from '../../domain/dispute/types.ts';
import type { Db } from '../schema.ts';

export async function listDisputeStates(db: Db): Promise<DisputeState[]> {
  const rows = await db.selectFrom('disputes').select('state').orderBy('created_at', 'desc').execute();
  return rows.map((row) => row.state);
}
