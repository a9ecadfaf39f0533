/**
 * `concord migrate [--json]`: applies the numbered migrations to the configured store
 * (DATABASE_URL, else PGlite in DATA_DIR) and says which ran.
 */
import { type StoreCommandDeps, withStore } from '../../runtime/store-session.ts';
import { type CliIo, parseCliArgs } from '../io.ts';

export async function run(argv: string[], io: CliIo, deps: StoreCommandDeps = {}): Promise<number> {
  const { json } = parseOptions(argv);
  return withStore(deps, async ({ store, migrations }) => {
    if (json) {
      io.out(
        JSON.stringify({ engine: store.engine, applied: migrations.applied, current: migrations.current }),
      );
    } else if (migrations.applied.length === 0) {
      io.out(`The ${store.engine} store is up to date (${migrations.current.length} migrations).`);
    } else {
      io.out(`Applied ${migrations.applied.join(', ')} to the ${store.engine} store.`);
    }
    return 0;
  });
}

function parseOptions(argv: string[]): { json: boolean } {
  const { values } = parseCliArgs({
    args: argv,
    allowPositionals: false,
    options: { json: { type: 'boolean', default: false } },
  });
  return { json: values.json ?? false };
}
