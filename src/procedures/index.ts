/**
 * Loads the bundled procedure definitions. Each is one JSON file beside this module, validated
 * against the schema when it loads; a definition that breaks the schema fails loudly with the path
 * of every bad field.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ProcedureDefinition, parseProcedure } from '../domain/procedure/schema.ts';

export type { ProcedureDefinition } from '../domain/procedure/schema.ts';
export { stageWorkingDays } from '../domain/procedure/schema.ts';

/** The procedure ids Concord ships, in the order CONTRACT.md lists them. */
export const PROCEDURE_IDS = ['ane', 'dudley-dscb', 'iro-drp', 'nel-lscb-sab', 'solihull-ssab'] as const;
export type ProcedureId = (typeof PROCEDURE_IDS)[number];

let cache: Map<string, ProcedureDefinition> | undefined;

/**
 * Reads one definition file from `dir` (defaults to this folder, named so that the bundled server,
 * dist/app/main.js, finds it too) and validates it.
 */
export function loadProcedureFile(
  id: string,
  dir: URL = new URL('../procedures/', import.meta.url),
): ProcedureDefinition {
  const file = new URL(`${id}.json`, dir);
  const text = readFileSync(fileURLToPath(file), 'utf8');
  const procedure = parseProcedure(JSON.parse(text), `${id}.json`);
  if (procedure.id !== id) throw new Error(`procedure file ${id}.json declares id "${procedure.id}"`);
  return procedure;
}

/** Every bundled procedure, validated once per process. */
export function loadProcedures(): ReadonlyMap<string, ProcedureDefinition> {
  if (!cache) {
    cache = new Map();
    for (const id of PROCEDURE_IDS) cache.set(id, loadProcedureFile(id));
  }
  return cache;
}

/** @example getProcedure('ane')?.stages[1]?.name // "Formal Resolution Process – Stage 1" */
export function getProcedure(id: string): ProcedureDefinition | undefined {
  return loadProcedures().get(id);
}
