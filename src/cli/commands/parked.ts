/**
 * `concord parked [--json]`: side effects that kept failing and were set aside, with their last error.
 * `concord parked --retry KEY` or `--retry-dispute ID` puts them back in the queue (same idempotency
 * key, so nothing that did land is repeated); a running Concord picks them up on its next poll.
 */
import { type StoreCommandDeps, withStore } from '../../runtime/store-session.ts';
import { listParkedEffects, retryParkedEffects } from '../../store/queries/parked-effects.ts';
import { type CliIo, CliUsageError, parseCliArgs } from '../io.ts';

export async function run(argv: string[], io: CliIo, deps: StoreCommandDeps = {}): Promise<number> {
  const { values } = parseCliArgs({
    args: argv,
    options: { json: { type: 'boolean' }, retry: { type: 'string' }, 'retry-dispute': { type: 'string' } },
    allowPositionals: false,
  });
  if (values.retry && values['retry-dispute'])
    throw new CliUsageError('give --retry KEY or --retry-dispute ID, not both');
  return withStore(deps, async ({ store }) => {
    if (values.retry || values['retry-dispute']) {
      const target = values.retry ? { key: values.retry } : { disputeId: values['retry-dispute'] ?? '' };
      const count = await retryParkedEffects(store, target, new Date());
      if (values.json) io.out(JSON.stringify({ requeued: count }));
      else
        io.out(
          count === 0
            ? 'Nothing parked matched.'
            : `Requeued ${count} parked effect${count === 1 ? '' : 's'}.`,
        );
      return count === 0 ? 1 : 0;
    }
    const parked = await listParkedEffects(store);
    if (values.json) {
      io.out(JSON.stringify(parked));
      return 0;
    }
    if (parked.length === 0) {
      io.out('No parked effects.');
      return 0;
    }
    for (const p of parked) {
      io.out(
        `${p.key}  ${p.type}  dispute ${p.disputeId}  ${p.attempts} attempts  ${p.lastError ?? ''}`.trimEnd(),
      );
    }
    return 0;
  });
}
