/**
 * Issue 10, IRO: "At any point in the process, where it is appropriate, the IRO may seek independent
 * legal advice". A procedure's `anytimeNotes` are things a named party may record at any stage: the
 * record says who recorded it and when; nobody else may record it; the card that asks for it quotes
 * what must not be recorded.
 */
import { describe, expect, it } from 'vitest';
import { cardViewOf } from '../../../src/cards/wording/cards.ts';
import { recordEntryText } from '../../../src/cards/wording/records.ts';
import { refusalText } from '../../../src/cards/wording/refusals.ts';
import { anytimeNotesFor } from '../../../src/domain/dispute/anytime-notes.ts';
import type { Effect } from '../../../src/domain/dispute/types.ts';
import { parseProcedure } from '../../../src/domain/procedure/schema.ts';
import { getProcedure } from '../../../src/procedures/index.ts';
import { person } from './fixtures.ts';
import { everyoneResolver, raise, step } from './walker.ts';

const iro = getProcedure('iro-drp')!;
const SEED_LEGAL =
  'At any point in the process, where it is appropriate, the IRO may seek independent legal advice in order to inform their own view and the dispute resolution process.';

type Rec = Extract<Effect, { type: 'record' }>;
const recordsIn = (effects: readonly Effect[]) => effects.filter((e): e is Rec => e.type === 'record');

describe('notes a party may record at any point', () => {
  it('the IRO procedure declares the independent legal advice note, quoting the seed, for the IRO', () => {
    const note = iro.anytimeNotes.find((n) => n.quote === SEED_LEGAL);
    expect(note).toBeDefined();
    expect(note!.by.role).toBe('iro');
  });

  it('the IRO records that independent legal advice was sought at Stage 1 and again at a later stage; each is on the record with who and when', () => {
    const w = raise(iro, { hosts: ['la', 'partner'] });
    const note = iro.anytimeNotes[0]!;
    const ownerIro = person('la', 'iro');
    const before = w.s.stage;
    w.at('2026-11-24T09:30:00Z').send({
      type: 'note-recorded',
      by: ownerIro,
      noteId: note.id,
      text: 'Advice sought from the council solicitor on the placement plan.',
    });
    // The step is untouched: whoever it was waiting for, it still is.
    expect(w.s.stage.phase).toBe(before.phase);
    expect(w.s.stage.awaiting?.id).toBe(before.awaiting?.id);
    const [line] = recordsIn(w.last);
    expect(line!.entry).toMatchObject({
      kind: 'note-recorded',
      at: '2026-11-24T09:30:00.000Z',
      between: [ownerIro.name],
    });
    const words = recordEntryText(line!.entry, iro);
    expect(words.summary).toContain(ownerIro.name);
    expect(words.summary).toContain(note.label);
    expect(words.outcome).toContain('council solicitor');
    // A later stage: still allowed.
    step(w, false);
    step(w, false);
    expect(w.s.stage.index).toBeGreaterThan(0);
    w.send({ type: 'note-recorded', by: ownerIro, noteId: note.id });
    expect(recordsIn(w.last)[0]!.entry.stageId).toBe(w.s.stage.id);
  });

  it('anyone else is refused, and an unknown note or an ended dispute is refused', () => {
    const w = raise(iro, { hosts: ['la', 'partner'] });
    const note = iro.anytimeNotes[0]!;
    const tm = person('partner', 'team-manager');
    const refusal = w.refused({ type: 'note-recorded', by: tm, noteId: note.id });
    expect(refusal.reason).toBe('not-your-step');
    expect(refusalText(refusal)).toMatch(/Only the allocated IRO/i);
    expect(w.refused({ type: 'note-recorded', by: person('la', 'iro'), noteId: 'no-such-note' }).code).toBe(
      'unknown-note',
    );
    expect(
      w.refused({ type: 'note-recorded', by: person('la', 'iro'), noteId: note.id, text: 'x'.repeat(2001) })
        .field,
    ).toBe('note');
    w.send({ type: 'withdrawn', by: person('la', 'iro'), reason: 'Resolved between the teams.' });
    expect(w.refused({ type: 'note-recorded', by: person('la', 'iro'), noteId: note.id }).reason).toBe(
      'dispute-not-open',
    );
  });

  it('the note is offered only to the person who may record it, with what must not be recorded quoted', () => {
    const w = raise(iro, { hosts: ['la', 'partner'] });
    const resolver = everyoneResolver(iro, ['la', 'partner']);
    const forIro = anytimeNotesFor({ state: w.s, procedure: iro, person: person('la', 'iro'), resolver });
    expect(forIro.map((n) => n.id)).toEqual([iro.anytimeNotes[0]!.id]);
    expect(forIro[0]!.mustNotRecord.join(' ')).toContain(
      'Views on the performance of individual staff, for example, must not be recorded.',
    );
    expect(
      anytimeNotesFor({ state: w.s, procedure: iro, person: person('partner', 'team-manager'), resolver }),
    ).toEqual([]);
  });

  it('offered by person, not by role: a second IRO in the same unit, whom the directory does not resolve for this dispute, is not offered it (and would be refused)', () => {
    const w = raise(iro, { hosts: ['la', 'partner'] });
    const resolver = everyoneResolver(iro, ['la', 'partner']);
    // Holds the role, on the raising side, but is not the IRO the directory finds for this dispute.
    const secondIro = { ...person('la', 'iro'), id: 'la.iro-2', name: 'iro 2, la', roles: ['iro'] };
    expect(anytimeNotesFor({ state: w.s, procedure: iro, person: secondIro, resolver })).toEqual([]);
    expect(w.refused({ type: 'note-recorded', by: secondIro, noteId: iro.anytimeNotes[0]!.id }).reason).toBe(
      'not-your-step',
    );
  });

  it('the schema checks the note: known role, unique id', () => {
    const raw = JSON.parse(JSON.stringify(iro)) as Record<string, unknown> & { anytimeNotes: unknown[] };
    raw.anytimeNotes = [
      { id: 'a', label: 'A', quote: 'q', by: { role: 'nobody', side: 'raising' } },
      { id: 'a', label: 'B', quote: 'q', by: { role: 'iro', side: 'raising' } },
    ];
    expect(() => parseProcedure(raw, 'x.json')).toThrow(
      /anytimeNotes\.0\.by\.role: unknown role "nobody"[\s\S]*anytimeNotes\.1\.id: duplicate/,
    );
  });

  it('the outcome card the IRO fills in quotes what must not be recorded', () => {
    const w = raise(iro, { hosts: ['la', 'partner'] });
    const cards = w.effects.filter((e) => e.type === 'send-card' && e.card === 'outcome');
    expect(cards.length).toBeGreaterThan(0);
    for (const c of cards)
      if (c.type === 'send-card') expect(cardViewOf(c).text.join(' ')).toContain('must not be recorded');
  });
});
