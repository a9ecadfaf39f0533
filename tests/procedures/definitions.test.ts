import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type ProcedureDefinition, ProcedureDefinitionError } from '../../src/domain/procedure/schema.ts';
import {
  getProcedure,
  loadProcedureFile,
  loadProcedures,
  PROCEDURE_IDS,
  stageWorkingDays,
} from '../../src/procedures/index.ts';

const PROCEDURES_DIR = new URL('../../src/procedures/', import.meta.url);
/** The five source documents, kept beside the tests so the quotes are checked on every clone. */
const SEEDS_DIR = new URL('../fixtures/seeds/', import.meta.url);

function procedure(id: string): ProcedureDefinition {
  const found = getProcedure(id);
  if (!found) throw new Error(`procedure ${id} did not load`);
  return found;
}

function stage(id: string, stageId: string) {
  const found = procedure(id).stages.find((s) => s.id === stageId);
  if (!found) throw new Error(`procedure ${id} has no stage ${stageId}`);
  return found;
}

/** The working days of every stage, keyed by stage id (null when not counted in working days). */
function timescales(id: string): Record<string, number | null> {
  return Object.fromEntries(procedure(id).stages.map((s) => [s.id, stageWorkingDays(s)]));
}

/** Every role a definition uses in a party, so we can check each is declared. */
function partyRoles(p: ProcedureDefinition): string[] {
  const roles: string[] = [];
  const add = (party?: { role: string; substitutes?: { role: string }[] }) => {
    if (!party) return;
    roles.push(party.role, ...(party.substitutes ?? []).map((s) => s.role));
  };
  for (const s of p.stages) {
    add(s.actor);
    add(s.entry?.decidedBy);
    for (const w of [...s.with, ...s.copy, ...s.inform]) add(w);
    add(s.meeting?.convener);
    for (const a of s.meeting?.attendees ?? []) add(a);
    add(s.reassignment?.returnsTo);
    add(s.outcomeInWriting?.by);
  }
  for (const r of p.exceptionalRoutes) {
    add(r.decidedBy);
    add(r.to);
  }
  add(p.record.owner);
  add(p.record.outcomesReturnTo);
  for (const c of p.record.closedBy) add(c);
  for (const a of p.afterResolution) add(a.to);
  return roles;
}

describe('bundled procedure definitions', () => {
  it('loads all five, in the contract order', () => {
    expect([...loadProcedures().keys()]).toEqual([
      'ane',
      'dudley-dscb',
      'iro-drp',
      'nel-lscb-sab',
      'solihull-ssab',
    ]);
    expect(PROCEDURE_IDS).toHaveLength(5);
  });

  it.each(PROCEDURE_IDS.map((id) => [id]))('%s: carries a version and its source document', (id) => {
    const p = procedure(id);
    expect(p.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(p.source.file).toMatch(/^00\d_[0-9a-f]{16}\.txt$/);
    expect(p.source.title.length).toBeGreaterThan(0);
  });

  // The seeds live beside the checkout (../shared/seeds); a clone without them skips this check.
  it.skipIf(!existsSync(fileURLToPath(SEEDS_DIR))).each(PROCEDURE_IDS.map((id) => [id]))(
    "%s: labels, headings and quotes are the seed document's own words",
    (id) => {
      const p = procedure(id);
      const seed = normalise(readFileSync(fileURLToPath(new URL(p.source.file, SEEDS_DIR)), 'utf8'));
      // Category labels and record headings are shown to people as-is, so each must be the seed's own words.
      for (const c of p.categories) expect(seed, `category ${c.id}`).toContain(normalise(c.label));
      for (const h of p.record.headings) expect(seed, `heading ${h.id}`).toContain(normalise(h.label));
      for (const c of p.record.stageTable?.columns ?? [])
        expect(seed, `column ${c.id}`).toContain(normalise(c.label));
      // Quotes may elide with "..." and carry an [editorial note]; every remaining piece is verbatim.
      for (const [path, text] of quotedText(p, p.id)) {
        for (const piece of text.replace(/\[[^\]]*\]/g, '...').split(/\s*\.\.\.\s*/)) {
          if (normalise(piece)) expect(seed, path).toContain(normalise(piece));
        }
      }
    },
  );

  it.each(PROCEDURE_IDS.map((id) => [id]))('%s: declares every role its parties use', (id) => {
    const p = procedure(id);
    const declared = new Set(p.roles.map((r) => r.id));
    for (const role of partyRoles(p)) expect(declared, role).toContain(role);
  });

  it.each(PROCEDURE_IDS.map((id) => [id]))(
    '%s: every stage after the first says who decides to enter it',
    (id) => {
      for (const s of procedure(id).stages.slice(1)) {
        expect(s.entry?.decidedBy.role, s.id).toBeTruthy();
        expect(s.entry?.quote, s.id).toBeTruthy();
      }
    },
  );
});

