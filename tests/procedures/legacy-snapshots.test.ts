/**
 * A dispute keeps the procedure version it started under, read back from its saved snapshot with
 * today's schema: the definitions that shipped before this release must still parse.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseProcedure } from '../../src/domain/procedure/schema.ts';

/** The procedure files as the previous release shipped them (commit dbcc4ca), when git can show them. */
function shipped(file: string): unknown | null {
  try {
    return JSON.parse(execFileSync('git', ['show', `dbcc4ca:src/procedures/${file}`], { encoding: 'utf8' }));
  } catch {
    return null;
  }
}

describe('snapshots saved by the previous release still read', () => {
  it.each(['ane.json', 'dudley-dscb.json', 'iro-drp.json', 'nel-lscb-sab.json', 'solihull-ssab.json'])(
    '%s 1.0.x',
    (file) => {
      const raw = shipped(file);
      if (raw === null) return; // a clone without history: nothing to compare
      const parsed = parseProcedure(raw, file);
      expect(parsed.stages.length).toBeGreaterThan(0);
    },
  );

  it('ANE 1.0.1 "form": "Virtual or in-person" reads as online or in person', () => {
    const raw = shipped('ane.json') as { stages: { meeting?: { form?: unknown } }[] } | null;
    if (raw === null) return;
    const parsed = parseProcedure(raw, 'ane.json');
    const form = parsed.stages.find((s) => s.meeting?.form)?.meeting?.form;
    expect(form).toEqual({ online: true, inPerson: true, quote: 'Virtual or in-person' });
  });
});
