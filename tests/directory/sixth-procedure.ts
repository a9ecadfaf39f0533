/**
 * A sixth procedure for tests: ANE's definition under another id, whose Stage 1 counterpart is a role
 * no bundled procedure names ("kinship-navigator"). Built from ane.json at test time so it follows the
 * procedure schema as it grows.
 */
import { readFileSync } from 'node:fs';
import { type ProcedureDefinition, parseProcedure } from '../../src/domain/procedure/schema.ts';

export const NEW_ROLE = 'kinship-navigator';

/** The raw JSON of the sixth procedure. */
export function sixthProcedureJson(): Record<string, unknown> {
  // biome-ignore lint/suspicious/noExplicitAny: raw procedure JSON, edited before validation.
  const raw: any = JSON.parse(readFileSync('src/procedures/ane.json', 'utf8'));
  raw.id = 'kinship-care';
  raw.name = 'Kinship Care Dispute Resolution (test fixture)';
  raw.roles = [...raw.roles, { id: NEW_ROLE, label: 'Kinship Navigator' }];
  raw.stages[0].with[0].role = NEW_ROLE;
  return raw;
}

/** The sixth procedure, validated by the procedure schema. */
export function sixthProcedure(): ProcedureDefinition {
  return parseProcedure(sixthProcedureJson(), 'kinship-care.json');
}