describe('ANE (seed 000)', () => {
  it('has the informal stage and four formal stages of 5 working days, capped at 20', () => {
    expect(timescales('ane')).toEqual({
      informal: null,
      'stage-1': 5,
      'stage-2': 5,
      'stage-3': 5,
      'stage-4': 5,
    });
    expect(procedure('ane').overall).toMatchObject({ workingDays: 20, strength: 'maximum' });
  });
});

describe('Dudley DSCB (seed 001)', () => {
  const dudley = () => procedure('dudley-dscb');

  it('has stages 1, 2, 3a and 3b, all urgency-led', () => {
    expect(dudley().stages.map((s) => [s.id, s.channel, s.timescale.kind])).toEqual([
      ['stage-1', 'discussion', 'urgency-led'],
      ['stage-2', 'discussion', 'urgency-led'],
      ['stage-3a', 'meeting', 'urgency-led'],
      ['stage-3b', 'written', 'urgency-led'],
    ]);
    expect(stage('dudley-dscb', 'stage-1').quote).toContain('verbally or in writing');
    expect(stage('dudley-dscb', 'stage-3b').meeting?.quote).toContain('meet to achieve a final resolution');
    expect(stage('dudley-dscb', 'stage-3b').final).toBe(true);
    expect(dudley().overall).toBeNull();
  });

  it('has the urgency levels immediately / within 24 hours / over a longer period', () => {
    expect(dudley().urgencyLevels?.map((u) => [u.id, u.timescale])).toEqual([
      ['immediately', expect.objectContaining({ kind: 'hours', hours: 1 })],
      ['within-24-hours', expect.objectContaining({ kind: 'hours', hours: 24 })],
      ['longer-period', expect.objectContaining({ kind: 'proportionate', idealMaxWorkingDays: null })],
    ]);
  });

  it('copies the Dudley MBC Head of Safeguarding at 3a', () => {
    const copy = stage('dudley-dscb', 'stage-3a').copy;
    expect(copy).toHaveLength(1);
    expect(copy[0]).toMatchObject({ role: 'head-of-safeguarding' });
    expect(copy[0]?.quote).toContain('Dudley MBC Head of Safeguarding should be copied');
  });

  it('lets the safeguarding lead or head teacher deal with stages 2 and 3', () => {
    const substitutes = (stageId: string) =>
      stage('dudley-dscb', stageId).actor.substitutes.map((s) => s.role);
    expect(substitutes('stage-2')).toEqual(['safeguarding-lead', 'safeguarding-lead', 'head-teacher']);
    expect(substitutes('stage-3a')).toEqual(['safeguarding-lead', 'head-teacher']);
    expect(substitutes('stage-3b')).toContain('head-teacher');
  });

  it('offers the DSCB Independent Chair from 3b, written confirmation, a debrief and policy gaps to the Chair', () => {
    expect(dudley().exceptionalRoutes).toEqual([
      expect.objectContaining({
        from: ['stage-3b'],
        to: expect.objectContaining({ role: 'board-independent-chair', side: 'independent' }),
      }),
    ]);
    expect(dudley().writtenConfirmation?.quote).toContain('written confirmation between the parties');
    expect(dudley().afterResolution.map((a) => [a.kind, a.to?.role])).toEqual([
      ['debrief', undefined],
      ['policy-gap', 'board-chair'],
    ]);
  });

  it('lists the eight example situations (not the empty bullet)', () => {
    expect(dudley().categories).toHaveLength(8);
    expect(dudley().categories.every((c) => c.label.trim().length > 1)).toBe(true);
  });
});

