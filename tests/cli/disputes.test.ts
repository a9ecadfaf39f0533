import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runDisputes } from '../../src/cli/commands/disputes.ts';
import { run as runExport } from '../../src/cli/commands/export.ts';
import { run as runMigrate } from '../../src/cli/commands/migrate.ts';
import { run as runParked } from '../../src/cli/commands/parked.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { decide } from '../../src/domain/dispute/decide.ts';
import { openTestClock } from '../../src/runtime/clock.ts';
import { createDisputeService } from '../../src/runtime/dispute-service.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import type { Store } from '../../src/store/open-store.ts';
import { writeRecordEntry } from '../../src/store/operations/index.ts';
import { aneContextFor, aneRaise, teamManager } from '../runtime/ane-context.ts';
import { ENGINES } from '../store/engines.ts';

function capture(): CliIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (line) => out_.push(line), err: (line) => err_.push(line) };
}

const START = new Date('2026-11-23T10:00:00Z');

describe('store commands: bad arguments exit 2 with one line', () => {
  it.each([
    [['disputes', '--bogus']],
    [['disputes', 'extra']],
    [['export']],
    [['export', 'd1']],
    [['export', 'd1', '--format', 'pdf']],
    [['export', 'd1', 'd2', '--format', 'json']],
    [['migrate', '--nope']],
  ])('%j', async (argv) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.err_).toHaveLength(1);
    expect(io.err_[0]).toMatch(new RegExp(`^concord ${argv[0]}: `));
  });
});

