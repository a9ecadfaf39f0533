/**
 * The case file of a dispute that went through emails, a meeting and agreed actions, exported by
 * `concord export … --format docx` and read back as the Word document's text: the minutes, each
 * agreed action with its owner and date, the outcome, the category's label, dates in words, and no
 * ISO timestamp, raw id or URL. And the procedure's recording template drives the layout: NEL's
 * nine headings and its stage table, IRO's agenda headings for a meeting's minutes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runExport } from '../../src/cli/commands/export.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { decide } from '../../src/domain/dispute/decide.ts';
import type { DisputeEvent, Effect, RecordEntry } from '../../src/domain/dispute/types.ts';
import { caseFileOf, caseFileText } from '../../src/export/case-file.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { createDisputeService } from '../../src/runtime/dispute-service.ts';
import type { Store } from '../../src/store/open-store.ts';
import { hasMachineDate } from '../../src/wording/dates.ts';
import { raise, settle, step, walkTo } from '../domain/dispute/walker.ts';
import { aneContextFor, aneRaise } from '../runtime/ane-context.ts';
import { ENGINES } from '../store/engines.ts';

const ID = 'case-x1';
const MINUTES = 'Both agencies agreed life-story work is overdue; Gateshead will start it before Christmas.';
const ACTIONS = [
  {
    description: 'Start life-story work with the child',
    owner: 'Team Manager, Gateshead',
    dueDate: '2026-12-18',
  },
  {
    description: 'Review progress at the looked-after review',
    owner: 'IRO, Adopt North East',
    dueDate: '2027-01-15',
  },
];

function capture(): CliIo & { out_: string[] } {
  const out_: string[] = [];
  return { out_, out: (l) => out_.push(l), err: (l) => out_.push(l) };
}

/** The visible text of a .docx: every w:t, paragraphs on their own lines. */
async function docxText(file: string): Promise<string> {
  const xml =
    (await (await JSZip.loadAsync(readFileSync(file))).file('word/document.xml')?.async('string')) ?? '';
  return xml
    .replace(/<\/w:p>/g, '\n')
    .replace(/<w:tab\/>/g, '\t')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

const engine = ENGINES[0];
if (!engine) throw new Error('no store engine');

describe('the case file of an ANE dispute that went through a meeting and agreed actions', () => {
  let store: Store;
  let dir: string;
  let text = '';
  let now = new Date('2026-11-23T10:00:00Z');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'concord-case-file-'));
    store = await engine.open();
    const service = createDisputeService({
      store,
      decide,
      contextFor: aneContextFor,
      clock: { now: () => now },
    });
    const apply = async (event: DisputeEvent) => {
      const result = await service.applyEvent(ID, event, { source: 'teams', procedureId: 'ane' });
      if (!result.ok) throw new Error(`refused ${event.type}: ${JSON.stringify(result)}`);
      now = new Date(now.getTime() + 2 * 3_600_000);
    };
    const effects = async <T extends Effect['type']>(type: T) =>
      (
        await store.db
          .selectFrom('outbox')
          .select('effect')
          .where('dispute_id', '=', ID)
          .where('type', '=', type)
          .execute()
      )
        .map((r) => r.effect as Extract<Effect, { type: T }>)
        .sort((a, b) => Number(a.key.split(':').at(-2)) - Number(b.key.split(':').at(-2)));
    const sentKeys = new Set<string>();

    await apply(aneRaise(ID));
    for (let i = 0; i < 40; i++) {
      const s = await service.get(ID);
      if (s?.status !== 'open') break;
      const by = s.stage.awaiting ?? s.stage.actor ?? s.owner;
      switch (s.stage.phase) {
        case 'awaiting-decision':
          await apply({ type: 'decision', by, choice: 'escalate' });
          break;
        case 'informal-contact':
          await apply({
            type: 'informal-outcome',
            by,
            resolved: false,
            summary: 'Spoke to the social worker; no change.',
          });
          break;
        case 'sending':
          for (const e of await effects('send-email')) {
            if (e.kind === 'notice' || sentKeys.has(e.key)) continue;
            sentKeys.add(e.key);
            await apply({
              type: 'message-sent',
              effectKey: e.key,
              kind: e.kind,
              internetMessageId: `<${e.key}@mail.example>`,
              conversationId: `conv-${s.stage.id}`,
            });
          }
          break;
        case 'awaiting-response':
          await apply({
            type: 'reply-received',
            internetMessageId: `<reply-${s.stage.id}@gateshead.example>`,
            conversationId: `conv-${s.stage.id}`,
            fromEmail: 'team-manager@gateshead.example',
            text: `Our answer at ${s.stage.id === 'stage-1' ? 'the first stage' : 'the second stage'}: we will look at it in the new year.`,
          });
          break;
        case 'awaiting-acknowledgement':
          await apply({
            type: 'acknowledged',
            by,
            agreed: false,
            note: 'The new year is too late for this child.',
          });
          break;
        case 'booking': {
          const book = (await effects('book-meeting')).at(-1);
          if (!book) throw new Error('no booking');
          const start = new Date(new Date(book.window.start).getTime() + 86_400_000);
          start.setUTCHours(10, 0, 0, 0);
          await apply({
            type: 'meeting-booked',
            effectKey: book.key,
            eventId: `event-${book.key}`,
            start: start.toISOString(),
            end: new Date(start.getTime() + book.durationMinutes * 60_000).toISOString(),
            joinUrl: 'https://teams.microsoft.com/l/meetup-join/case-x1',
          });
          break;
        }
        case 'meeting-booked': {
          const m = s.stage.meeting;
          if (!m?.eventId || !m.end) throw new Error('no booked meeting');
          now = new Date(m.end);
          await apply({ type: 'meeting-held', eventId: m.eventId });
          break;
        }
        case 'awaiting-outcome':
          await apply({
            type: 'outcome-recorded',
            by,
            resolved: true,
            summary: 'Resolved at the Stage 3 meeting.',
            minutes: MINUTES,
            actions: ACTIONS,
          });
          break;
        default:
          throw new Error(`unexpected phase ${s.stage.phase}`);
      }
    }
    const final = await service.get(ID);
    expect(final?.status).toBe('resolved');
    const out = path.join(dir, 'case.docx');
    const io = capture();
    expect(await runExport([ID, '--format', 'docx', '--out', out], io, { env: {}, store })).toBe(0);
    text = await docxText(out);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has the minutes, each agreed action with its owner and date, and the outcome', () => {
    expect(text).toContain('Meetings and minutes');
    expect(text).toContain(MINUTES);
    expect(text).toContain('Agreed actions');
    for (const a of ACTIONS) {
      expect(text).toContain(a.description);
      expect(text).toContain(a.owner);
    }
    expect(text).toContain('Friday 18 December 2026');
    expect(text).toContain('Friday 15 January 2027');
    expect(text).toContain('Resolved: Resolved at the Stage 3 meeting.');
  });

  it('says what was sent and received at each stage, and who took part', () => {
    expect(text).toContain('Formal Resolution Process – Stage 1');
    expect(text).toContain('Our answer at the first stage: we will look at it in the new year.');
    expect(text).toContain('The new year is too late for this child.');
    expect(text).toMatch(/Sent \d{2}:\d{2}, \w+day \d{1,2} \w+ 2026/);
    expect(text).toContain('(High Importance)');
  });

  it('names the category by its label, the agencies by name, and dates in words', () => {
    const ane = getProcedure('ane');
    const category = ane?.categories.find((c) => c.id === 'drift-and-delay');
    expect(text).toContain(category?.label ?? '(no label)');
    expect(text).not.toContain('drift-and-delay');
    // The agencies come from the directory (here the bundled ANE sample), not their ids.
    expect(text).toContain('Partner organisation\nGateshead Council');
    expect(text).toContain('Raising organisation\nAdopt North East');
    expect(text).toMatch(/Monday 23 November 2026/);
  });

  it('shows no ISO timestamp, raw id or URL anywhere', () => {
    expect(hasMachineDate(text)).toBe(false);
    expect(text).not.toMatch(/https?:\/\/|\bwww\./);
    // Email addresses are shown as addresses; ids are not.
    const withoutAddresses = text.replace(/[\w.-]+@[\w.-]+/g, '');
    for (const id of [ID, 'stage-1', 'stage-2', 'stage-3', 'team-manager', 'ane-resolution-meeting'])
      expect(withoutAddresses).not.toMatch(new RegExp(`(^|[^\\w-])${id}($|[^\\w-])`));
  });

  it("lays the minutes out under the procedure's agenda items", () => {
    const agenda = getProcedure('ane')?.record.agendas[0];
    for (const item of agenda?.items ?? []) expect(text).toContain(item.label);
  });

  it('keeps the case file in the JSON export too', async () => {
    const io = capture();
    expect(await runExport([ID, '--format', 'json'], io, { env: {}, store })).toBe(0);
    const data = JSON.parse(io.out_.join('\n'));
    expect(data.caseFile.title).toBe('Professional dispute record: ANE-2026-case-x1');
    expect(JSON.stringify(data.caseFile)).toContain(MINUTES);
  });
});