describe('IRO DRP (seed 002)', () => {
  const iro = () => procedure('iro-drp');

  it('has six stages: discussion, reassignment to group manager / service manager / AD, then Director WCL and Chief Executive', () => {
    expect(iro().stages.map((s) => [s.id, s.actor.role, s.channel])).toEqual([
      ['stage-1', 'iro', 'discussion'],
      ['stage-2', 'group-manager', 'reassignment'],
      ['stage-3', 'service-manager', 'reassignment'],
      ['stage-4', 'assistant-director', 'reassignment'],
      ['stage-5', 'director', 'written'],
      ['stage-6', 'chief-executive', 'written'],
    ]);
    expect(timescales('iro-drp')).toEqual({
      'stage-1': 5,
      'stage-2': 5,
      'stage-3': 5,
      'stage-4': 5,
      'stage-5': 5,
      'stage-6': null,
    });
    expect(stage('iro-drp', 'stage-1').quote).toContain('by means of email alone');
    for (const id of ['stage-2', 'stage-3', 'stage-4']) {
      expect(stage('iro-drp', id).reassignment?.returnsTo.role, id).toBe('iro');
    }
  });

  it('expects 20 working days overall, from raising', () => {
    expect(iro().overall).toMatchObject({ workingDays: 20, from: 'raised', strength: 'expected' });
  });

  it('lets only the IRO close the record, and returns outcomes to the IRO', () => {
    expect(iro().record.owner.role).toBe('iro');
    expect(iro().record.closedBy.map((c) => c.role)).toEqual(['iro']);
    expect(iro().record.outcomesReturnTo?.role).toBe('iro');
    expect(iro().record.quote).toContain('The form should only be authorised by the IRO');
    expect(iro().record.mustNotRecord).toEqual([
      'Views on the performance of individual staff, for example, must not be recorded.',
    ]);
  });

  it('informs the CSSU service manager by stage 3', () => {
    const inform = stage('iro-drp', 'stage-3').inform;
    expect(inform).toEqual([
      expect.objectContaining({ role: 'cssu-service-manager', unlessAlreadyInformed: true }),
    ]);
    expect(inform[0]?.quote).toContain(
      'by the time the dispute has been escalated to the Service Manager (stage 3)',
    );
    for (const id of ['stage-1', 'stage-2']) expect(stage('iro-drp', id).inform, id).toEqual([]);
  });

  it('carries the Appendix 1 agenda with its nested Outcome items', () => {
    const agenda = iro().record.agendas.find((a) => a.id === 'drp-meeting');
    expect(agenda?.items.map((i) => i.label)).toEqual([
      "Child's details",
      'Meeting details',
      'Reason for meeting',
      'Views of parties involved',
      'Actions taken to date',
      'Discussion',
      'Outcome',
    ]);
    expect(agenda?.items.at(-1)?.children).toEqual([
      'Dispute resolved – provide detail',
      'Dispute remains – provide detail',
      'Next steps (Escalation / Legal Advice etc...)',
    ]);
    expect(stage('iro-drp', 'stage-3').meeting?.agenda).toBe('drp-meeting');
  });

  it('refers to CAFCASS by Egress secure email after the Chief Executive; the IRO may bypass stages', () => {
    expect(iro().exceptionalRoutes).toEqual([
      expect.objectContaining({
        from: ['stage-6'],
        decidedBy: expect.objectContaining({ role: 'iro' }),
        to: expect.objectContaining({ role: 'cafcass', side: 'independent' }),
      }),
    ]);
    expect(iro().exceptionalRoutes[0]?.means).toContain('sent securely via the Egress email system');
    const bypass = iro().stageOrder.bypass;
    expect(bypass === false ? null : bypass.by.role).toBe('iro');
    expect(iro().stageOrder.quote).toContain('IRO Handbook');
  });

  it('requires a LAC Review within 4 weeks after a significant change to the plan', () => {
    expect(iro().afterResolution).toEqual([
      expect.objectContaining({ kind: 'plan-review', within: { weeks: 4 } }),
    ]);
  });
});

