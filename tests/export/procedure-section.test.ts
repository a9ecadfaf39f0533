/**
 * Every schema field is read by some code: the procedure's description of itself (its document's
 * title, version, owner, approval and review dates, its purpose, how its stages are ordered, its
 * contacts and notes) is printed in the case file's "The procedure" section.
 */
import { describe, expect, it } from 'vitest';
import type { RecordEntry } from '../../src/domain/dispute/types.ts';
import { caseFileOf } from '../../src/export/case-file.ts';
import { loadProcedures } from '../../src/procedures/index.ts';
import { raise } from '../domain/dispute/walker.ts';

describe('the case file says which procedure document it was kept under', () => {
  for (const procedure of loadProcedures().values()) {
    it(`${procedure.id}: document, purpose, order of stages, contacts and notes`, () => {
      const urgency = procedure.urgencyLevels?.[0]?.id;
      const w = raise(procedure, { hosts: ['la'], ...(urgency ? { urgency } : {}) });
      const records = w.effects.flatMap((e) => (e.type === 'record' ? [e.entry as RecordEntry] : []));
      const file = caseFileOf({
        state: w.s,
        procedure,
        records,
        timeline: [],
        effects: [],
        exportedAt: w.now.toISOString(),
      });
      const section = file.sections.find((s) => s.heading === 'The procedure');
      const rows = section?.blocks.flatMap((b) => (b.kind === 'table' ? b.rows : [])) ?? [];
      const text = rows.map((r) => r.join(': ')).join('\n');
      expect(text).toContain(procedure.source.title);
      expect(text).toContain(procedure.purpose);
      for (const v of [
        procedure.source.documentVersion,
        procedure.source.owner,
        procedure.source.approved,
        procedure.source.reviewBy,
      ])
        if (v) expect(text).toContain(v);
      if (procedure.stageOrder.quote) expect(text).toContain(procedure.stageOrder.quote);
      for (const c of procedure.contacts) expect(text).toContain(`${c.label}: ${c.value}`);
      for (const n of procedure.notes) expect(text).toContain(n.quote);
    });
  }
});
