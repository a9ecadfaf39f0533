/**
 * A dispute keeps the procedure version it started under. The first time a version is used its
 * exact definition is saved; later events read that snapshot, whatever the bundled file now says.
 * A file whose content changed but whose version did not is refused: editing a procedure must bump
 * its version, or running cases would silently change their rules.
 */
import { createHash } from 'node:crypto';
import { type ProcedureDefinition, parseProcedure } from '../../domain/procedure/schema.ts';
import type { Store } from '../open-store.ts';
import { json } from '../schema.ts';

export class ProcedureVersionConflictError extends Error {
  override readonly name = 'ProcedureVersionConflictError';
  constructor(
    readonly procedureId: string,
    readonly version: string,
  ) {
    super(
      `procedure ${procedureId} ${version} has changed since disputes started under it; give the edited file a new "version"`,
    );
  }
}

export interface ProcedureVersions {
  /** Saves `procedure` as its version (once) and returns it; refuses a changed file with the same version. */
  register(procedure: ProcedureDefinition): Promise<ProcedureDefinition>;
  /** The definition a dispute started under, or undefined when that version was never saved. */
  get(procedureId: string, version: string): Promise<ProcedureDefinition | undefined>;
}

/**
 * Canonical JSON: keys sorted; absent values and empty lists left out, so a schema that gains an
 * optional list (defaulting to []) does not count as every procedure having changed.
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function procedureDigest(procedure: ProcedureDefinition): string {
  return createHash('sha256').update(canonical(procedure)).digest('hex');
}

export function createProcedureVersions(store: Store, now: () => Date = () => new Date()): ProcedureVersions {
  const { db } = store;
  const cache = new Map<string, ProcedureDefinition>();
  return {
    async register(procedure) {
      const digest = procedureDigest(procedure);
      const saved = () =>
        db
          .selectFrom('procedure_versions')
          .select('digest')
          .where('procedure_id', '=', procedure.id)
          .where('version', '=', procedure.version)
          .executeTakeFirst();
      // Saved by an earlier start (the usual case): one read, without sending the definition.
      let row = await saved();
      if (!row) {
        await db
          .insertInto('procedure_versions')
          .values({
            procedure_id: procedure.id,
            version: procedure.version,
            digest,
            definition: json(procedure),
            created_at: now(),
          })
          .onConflict((oc) => oc.columns(['procedure_id', 'version']).doNothing())
          .execute();
        row = await saved();
      }
      if (row?.digest !== digest) throw new ProcedureVersionConflictError(procedure.id, procedure.version);
      cache.set(`${procedure.id}@${procedure.version}`, procedure);
      return procedure;
    },
    async get(procedureId, version) {
      const key = `${procedureId}@${version}`;
      const cached = cache.get(key);
      if (cached) return cached;
      const row = await db
        .selectFrom('procedure_versions')
        .select('definition')
        .where('procedure_id', '=', procedureId)
        .where('version', '=', version)
        .executeTakeFirst();
      if (!row) return undefined;
      const definition = parseProcedure(row.definition, `${procedureId}@${version} (stored)`);
      cache.set(key, definition);
      return definition;
    },
  };
}