describe('NEL LSCB/SAB (seed 003)', () => {
  const nel = () => procedure('nel-lscb-sab');

  it('has informal then stages 1–4; stage 2 is proportionate with an ideal maximum of 15 working days', () => {
    expect(nel().stages.map((s) => s.id)).toEqual(['informal', 'stage-1', 'stage-2', 'stage-3', 'stage-4']);
    expect(stage('nel-lscb-sab', 'stage-2').timescale).toMatchObject({
      kind: 'proportionate',
      idealMaxWorkingDays: 15,
    });
    expect(stage('nel-lscb-sab', 'stage-2').meeting?.when).toBe('if-needed');
    expect(stage('nel-lscb-sab', 'stage-1').with[0]?.substitutes.map((s) => s.role)).toEqual([
      'safeguarding-lead',
    ]);
    expect(stage('nel-lscb-sab', 'stage-4').final).toBe(true);
  });

  it('relays the Stage 4 decision to the seniors and heads of service the day it is made, in the seed’s words', () => {
    expect(stage('nel-lscb-sab', 'stage-4').outcomeInWriting?.sameDay?.quote).toBe(
      "A final decision on the matter should be made by the relevant Directors and the final decision relayed to the two parties' seniors and heads of service on the day the decision is made.",
    );
    // Only the final decision carries the rule.
    expect(
      nel()
        .stages.filter((s) => s.outcomeInWriting?.sameDay)
        .map((s) => s.id),
    ).toEqual(['stage-4']);
  });

  it('usually resolves within 25 working days of raising', () => {
    expect(nel().overall).toMatchObject({ workingDays: 25, from: 'raised', strength: 'usual' });
  });

  it('sends immediate risk to emergency services / MASH / SPA on the day the concern arises', () => {
    expect(nel().immediateRisk.quote).toContain('on the day the concern arises');
    expect(nel().immediateRisk.contacts.map((c) => c.for)).toEqual([
      'anyone in immediate danger',
      'children',
      'adults',
    ]);
  });

  it('offers the independent board panel from stage 4 when ADs feel independence is required', () => {
    expect(nel().exceptionalRoutes).toEqual([
      expect.objectContaining({
        from: ['stage-4'],
        decidedBy: expect.objectContaining({ role: 'assistant-director' }),
        to: expect.objectContaining({ role: 'independent-panel', side: 'independent' }),
        condition: 'Where ADs feel a level of independence is required',
      }),
    ]);
  });

  it('records the 9 key headings in order, and the per-stage table', () => {
    expect(nel().record.headings.map((h) => h.label)).toEqual([
      'Case name or PID number',
      'Names, agency and status of those making contact',
      'Stage of escalation (1,2 3 or 4)',
      'Type or nature of contact made – (whether or not it is a call, email, meeting etc.)',
      'The issue or factors that are in dispute',
      'Summary of the discussion',
      'Actions and next steps agreed with decision made',
      'Names and status of decision-makers',
      'Dates of completion of each stage',
    ]);
    expect(nel().record.stageTable?.columns.map((c) => c.label)).toEqual([
      'Stage',
      'Type of contact',
      'Contact between',
      'Summary of discussion',
      'Outcome of discussion and further action agreed or next steps if appropriate',
      'Date',
    ]);
    expect(nel().contacts.map((c) => c.value)).toEqual(['01472 326292', '01472 256256', '01472 326118']);
  });
});

describe('Solihull SSAB (seed 004)', () => {
  const solihull = () => procedure('solihull-ssab');

  it('has four stages; 5 working days at stages 1 and 2; mediation by the sub-committee chair is final', () => {
    expect(timescales('solihull-ssab')).toEqual({
      'stage-1': 5,
      'stage-2': 5,
      'stage-3': null,
      'stage-4': null,
    });
    expect(stage('solihull-ssab', 'stage-4')).toMatchObject({
      channel: 'meeting',
      final: true,
      actor: { role: 'sub-committee-chair', side: 'independent' },
    });
    expect(solihull().appliesTo).toBe('adults');
  });

  it('gives feedback to the raiser at every stage (2.8)', () => {
    for (const s of solihull().stages) {
      expect(s.feedbackToRaiser?.quote, s.id).toContain(
        'the person who originally raised the concern is given feedback',
      );
    }
  });

  it('routes a conflict of interest to the SSAB Independent Chair instead of the sub-committee chair', () => {
    expect(solihull().exceptionalRoutes).toEqual([
      expect.objectContaining({
        insteadOf: 'stage-4',
        to: expect.objectContaining({ role: 'board-independent-chair', side: 'independent' }),
        condition: expect.stringContaining('conflict of interest'),
      }),
    ]);
    expect(solihull().exceptionalRoutes[0]?.means).toContain('SSAB Business Team');
  });

  it('puts conduct concerns out of scope and refers learning to the sub-committee', () => {
    expect(solihull().outOfScope).toEqual([
      expect.objectContaining({ instead: 'West Midlands Position of Trust Framework' }),
    ]);
    expect(solihull().afterResolution.map((a) => a.kind)).toEqual(['learning-referral', 'debrief']);
    expect(solihull().writtenConfirmation?.quote).toContain('written confirmation between the parties');
    expect(solihull().contacts.map((c) => c.value)).toContain('ssab@solihull.gov.uk');
    expect(solihull().immediateRisk.quote).toContain('unless the adult is at immediate risk');
  });
});