/** A walk through a procedure in memory, to its first meeting's outcome, as case-file input. */
function walkToMeeting(procedureId: string) {
  const procedure = getProcedure(procedureId);
  if (!procedure) throw new Error(procedureId);
  const w = raise(procedure);
  const events: {
    at: string;
    actor: string | null;
    stageId: string | null;
    type: string;
    event: DisputeEvent;
  }[] = [];
  const send = w.send.bind(w);
  w.send = (event: DisputeEvent) => {
    events.push({
      at: w.now.toISOString(),
      actor: null,
      stageId: w.state?.stage.id ?? null,
      type: event.type,
      event,
    });
    return send(event);
  };
  for (let i = 0; i < 80 && !w.s.outcomes.some((o) => o.minutes === MINUTES); i++) {
    const s = w.s.stage;
    const stage = procedure.stages.find((x) => x.id === s.id);
    if (
      s.phase === 'awaiting-outcome' &&
      stage?.meeting &&
      s.meeting?.status !== 'held' &&
      stage.meeting.when === 'if-needed'
    ) {
      w.send({ type: 'meeting-requested', by: s.awaiting ?? s.actor ?? w.s.owner });
      continue;
    }
    if (s.phase === 'awaiting-outcome' && s.meeting?.status === 'held') {
      w.send({
        type: 'outcome-recorded',
        by: s.awaiting ?? w.s.owner,
        resolved: true,
        summary: 'Agreed at the meeting.',
        minutes: MINUTES,
        actions: ACTIONS,
      });
      break;
    }
    step(w, false);
  }
  const records = w.effects.flatMap((e) => (e.type === 'record' ? [e.entry as RecordEntry] : []));
  return caseFileOf({
    state: w.s,
    procedure,
    records,
    timeline: events,
    effects: w.effects.map((effect) => ({ status: 'done', doneAt: null, effect })),
    exportedAt: w.now.toISOString(),
  });
}

