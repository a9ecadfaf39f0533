/**
 * A `contextFor` for the real `decide` and the bundled procedures, with fictional people: every
 * role exists in the raising organisation `ane` and the counterpart `gateshead`.
 */

import { roleVocabulary } from '../../src/directory/roles.ts';
import { bundledCalendar } from '../../src/domain/calendar/index.ts';
import type { RoleResolver } from '../../src/domain/dispute/types.ts';
import { getProcedure, loadProcedures } from '../../src/procedures/index.ts';
import type { ContextFor } from '../../src/runtime/dispute-service.ts';
import { fixtureResolver, person } from '../domain/dispute/fixtures.ts';

export { person };

/** Every role the procedures use exists on both sides and on the board. */
const resolver: RoleResolver = fixtureResolver(
  Object.fromEntries(
    ['ane', 'gateshead', 'board'].map((org) => [org, [...roleVocabulary(loadProcedures().values()).keys()]]),
  ),
);

export const aneContextFor: ContextFor = ({ procedureId, procedureVersion }) => {
  const procedure = getProcedure(procedureId);
  if (!procedure) throw new Error(`unknown procedure ${procedureId}`);
  if (procedureVersion !== null && procedureVersion !== procedure.version) {
    throw new Error(`procedure ${procedureId} ${procedureVersion} is not bundled`);
  }
  return { procedure, calendar: bundledCalendar('england-and-wales'), resolver };
};

export const practitioner = person('ane', 'practitioner');
export const teamManager = person('ane', 'team-manager');

export function aneRaise(disputeId: string) {
  return {
    type: 'raised' as const,
    disputeId,
    by: practitioner,
    immediateRiskChecked: true as const,
    caseReference: `ANE-2026-${disputeId}`,
    raisingOrganisationId: 'ane',
    counterpartOrganisationId: 'gateshead',
    category: 'drift-and-delay',
    details: {
      issue: 'The agreed plan for life-story work has not been acted upon.',
      informalAttempts: 'Discussed with the allocated social worker; no change.',
      resolutionSought: 'Life-story work started within two weeks.',
    },
  };
}