describe('a broken definition fails loudly, naming the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'concord-procedures-'));
  const dirUrl = pathToFileURL(`${dir}/`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ane = () => JSON.parse(readFileSync(fileURLToPath(new URL('ane.json', PROCEDURES_DIR)), 'utf8'));

  function loadBroken(mutate: (raw: ReturnType<typeof ane>) => void): unknown {
    const raw = ane();
    mutate(raw);
    writeFileSync(join(dir, 'ane.json'), JSON.stringify(raw));
    try {
      loadProcedureFile('ane', dirUrl);
    } catch (error) {
      return error;
    }
    throw new Error('the broken definition loaded');
  }

  it('a negative working-day count', () => {
    const error = loadBroken((raw) => {
      raw.stages[1].timescale.workingDays = -1;
    });
    expect(error).toBeInstanceOf(ProcedureDefinitionError);
    expect((error as ProcedureDefinitionError).message).toContain('stages.1.timescale.workingDays');
    expect((error as ProcedureDefinitionError).issues.map((i) => i.path)).toEqual([
      'stages.1.timescale.workingDays',
    ]);
  });

  it('an unknown role', () => {
    const error = loadBroken((raw) => {
      raw.stages[2].actor.role = 'chief-wizard';
    });
    expect(error).toBeInstanceOf(ProcedureDefinitionError);
    expect((error as Error).message).toContain('stages.2.actor.role');
    expect((error as Error).message).toContain('unknown role "chief-wizard"');
  });

  it('a missing entry decision', () => {
    const error = loadBroken((raw) => {
      delete raw.stages[3].entry;
    });
    expect(error).toBeInstanceOf(ProcedureDefinitionError);
    expect((error as Error).message).toContain('stages.3.entry');
  });

  it('an exceptional route from an unknown stage (in another seed)', () => {
    const raw = JSON.parse(readFileSync(fileURLToPath(new URL('nel-lscb-sab.json', PROCEDURES_DIR)), 'utf8'));
    raw.exceptionalRoutes[0].from = ['stage-9'];
    writeFileSync(join(dir, 'nel-lscb-sab.json'), JSON.stringify(raw));
    expect(() => loadProcedureFile('nel-lscb-sab', dirUrl)).toThrow(/exceptionalRoutes\.0\.from\.0/);
  });
});

/** Every seed-quoted string in a definition, with its path: quotes, conditions, means, substitutes' `when`. */
function quotedText(value: unknown, path: string): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => quotedText(item, `${path}.${i}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]): [string, string][] => {
    const at = `${path}.${key}`;
    if (typeof item === 'string') {
      const quoted =
        ['quote', 'importanceQuote', 'condition', 'means'].includes(key) ||
        (key === 'when' && at.includes('.substitutes.'));
      return quoted ? [[at, item]] : [];
    }
    if (key === 'mustNotRecord' || key === 'children')
      return (item as string[]).map((text, i) => [`${at}.${i}`, text]);
    return quotedText(item, at);
  });
}

/** Collapses whitespace and the seed's markup (markdown emphasis, <u>), so quotes can be compared with the seed. */
function normalise(text: string): string {
  return text
    .replace(/\*\*|\*|<\/?u>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('procedures and the directory share one role vocabulary', () => {
  it("every role a procedure names can be held by a person in that procedure's sample directory", async () => {
    const { loadDirectory } = await import('../../src/directory/load.ts');
    const { loadProcedures } = await import('../../src/procedures/index.ts');
    const { SAMPLE_DIRECTORIES } = await import('../../src/directory/samples.ts');
    const missing: string[] = [];
    for (const p of loadProcedures().values()) {
      const file = SAMPLE_DIRECTORIES[p.id as keyof typeof SAMPLE_DIRECTORIES];
      const held = new Set((await loadDirectory(file)).people.flatMap((person) => person.roles));
      missing.push(...p.roles.filter((r) => !held.has(r.id)).map((r) => `${p.id}:${r.id}`));
    }
    expect(missing).toEqual([]);
  });
});
