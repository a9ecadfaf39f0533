/**
 * `concord disputes [--overdue] [--json]`: every dispute with its procedure, case reference,
 * stage, status, next due instant, whether it is overdue, and how many of its effects are parked
 * (performed too many times without success; see docs/store.md).
 *
 * @example
 * concord disputes --overdue --json
 * // [{"id":"d1","procedure":"ane","procedureVersion":"1.0.0","caseReference":"ANE-2026-0042",
 * //   "stage":"stage-1","phase":"awaiting-response","status":"open","nextDue":"…","overdue":true,
 * //   "parkedEffects":0,"pendingEffects":0}]
 */
import { type StoreCommandDeps, withStore } from '../../runtime/store-session.ts';
import { listDisputes } from '../../store/queries/list-disputes.ts';
import { type CliIo, parseCliArgs } from '../io.ts';

export async function run(argv: string[], io: CliIo, deps: StoreCommandDeps = {}): Promise<number> {
  const options = parseOptions(argv);
  return withStore(deps, async ({ store, now }) => {
    const listings = await listDisputes(store, { now: await now(), overdueOnly: options.overdue });
    const rows = listings.map((d) => ({
      id: d.id,
      procedure: d.procedureId,
      procedureVersion: d.procedureVersion,
      caseReference: d.caseReference,
      stage: d.stageId,
      phase: d.phase,
      status: d.status,
      nextDue: d.nextDue,
      overdue: d.overdue,
      parkedEffects: d.parkedEffects,
      pendingEffects: d.pendingEffects,
    }));
    if (options.json) {
      io.out(JSON.stringify(rows));
      return 0;
    }
    if (rows.length === 0) {
      io.out(options.overdue ? 'No overdue disputes.' : 'No disputes.');
      return 0;
    }
    const table = [
      ['ID', 'PROCEDURE', 'CASE REF', 'STAGE', 'STATUS', 'NEXT DUE', 'OVERDUE', 'PARKED'],
      ...rows.map((r) => [
        r.id,
        `${r.procedure}@${r.procedureVersion}`,
        r.caseReference,
        `${r.stage} (${r.phase})`,
        r.status,
        r.nextDue ?? '-',
        r.overdue ? 'yes' : 'no',
        String(r.parkedEffects),
      ]),
    ];
    const widths =
      table[0]?.map((_, column) => Math.max(...table.map((line) => line[column]?.length ?? 0))) ?? [];
    for (const line of table)
      io.out(
        line
          .map((cell, column) => cell.padEnd(widths[column] ?? 0))
          .join('  ')
          .trimEnd(),
      );
    const parked = rows.reduce((sum, r) => sum + r.parkedEffects, 0);
    if (parked > 0)
      io.out(`${parked} parked effect${parked === 1 ? '' : 's'}: see docs/store.md ("Parked effects").`);
    return 0;
  });
}

function parseOptions(argv: string[]): { overdue: boolean; json: boolean } {
  const { values } = parseCliArgs({
    args: argv,
    allowPositionals: false,
    options: { overdue: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  return { overdue: values.overdue ?? false, json: values.json ?? false };
}