describe('the recording template drives the case file, with no procedure-specific code', () => {
  it("NEL: the nine headings, and the stage table's columns", () => {
    const nel = getProcedure('nel-lscb-sab');
    const file = walkToMeeting('nel-lscb-sab');
    const all = caseFileText(file);
    expect(nel?.record.headings).toHaveLength(9);
    for (const h of nel?.record.headings ?? [])
      expect(all.join('\n').toLowerCase()).toContain(h.label.toLowerCase());
    const table = file.sections
      .find((s) => s.heading === 'Stage record')
      ?.blocks.find((b) => b.kind === 'table');
    expect(table && table.kind === 'table' ? table.columns : []).toEqual(
      nel?.record.stageTable?.columns.map((c) => c.label),
    );
    // Every heading is filled from the record, none left for a person to complete by hand.
    expect(all.join('\n')).not.toContain('complete this heading by hand');
    expect(all.join('\n')).toContain(MINUTES);
    expect(all.filter(hasMachineDate)).toEqual([]);
    // NEL is for children and adults: the raiser said it is about a child, so the words follow.
    expect(file.intro).toContain("the child's file");
  });

  it("IRO: a meeting's minutes sit under the DRP agenda's headings", () => {
    const iro = getProcedure('iro-drp');
    const file = walkToMeeting('iro-drp');
    const meetings = file.sections.find((s) => s.heading === 'Meetings and minutes');
    const subheadings = meetings?.blocks.flatMap((b) => (b.kind === 'subheading' ? [b.text] : [])) ?? [];
    for (const item of iro?.record.agendas[0]?.items ?? []) expect(subheadings).toContain(item.label);
    const afterDiscussion = meetings?.blocks.slice(
      meetings.blocks.findIndex((b) => b.kind === 'subheading' && b.text === 'Discussion'),
    );
    expect(JSON.stringify(afterDiscussion)).toContain(MINUTES);
    expect(caseFileText(file).filter(hasMachineDate)).toEqual([]);
  });

  it('NEL Stage 4: the file says whether the decision was relayed the day it was made, and a late one shows', () => {
    const procedure = getProcedure('nel-lscb-sab');
    if (!procedure) throw new Error('nel');
    const w = raise(procedure);
    walkTo(w, 4);
    settle(w, true);
    const decidedAt = w.s.outcomes.at(-1)?.at ?? '';
    const fileSentAt = (doneAt: string | null) =>
      caseFileText(
        caseFileOf({
          state: w.s,
          procedure,
          records: w.effects.flatMap((e) => (e.type === 'record' ? [e.entry as RecordEntry] : [])),
          timeline: [],
          effects: w.effects.map((effect) => ({ status: doneAt ? 'done' : 'pending', doneAt, effect })),
          exportedAt: '2026-12-01T09:00:00.000Z',
        }),
      ).join('\n');
    const sameDay = fileSentAt(decidedAt);
    expect(sameDay).toContain('Relayed on the day of the decision');
    expect(sameDay).toMatch(/Yes: decided and sent on \w+day \d+ \w+ 2026/);
    const late = fileSentAt('2026-12-01T08:00:00.000Z');
    expect(late).toContain('and the confirmation was sent on Tuesday 1 December 2026');
    expect(late).toContain(
      "relayed to the two parties' seniors and heads of service on the day the decision is made",
    );
    expect(fileSentAt(null)).toContain('the confirmation was not recorded as sent');
  });

  it('Solihull (adults): no "care plan", "child" or "allocated social worker" in its words', () => {
    const procedure = getProcedure('solihull-ssab');
    if (!procedure) throw new Error('solihull');
    const w = raise(procedure);
    const file = caseFileOf({
      state: w.s,
      procedure,
      records: w.effects.flatMap((e) => (e.type === 'record' ? [e.entry as RecordEntry] : [])),
      timeline: [],
      effects: [],
      exportedAt: w.now.toISOString(),
    });
    const ours = [file.intro, ...file.sections.map((s) => s.heading)].join('\n');
    expect(ours).not.toMatch(/care plan|child|allocated social worker/i);
    expect(file.intro).toContain("the adult's case file");
  });
});
