/**
 * The bundled sample partnerships, one per procedure: fictional organisations whose people are named
 * as roles ("Team Manager, Gateshead"). Paths are relative to the repository root. Each loads with
 * `loadDirectory` and resolves every role its procedure's stages need (tests/directory/samples.test.ts).
 *
 * @example
 * const directory = await loadDirectory(SAMPLE_DIRECTORIES['dudley-dscb']);
 */
import type { ProcedureId } from '../procedures/index.ts';

export const SAMPLE_DIRECTORIES: Readonly<Record<ProcedureId, string>> = {
  ane: 'directory/sample-ane.json',
  'dudley-dscb': 'directory/sample-dudley.json',
  'iro-drp': 'directory/sample-iro.json',
  'nel-lscb-sab': 'directory/sample-nel.json',
  'solihull-ssab': 'directory/sample-solihull.json',
};
