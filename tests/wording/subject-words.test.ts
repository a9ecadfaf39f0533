/**
 * Issue 10, "Wording follows the procedure": emails, dispute cards and meeting invitations say whom a
 * dispute is about in its procedure's terms (NEL: the raiser's answer; Solihull: adults; ANE, IRO and
 * Dudley: children), and Concord's own words never say "child" or "care plan" in an adult's dispute,
 * nor "adult at risk" in a child's. The procedure's own words are quoted as they are.
 */
import { describe, expect, it } from 'vitest';
import { disputeDetailModel } from '../../src/cards/from-domain.ts';
import { cardViewOf } from '../../src/cards/wording/cards.ts';
import type { Effect } from '../../src/domain/dispute/types.ts';
import type { ProcedureDefinition } from '../../src/domain/procedure/schema.ts';
import { invitationHtml } from '../../src/email/invitation.ts';
import { emailViewOf } from '../../src/email/wording.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { person, RAISE_DETAILS, raiseConfirmations, Walk } from '../domain/dispute/fixtures.ts';
import { everyoneResolver, step } from '../domain/dispute/walker.ts';

const WHO = { child: 'A child or young person', adult: 'An adult at risk' } as const;
const NOT_FOR = { adult: /\bchild|care plan|social worker/i, child: /adult at risk/i } as const;

/** Every string in the procedure file: its own words, which are quoted as they are. */
function procedureStrings(p: ProcedureDefinition): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(p);
  return out.filter((s) => s.length > 3).sort((a, b) => b.length - a.length);
}

/** Walks a dispute to its end (not resolved until the last stage) and keeps every effect. */
function walkWhole(procedure: ProcedureDefinition, about: 'child' | 'adult'): Walk {
  const urgency = procedure.urgencyLevels?.[0]?.id;
  const w = new Walk(procedure, everyoneResolver(procedure, ['la']), '2026-11-23T10:00:00Z').send({
    type: 'raised',
    disputeId: 'w1',
    by: person('la', procedure.stages[0]!.actor.role),
    immediateRiskChecked: true,
    caseReference: 'CASE-2026-007',
    raisingOrganisationId: 'la',
    counterpartOrganisationId: 'partner',
    category: procedure.categories[0]!.id,
    ...(urgency ? { urgency } : {}),
    ...raiseConfirmations(procedure, about),
    details: { ...RAISE_DETAILS, informalAttempts: 'Discussed with the worker on 2 Nov; no change.' },
  });
  for (let i = 0; i < 80 && w.s.status === 'open'; i++) {
    const last = w.s.stage.index === procedure.stages.length - 1;
    try {
      step(w, last && w.s.stage.phase !== 'awaiting-decision');
    } catch {
      break;
    }
  }
  return w;
}

const CASES: readonly { id: string; about: 'child' | 'adult' }[] = [
  { id: 'nel-lscb-sab', about: 'adult' },
  { id: 'nel-lscb-sab', about: 'child' },
  { id: 'solihull-ssab', about: 'adult' },
  { id: 'iro-drp', about: 'child' },
  { id: 'dudley-dscb', about: 'child' },
  { id: 'ane', about: 'child' },
];

describe('who the dispute is about, in the procedure’s words', () => {
  it.each(CASES)('$id, about $about: emails, cards and invitations', ({ id, about }) => {
    const procedure = getProcedure(id)!;
    const w = walkWhole(procedure, about);
    const own = procedureStrings(procedure);
    const ours = (text: string) => own.reduce((t, s) => t.split(s).join(' '), text);
    const texts: { where: string; text: string }[] = [];

    const emails = w.effects.filter(
      (e): e is Extract<Effect, { type: 'send-email' }> => e.type === 'send-email',
    );
    expect(emails.length).toBeGreaterThan(0);
    let withDetails = 0;
    for (const e of emails) {
      const view = emailViewOf(e);
      const fields = view.fields.map((f) => `${f.label}: ${f.value}`);
      if (view.fields.some((f) => f.label === 'Case reference')) {
        withDetails += 1;
        expect(fields, `${e.message.kind} email`).toContain(`About: ${WHO[about]}`);
      }
      texts.push({
        where: `${e.message.kind} email`,
        text: [view.subject, ...view.paragraphs, ...fields].join('\n'),
      });
    }
    expect(withDetails).toBeGreaterThan(0);

    for (const b of w.effects.filter(
      (e): e is Extract<Effect, { type: 'book-meeting' }> => e.type === 'book-meeting',
    )) {
      const html = invitationHtml(b, { start: b.window.start, end: b.window.end });
      expect(html).toContain(`<strong>About:</strong> ${WHO[about]}`);
      texts.push({ where: 'invitation', text: html });
    }
    for (const c of w.effects.filter(
      (e): e is Extract<Effect, { type: 'send-card' }> => e.type === 'send-card',
    )) {
      const view = cardViewOf(c);
      texts.push({ where: `${c.intent.kind} card`, text: [view.title, ...view.text].join('\n') });
    }
    const detail = disputeDetailModel({
      state: w.s,
      procedure,
      records: [],
      partnerOrganisation: 'Partner',
      now: w.now.toISOString(),
      viewer: { personId: null, refreshUserIds: [] },
    });
    expect(detail.about).toBe(WHO[about]);

    // Concord's own words (the procedure's quoted away) never name the other kind of subject.
    const wrong = texts.filter((t) => NOT_FOR[about].test(ours(t.text).replace(RAISE_DETAILS.issue, '')));
    expect(wrong.map((t) => `${t.where}: ${ours(t.text).match(NOT_FOR[about])?.[0]}`)).toEqual([]);
  });
});
