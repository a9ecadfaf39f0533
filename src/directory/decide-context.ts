/**
 * The decide context for a dispute from the partnership directory: the procedure version it started
 * under (the bundled definition when the version matches, else the one kept in the store), the
 * raising organisation's working calendar, and the directory's role resolver. The app's dispute
 * service uses it, and so does a replay outside the app (`concord report` reading a past period).
 */
import type { DecideContext } from '../domain/dispute/decide-types.ts';
import type { DisputeState } from '../domain/dispute/types.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import type { DirectoryService } from './directory-service.ts';

/** The stored procedure definitions (the store's `ProcedureVersions`), as much as this needs. */
interface StoredProcedures {
  get(procedureId: string, version: string): Promise<ProcedureDefinition | undefined>;
}

/** The runtime's `ContextFor`, written out so the directory does not import the runtime. */
type ContextFor = (subject: {
  readonly procedureId: string;
  readonly procedureVersion: string | null;
  readonly state: DisputeState | null;
  readonly raisingOrganisationId: string | null;
}) => Promise<Omit<DecideContext, 'now'>>;

export function directoryContextFor(options: {
  readonly directory: Pick<DirectoryService, 'calendar' | 'resolver'>;
  readonly procedures: ReadonlyMap<string, ProcedureDefinition>;
  /** The stored definitions (read when a dispute runs under an older version); null before the store opens. */
  readonly versions: () => StoredProcedures | null;
  readonly hostOrganisationId: string;
}): ContextFor {
  const { directory, procedures } = options;
  return async ({ procedureId, procedureVersion, state, raisingOrganisationId }) => {
    const current = procedures.get(procedureId);
    const procedure =
      procedureVersion === null || procedureVersion === current?.version
        ? current
        : await options.versions()?.get(procedureId, procedureVersion);
    if (!procedure) throw new Error(`unknown procedure ${procedureId} ${procedureVersion ?? ''}`.trim());
    return {
      procedure,
      calendar: directory.calendar(
        state?.raisingOrganisationId ?? raisingOrganisationId ?? options.hostOrganisationId,
      ),
      resolver: directory.resolver,
    };
  };
}
