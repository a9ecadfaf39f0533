/**
 * Where the procedure lets a named party bypass stages (`stageOrder.bypass`; IRO: the allocated IRO
 * may reassign the record to a later stage), the dispute card offers it to that person alone: the
 * person the directory resolves for the dispute, or its owner, exactly as `onBypass` accepts.
 */
import type { ProcedureDefinition } from '../procedure/schema.ts';
import { isSamePerson } from './guards.ts';
import type { DisputeState, PersonRef, RoleResolver } from './types.ts';

export interface OfferedBypass {
  /** The procedure's words allowing it. */
  readonly quote: string;
  /** The stages after the current one, in order. */
  readonly stages: readonly { readonly id: string; readonly name: string }[];
}

export function bypassFor(input: {
  state: Pick<
    DisputeState,
    'status' | 'raisingOrganisationId' | 'counterpartOrganisationId' | 'raisedBy' | 'owner' | 'stage'
  >;
  procedure: Pick<ProcedureDefinition, 'stageOrder' | 'stages'>;
  person: PersonRef;
  resolver: RoleResolver;
}): OfferedBypass | null {
  const { state, procedure, person, resolver } = input;
  const rule = procedure.stageOrder.bypass;
  if (!rule || state.status !== 'open') return null;
  const allowed = [rule.by.role, ...rule.by.substitutes.map((s) => s.role)]
    .map((role) =>
      resolver.resolve({ party: { ...rule.by, role }, dispute: state, relativeTo: state.raisedBy }),
    )
    .find((p) => p !== null);
  if (!isSamePerson(person, allowed ?? null) && !isSamePerson(person, state.owner)) return null;
  const later = procedure.stages.slice(state.stage.index + 1).map((s) => ({ id: s.id, name: s.name }));
  return later.length > 0 ? { quote: rule.quote, stages: later } : null;
}