describe('concord migrate on a PGlite DATA_DIR from the configuration', () => {
  it('applies the migrations once, then reports the store up to date', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'concord-cli-'));
    try {
      const env = { DATA_DIR: dir };
      const first = capture();
      expect(await runMigrate(['--json'], first, { env })).toBe(0);
      expect(JSON.parse(first.out_[0] ?? '')).toEqual({
        engine: 'pglite',
        applied: Object.keys(MIGRATIONS),
        current: Object.keys(MIGRATIONS),
      });
      const second = capture();
      expect(await runMigrate([], second, { env })).toBe(0);
      expect(second.out_[0]).toMatch(/up to date/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const engine of ENGINES) {
  describe(`concord disputes and export on ${engine.name}`, () => {
    let store: Store;
    let dir: string;
    const env = { CLOCK: 'test' };
    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'concord-export-'));
      store = await engine.open();
      const clock = { now: () => START };
      const service = createDisputeService({ store, decide, contextFor: aneContextFor, clock });
      await service.applyEvent('d1', aneRaise('d1'), { source: 'teams', procedureId: 'ane' });
      await service.applyEvent(
        'd1',
        { type: 'decision', by: teamManager, choice: 'escalate' },
        { source: 'teams' },
      );
      await service.applyEvent('d2', aneRaise('d2'), { source: 'teams', procedureId: 'ane' });
      // One of d1's effects gave up: parked.
      const [first] = await store.db
        .selectFrom('outbox')
        .select('key')
        .where('dispute_id', '=', 'd1')
        .limit(1)
        .execute();
      await store.db
        .updateTable('outbox')
        .set({ status: 'parked', attempts: 8, last_error: '403' })
        .where('key', '=', first?.key ?? '')
        .execute();
      // The test clock stands after d1's Stage 1 deadline (Monday 30 November, end of day).
      const testClock = await openTestClock(store, { initial: START });
      await testClock.advanceTo(new Date('2026-12-01T09:00:00Z'));
    });
    afterAll(async () => {
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('lists every dispute with stage, next due, overdue (by the test clock) and parked effects', async () => {
      const io = capture();
      expect(await runDisputes(['--json'], io, { env, store })).toBe(0);
      const rows = JSON.parse(io.out_[0] ?? '[]') as Record<string, unknown>[];
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({
        id: 'd1',
        procedure: 'ane',
        caseReference: 'ANE-2026-d1',
        stage: 'stage-1',
        status: 'open',
        nextDue: '2026-11-30T23:59:59.999Z',
        overdue: true,
        parkedEffects: 1,
      });
      expect(rows[1]).toMatchObject({ id: 'd2', stage: 'informal', overdue: false, parkedEffects: 0 });

      const overdue = capture();
      await runDisputes(['--overdue', '--json'], overdue, { env, store });
      expect((JSON.parse(overdue.out_[0] ?? '[]') as { id: string }[]).map((r) => r.id)).toEqual(['d1']);

      const text = capture();
      await runDisputes([], text, { env, store });
      expect(text.out_[0]).toMatch(
        /^ID\s+PROCEDURE\s+CASE REF\s+STAGE\s+STATUS\s+NEXT DUE\s+OVERDUE\s+PARKED$/,
      );
      expect(text.out_.join('\n')).toMatch(
        /d1\s+ane@\S+\s+ANE-2026-d1\s+stage-1 \(\S+\)\s+open\s+2026-11-30T23:59:59.999Z\s+yes\s+1/,
      );
      expect(text.out_.at(-1)).toMatch(/1 parked effect/);
    });

    it('exports JSON with the dispute, the audit timeline and the record entries', async () => {
      const io = capture();
      expect(await runExport(['d1', '--format', 'json'], io, { env, store })).toBe(0);
      const data = JSON.parse(io.out_.join('\n'));
      expect(data.dispute).toMatchObject({ id: 'd1', procedureId: 'ane', caseReference: 'ANE-2026-d1' });
      expect(data.timeline.map((t: { type: string; seq: number }) => [t.seq, t.type])).toEqual([
        [1, 'raised'],
        [2, 'decision'],
      ]);
      expect(data.records.length).toBeGreaterThan(0);
      expect(data.effects.some((e: { status: string }) => e.status === 'parked')).toBe(true);

      const out = path.join(dir, 'd1.json');
      expect(await runExport(['d1', '--format', 'json', '--out', out], capture(), { env, store })).toBe(0);
      expect(JSON.parse(readFileSync(out, 'utf8')).dispute.id).toBe('d1');
    });

    it('exports each record line in words, a line stored as a sentence as it was stored', async () => {
      // A row written before record lines were data: a sentence and no kind.
      await writeRecordEntry(store.db, {
        key: 'd1:legacy',
        disputeId: 'd1',
        seq: 99,
        entry: {
          stageId: 'stage-1',
          stageName: 'Stage 1',
          contactType: 'system',
          between: [],
          summary: 'A line written before lines were data.',
          outcome: 'As it was typed.',
          at: '2026-11-30T12:00:00.000Z',
        },
      });
      const io = capture();
      expect(await runExport(['d1', '--format', 'json'], io, { env, store })).toBe(0);
      const records = JSON.parse(io.out_.join('\n')).records as {
        key: string;
        entry: { kind?: string; summary: string; outcome?: string };
      }[];
      expect(records.find((r) => r.key === 'd1:legacy')?.entry).toMatchObject({
        summary: 'A line written before lines were data.',
        outcome: 'As it was typed.',
      });
      const raised = records.find((r) => r.entry.kind === 'dispute-raised')?.entry;
      expect(raised?.summary).toMatch(/^Dispute raised under .+ \(.+\)\.$/);
      expect(records.every((r) => typeof r.entry.summary === 'string' && r.entry.summary.length > 0)).toBe(
        true,
      );

      const out = path.join(dir, 'd1-record.docx');
      expect(await runExport(['d1', '--format', 'docx', '--out', out], capture(), { env, store })).toBe(0);
      const xml =
        (await (await JSZip.loadAsync(readFileSync(out))).file('word/document.xml')?.async('string')) ?? '';
      expect(xml).toContain('A line written before lines were data.');
      expect(xml).toContain('As it was typed.');
      expect(xml).toContain(raised?.summary ?? '(no raise line)');
    });

    it('exports a Word document with headings and tables', async () => {
      const out = path.join(dir, 'd1.docx');
      const io = capture();
      expect(await runExport(['d1', '--format', 'docx', '--out', out], io, { env, store })).toBe(0);
      expect(io.out_).toEqual([`Wrote ${out}`]);
      const zip = await JSZip.loadAsync(readFileSync(out));
      const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
      expect(xml).toContain('Professional dispute record: ANE-2026-d1');
      expect(xml).toContain('Case record');
      expect(xml).toContain('Timeline');
      // Summary, case record, timeline, and the procedure document it was kept under.
      expect((xml.match(/<w:tbl>/g) ?? []).length).toBe(4);
      expect(xml).toContain('The procedure');
      expect(xml).toContain('raised');
    });

    it('says plainly when the dispute does not exist (exit 1)', async () => {
      const io = capture();
      expect(await runExport(['nope', '--format', 'json'], io, { env, store })).toBe(1);
      expect(io.err_[0]).toMatch(/no dispute "nope"/);
    });

    // Last in this block: it puts the parked effect back in the queue.
    it('lists parked effects with their last error and puts one back in the queue', async () => {
      const list = capture();
      expect(await runParked(['--json'], list, { env, store })).toBe(0);
      const parked = JSON.parse(list.out_[0] ?? '[]') as {
        key: string;
        disputeId: string;
        lastError: string;
      }[];
      expect(parked).toHaveLength(1);
      expect(parked[0]).toMatchObject({ disputeId: 'd1', lastError: '403' });
      const retry = capture();
      expect(await runParked(['--retry', parked[0]?.key ?? ''], retry, { env, store })).toBe(0);
      expect(retry.out_[0]).toBe('Requeued 1 parked effect.');
      const row = await store.db
        .selectFrom('outbox')
        .selectAll()
        .where('key', '=', parked[0]?.key ?? '')
        .executeTakeFirst();
      expect(row).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await runParked(['--retry', parked[0]?.key ?? ''], capture(), { env, store })).toBe(1);
      const bad = capture();
      expect(await main(['parked', '--retry', 'a', '--retry-dispute', 'b'], bad)).toBe(2);
      expect(bad.err_[0]).toMatch(/not both/);
    });
  });
}
