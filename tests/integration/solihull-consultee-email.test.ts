/**
 * Issue 10, Solihull 2.3, through `createApp`, the real adapters, the emulator and the test clock
 * (tests/support/journey.ts): "If an agency is unsure about another agency's management structure
 * or who an agency's safeguarding lead is the Safeguarding Adults Board Business Team should be
 * consulted via ssab@solihull.gov.uk." Here the Business Team is in another tenant (a partnership
 * whose board runs its own Microsoft 365), so the consultation is a High Importance email on a
 * tracked thread: the Business Team replies from Outlook, and the answer is tracked
 * (`consultation-answered`), shown on the card of the manager holding the stage (by name, not
 * address), and kept in the case file. solihull-business-team.test.ts has the host-tenant case.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textOf } from '../bot/harness.ts';
import { journeyPerTest, plain, recordKinds } from '../support/journey.ts';

const CONSULT =
  "If an agency is unsure about another agency's management structure or who an agency's safeguarding lead is the Safeguarding Adults Board Business Team should be consulted via ssab@solihull.gov.uk.";
const TEAM = 'ssab@ssab.solihull.example';
const LINE_MANAGER = 'solihull-adults-line-manager';
const ANSWER =
  'Riverside Housing’s safeguarding lead is the Tenancy Services Manager, reached through the housing office.';

/**
 * The Solihull sample with the SSAB Business Team in a tenant of its own, and a housing provider
 * whose structure the directory does not know (only its support worker).
 */
function directoryFile(): string {
  const d = JSON.parse(readFileSync('directory/sample-solihull.json', 'utf8')) as {
    organisations: Record<string, unknown>[];
    people: Record<string, unknown>[];
  };
  const ssab = d.organisations.find((o) => o.id === 'ssab');
  if (!ssab) throw new Error('no ssab in the sample');
  ssab.tenant = 'external';
  ssab.tenantId = '0a7e5000-0000-4000-8000-000000000498';
  delete ssab.sharedMailbox;
  d.organisations.push({
    id: 'riverside-housing',
    name: 'Riverside Housing Association (fictional)',
    kind: 'other',
    domain: 'riverside-housing.example',
    tenant: 'external',
    tenantId: '0a7e5000-0000-4000-8000-000000000499',
    division: 'england-and-wales',
    procedures: ['solihull-ssab'],
    workingHours: { start: '09:00', end: '17:00' },
  });
  d.people.push({
    id: 'riverside-housing-support-worker',
    displayName: 'Support Worker, Riverside Housing Association',
    email: 'support.worker@riverside-housing.example',
    organisation: 'riverside-housing',
    jobTitle: 'Support Worker',
    roles: ['practitioner'],
  });
  const file = join(
    mkdtempSync(join(tmpdir(), 'concord-consultee-')),
    'solihull-external-business-team.json',
  );
  writeFileSync(file, JSON.stringify(d, null, 2));
  return file;
}

const open = journeyPerTest({
  sample: 'solihull',
  procedureId: 'solihull-ssab',
  directoryFile: directoryFile(),
});

describe('Solihull: the SSAB Business Team in another tenant is consulted by email', () => {
  it('gets the High Importance consultation, replies from Outlook, and the answer reaches the line manager’s card and the case file', async () => {
    const w = await open();
    await w.raise({
      raiser: 'solihull-adults-staff-member',
      raising: 'solihull-adults',
      counterpart: 'riverside-housing',
    });
    const s = await w.walkTo((x) => x.stage.id === 'stage-2' && x.stage.phase === 'awaiting-outcome');
    expect(s.stage.awaiting?.id).toBe(LINE_MANAGER);
    const team = w.person('ssab-business-team');
    // Stage 1: the support worker answered on the thread; the raiser's card names them, not their address.
    const raiserCards = w.cardTexts('solihull-adults-staff-member');
    expect(
      raiserCards.some((t) =>
        t.includes('Reply from Support Worker, Riverside Housing Association: Our response'),
      ),
    ).toBe(true);
    expect(raiserCards.some((t) => t.includes('Reply from support.worker@'))).toBe(false);

    // The Business Team has the consultation in its own inbox: High Importance, the case, the
    // procedure's words, and who it is asked about. No Teams card can reach another tenant.
    const asked = await w.mailTo(TEAM, 'the consultation', (m) => m.text.includes(CONSULT));
    expect(asked.importance).toBe('high');
    expect(asked.subject).toContain(w.caseReference);
    expect(asked.text).toContain('their opposite number in the other agency');
    expect(w.world.connector.deliveriesTo('ssab-business-team')).toEqual([]);
    // The line manager's card says the Business Team was consulted, and nothing has come back yet.
    const before = await w.cardTo(LINE_MANAGER, 'the Stage 2 outcome card', (t) =>
      t.includes(`it has consulted ${team.name}`),
    );
    expect(plain(textOf(before.card))).not.toContain(ANSWER);

    await w.reply(TEAM, asked, ANSWER);
    const answered = await w.settled('the consultee’s answer on the thread', async () =>
      (await w.state()).stage.thread.find((m) => m.kind === 'consultation-reply'),
    );
    expect(answered.text).toContain(ANSWER);
    const after = await w.state();
    // Still the line manager's step: the answer informs it, it does not end it.
    expect(after.stage.id).toBe('stage-2');
    expect(after.stage.phase).toBe('awaiting-outcome');
    expect(after.stage.awaiting?.id).toBe(LINE_MANAGER);

    // The answer is on the line manager's card, labelled by the Business Team's name, not its address.
    const shown = await w.cardTo(LINE_MANAGER, 'the card with the answer', (t) => t.includes(ANSWER));
    const shownText = plain(textOf(shown.card));
    expect(shownText).toContain(
      `Reply from ${team.name} (Solihull Safeguarding Adults Board Business Team (fictional)): ${ANSWER}`,
    );
    expect(shownText).not.toContain(`Reply from ${TEAM}`);

    // Tracked and on the file.
    expect(recordKinds(await w.exported())).toEqual(
      expect.arrayContaining(['consulted', 'consultation-answered']),
    );
    const file = await w.caseFileText();
    expect(file).toContain(ANSWER);
    expect(file).toContain(team.name);
    // The support worker's Stage 1 reply is filed under their name, not their address.
    expect(file).toMatch(/from Support Worker, Riverside Housing Association/);
    expect(file).not.toMatch(/from support\.worker@riverside-housing\.example/);

    // The line manager goes on with what the Business Team said; the stage records it as usual.
    await w.act({
      type: 'outcome-recorded',
      by: w.person(LINE_MANAGER),
      resolved: true,
      summary: 'Agreed with the Tenancy Services Manager: a joint review of the support plan.',
    });
    expect((await w.state()).status).toBe('resolved');
  }, 120_000);
});
