/**
 * Issue 13, done-when: headless Chromium (Debian's, through playwright-core; localhost only) opens
 * the Disputes tab in local mode, signed in through the local Microsoft 365's issuer:
 * - as the Team Manager, sees each seeded dispute with its step, whose move and RAG, opens one with
 *   the keyboard and reads its timeline;
 * - as a person with no part in it, cannot see it (the page says so, and the API refuses);
 * - as the oversight role, the dashboard's figures match the table this test works out from what it
 *   seeded, and the CSV and DOCX reports hold the same figures.
 * Screenshots (light and dark) go to tests/tab/__screenshots__/output/, or to CONCORD_SCREENSHOTS
 * (`CONCORD_SCREENSHOTS=docs/screenshots npx vitest run tests/tab/tab-browser.test.ts` refreshes the README's).
 */

import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DisputeEvent } from '../../src/domain/dispute/types.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { hasMachineDate } from '../../src/wording/dates.ts';
import { raiseConfirmations } from '../domain/dispute/fixtures.ts';
import { browserUnavailable, CHROMIUM, launchBrowser, localhostOnly } from '../support/chromium.ts';
import { type ConcordApp, startConcordApp } from '../support/concord-app.ts';
import { type Seeded, seedDisputes, signIn } from './seed.ts';

/** What the page functions below read of the browser's DOM (the tests compile without the DOM types). */
declare const document: {
  activeElement: { id: string } | null;
  body: { className: string };
  querySelector(selector: string): { textContent: string | null } | null;
};

const SKIP = browserUnavailable();
if (SKIP) console.warn(`SKIPPED: the tab's browser tests: ${SKIP}`);
/** On CI with Chromium installed these must run. */
const MUST_RUN = process.env.CI === 'true' && existsSync(CHROMIUM);
const SHOTS = process.env.CONCORD_SCREENSHOTS
  ? path.resolve(process.env.CONCORD_SCREENSHOTS)
  : fileURLToPath(new URL('./__screenshots__/output/', import.meta.url));

const STAGE_1 = 'Formal Resolution Process – Stage 1';
const INFORMAL = 'Informal Resolution';
const TM = 'Team Manager, Adopt North East';

/** What the seed made, worked out by hand (tests/tab/seed.ts says why each is so). */
const EXPECTED_ROWS = {
  'ANE-T-0101': { step: STAGE_1, whose: 'Yours', rag: 'red' },
  'ANE-T-0102': { step: STAGE_1, whose: 'No one', rag: 'green' },
  'ANE-T-0103': { step: INFORMAL, whose: 'Yours', rag: 'none' },
  'ANE-T-0104': { step: INFORMAL, whose: 'No one', rag: 'none' },
};

/** The dashboard for January 2027 as at 20 January 10:00, from the seed alone. */
const EXPECTED_TABLES: Record<string, string[][]> = {
  totals: [
    ['Disputes in the period', '4'],
    ['Raised in the period', '4'],
    ['Ended in the period', '1'],
    ['Open at the end of the period', '3'],
  ],
  'open-by-stage': [
    ['ANE', INFORMAL, '1'],
    ['ANE', STAGE_1, '2'],
  ],
  rag: [
    ['red', 'Overdue', '1'],
    ['amber', 'Half the time used', '0'],
    ['green', 'On track', '1'],
    ['none', 'No fixed timescale', '1'],
  ],
  // Due at the end of Monday 18 January; Tuesday 19 and Wednesday 20 are the working days past it.
  'overdue-steps': [['ANE-T-0101', 'ANE', STAGE_1, TM, 'Adopt North East', 'Monday 18 January 2027', '2']],
  // ANE-T-0104: raised Monday 11, accepted Wednesday 13 = 2 working days; the cap is 20.
  resolution: [['ANE', '20', '', '1', '2', '2', '2', '2', '2', '0']],
  'breaches-by-stage': [['ANE', STAGE_1, '1']],
  'by-category': [
    ['ANE', 'Incomplete documentation', '2'],
    ['ANE', 'Social Work Visits not undertaken to the agreed level', '2'],
  ],
  'by-organisation-pair': [
    ['Adopt North East', 'Gateshead Council', '3'],
    ['Adopt North East', 'Newcastle City Council', '1'],
  ],
};

let w: ConcordApp;
let ids: Seeded;
let browser: Browser;

async function open(url: string, theme: 'default' | 'dark' | 'contrast' = 'default'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await localhostOnly(page);
  await page.goto(`${w.url}${url}${url.includes('?') ? '&' : '?'}theme=${theme}`);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

/** A table's body rows as the text of their cells. */
const rowsOf = (page: Page, selector: string) =>
  page.$$eval(`${selector} tbody tr`, (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())),
  );

describe.skipIf(SKIP !== null)('the Disputes tab and the dashboard in Chromium (local mode)', () => {
  beforeAll(async () => {
    w = await startConcordApp();
    ids = await seedDisputes(w);
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  }, 30_000);

  it('the Team Manager sees each dispute with its step, whose move and RAG, in light, dark and high contrast', async () => {
    for (const theme of ['default', 'dark', 'contrast'] as const) {
      const page = await open('/tab/?as=ane-team-manager', theme);
      await page.waitForSelector('#disputes tbody tr');
      expect(await page.textContent('#who')).toContain(TM);
      const rows = await page.$$eval('#disputes tbody tr', (trs) =>
        trs.map((tr) => ({
          ref: tr.querySelector('[data-col=case]')?.textContent?.trim() ?? '',
          step: tr.querySelector('[data-col=step]')?.textContent?.trim() ?? '',
          whose: tr.querySelector('[data-col=whose]')?.textContent?.trim() ?? '',
          rag: tr.querySelector('[data-rag]')?.getAttribute('data-rag') ?? '',
          ragWords: tr.querySelector('[data-col=rag]')?.textContent?.trim() ?? '',
        })),
      );
      const byRef = Object.fromEntries(rows.map(({ ref, ...rest }) => [ref, rest]));
      for (const [ref, expected] of Object.entries(EXPECTED_ROWS))
        expect(byRef[ref], ref).toMatchObject(expected);
      // The RAG is in words as well as colour.
      expect(byRef['ANE-T-0101']?.ragWords).toBe('Overdue');
      expect(await page.evaluate(() => document.body.className)).toBe(`theme-${theme}`);
      await shot(page, `tab-disputes-${theme === 'default' ? 'light' : theme}.png`);
      await page.close();
    }
  });

  it('opens a dispute with the keyboard and reads its timeline', async () => {
    const page = await open('/tab/?as=ane-team-manager');
    await page.waitForSelector('#disputes tbody tr');
    const link = page.locator('#disputes a', { hasText: 'ANE-T-0101' });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#timeline tbody tr');
    // Focus moves to the dispute's heading, so a screen reader reads where it landed.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('dispute-heading');
    const events = await page.$$eval('#timeline [data-col=event]', (tds) => tds.map((td) => td.textContent));
    expect(events.slice(0, 2)).toEqual(['raised', 'decision']);
    expect(events).toContain('timer-fired');
    expect(await page.textContent('#facts')).toContain('Whose moveYours');
    // Local mode reaches no Teams: with no Agents Playground running, the tab says where the chat is
    // instead of linking to teams.microsoft.com (tests/tab/tab-api.test.ts has the Playground's link).
    expect(await page.$('.action a')).toBeNull();
    expect(await page.textContent('.action')).toContain('the Concord chat is the Agents Playground');
    await shot(page, 'tab-dispute-light.png');
    await page.close();
  });

  it('a person with no part in the dispute cannot see it: the page says so and the API refuses', async () => {
    const page = await open(`/tab/?as=ane-family-finder#dispute=${ids.red}`);
    await page.waitForSelector('[role=alert]');
    expect(await page.textContent('[role=alert]')).toBe('this is not a dispute you take part in');
    expect(await page.textContent('#content')).not.toContain('ANE-T-0101');
    const token = await signIn(w.url, 'ane-family-finder');
    const status = await page.evaluate(
      async ([id, t]) =>
        (await fetch(`/tab/api/dispute?id=${id}`, { headers: { authorization: `Bearer ${t}` } })).status,
      [ids.red, token] as const,
    );
    expect(status).toBe(403);
    await page.close();
  });

  it("the oversight role's dashboard matches the seeded figures, and the CSV and DOCX hold the same", async () => {
    const query = 'as=ane-practice-leadership&from=2027-01-01&to=2027-01-31';
    for (const theme of ['default', 'dark'] as const) {
      const page = await open(`/tab/oversight?${query}`, theme);
      await page.waitForSelector('table[data-table=totals]');
      for (const [id, rows] of Object.entries(EXPECTED_TABLES)) {
        const shown = await rowsOf(page, `table[data-table="${id}"]`);
        if (id === 'resolution') {
          // Stage timescales are the procedure's own words; the rest is numbers.
          expect(
            shown.map((r) => [...r.slice(0, 2), '', ...r.slice(3)]),
            id,
          ).toEqual(rows);
          expect(shown[0]?.[2]).toContain(`${STAGE_1}: 5`);
        } else expect(shown, id).toEqual(rows);
      }
      const text = await page.innerText('body');
      expect(text).toContain('Figures for Friday 1 January 2027 to Sunday 31 January 2027');
      expect(hasMachineDate(text), 'the dashboard writes its dates in words').toBe(false);
      // Charts have words for screen readers, and every chart has its numbers beside it.
      const alts = await page.$$eval('img.chart', (imgs) => imgs.map((i) => i.getAttribute('alt') ?? ''));
      expect(alts).toContain(
        'Open disputes by RAG. Overdue: 1; Half the time used: 0; On track: 1; No fixed timescale: 1',
      );
      // Each chart is drawn on the theme's panel colour (white only in the light theme).
      const backgrounds = await page.$$eval('img.chart', (imgs) =>
        imgs.map(
          (i) =>
            /^[^<]*<svg[^>]*><rect [^>]*fill="([^"]+)"/.exec(
              decodeURIComponent(i.getAttribute('src') ?? ''),
            )?.[1],
        ),
      );
      expect(backgrounds).toEqual(Array(5).fill(theme === 'dark' ? '#292929' : '#ffffff'));
      // Minimised: case references, never case details.
      expect(await page.textContent('body')).not.toContain('child permanence report');
      await shot(page, `tab-dashboard-${theme === 'dark' ? 'dark' : 'light'}.png`);
      await page.close();
    }

    const token = await signIn(w.url, 'ane-practice-leadership');
    const report = (format: string) =>
      fetch(`${w.url}/tab/api/report?from=2027-01-01&to=2027-01-31&format=${format}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const csv = await (await report('csv')).text();
    const sections = csvSections(csv);
    for (const [id, rows] of Object.entries(EXPECTED_TABLES)) {
      const section = sections.get(TITLES[id] as string);
      if (id === 'resolution')
        expect(
          section?.map((r) => [...r.slice(0, 2), '', ...r.slice(3)]),
          id,
        ).toEqual(rows);
      else expect(section, id).toEqual(rows);
    }
    const docx = Buffer.from(await (await report('docx')).arrayBuffer());
    const zip = await JSZip.loadAsync(docx);
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    const docRows = [...xml.matchAll(/<w:tr\b[\s\S]*?<\/w:tr>/g)].map((m) =>
      [...m[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) =>
        [...c[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''),
      ),
    );
    for (const [id, rows] of Object.entries(EXPECTED_TABLES)) {
      if (id === 'resolution') continue;
      for (const row of rows)
        expect(
          docRows.map((r) => r.map(unxml)),
          id,
        ).toContainEqual(row);
    }
    // One chart image per chart, each with its alt text.
    expect(
      Object.keys(zip.files).filter((f) => f.startsWith('word/media/') && f.endsWith('.png')),
    ).toHaveLength(5);
    expect(xml).toContain('descr="Overdue: 1; Half the time used: 0; On track: 1; No fixed timescale: 1"');
  });
});

describe.skipIf(SKIP !== null)('the learning log on the dashboard, in Chromium (Solihull)', () => {
  let sol: ConcordApp;
  let solBrowser: Browser;
  beforeAll(async () => {
    sol = await startConcordApp({ directory: 'directory/sample-solihull.json' });
    solBrowser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await solBrowser?.close();
    await sol?.close();
  }, 30_000);

  it('the oversight role records what became of a learning referral with the form, and the log shows it', async () => {
    const { runtime } = sol.app;
    const driver = runtime.driver;
    if (!driver) throw new Error('no test clock');
    const solihull = getProcedure('solihull-ssab');
    if (!solihull) throw new Error('no solihull procedure');
    const id = randomUUID();
    const act = async (event: DisputeEvent) => {
      const r = await runtime.service.applyEvent(id, event, {
        source: 'teams',
        ...(event.type === 'raised' ? { procedureId: 'solihull-ssab' } : {}),
      });
      if (!r.ok) throw new Error(`${event.type} refused: ${r.refusal.reason}`);
      await runtime.worker.drain();
    };
    await driver.advanceTo(new Date('2027-01-11T09:30:00.000Z'));
    await act({
      type: 'raised',
      disputeId: id,
      by: sol.person('solihull-adults-staff-member'),
      immediateRiskChecked: true,
      caseReference: 'SOL-T-0201',
      raisingOrganisationId: 'solihull-adults',
      counterpartOrganisationId: 'solihull-health',
      category: solihull.categories[0]?.id ?? '',
      ...raiseConfirmations(solihull),
      details: {
        issue: 'The discharge plan was changed without the agencies agreeing it.',
        informalAttempts: 'Discussed with the ward manager on 8 January 2027.',
        resolutionSought: 'A joint discharge meeting this week.',
      },
    });
    await driver.advanceTo(new Date('2027-01-14T11:00:00.000Z'));
    const owner = (await runtime.service.get(id))?.owner;
    if (!owner) throw new Error('no owner');
    // Resolved: the procedure's learning referral goes out (the general issues to the Sub-Committee).
    await act({ type: 'resolved', by: owner, summary: 'Agreed between us.' });
    await driver.advanceTo(new Date('2027-01-20T10:00:00.000Z'));

    const page = await solBrowser.newPage({ viewport: { width: 1200, height: 900 } });
    await localhostOnly(page);
    await page.goto(`${sol.url}/tab/oversight?as=ssab-oversight&from=2027-01-01&to=2027-01-31`);
    await page.waitForSelector('table[data-table=totals]');
    const learning = 'table[data-table="learning"]';
    const before = await rowsOf(page, learning);
    expect(before).toHaveLength(1);
    expect(before[0]?.[0]).toBe('SOL-T-0201');
    expect(before[0]?.[7]).toBe('Not yet recorded');
    // With the keyboard-reachable form, as a person would: choose the item and the outcome, add a note.
    expect(await page.textContent('#fu-item')).toContain('SOL-T-0201');
    await page.getByLabel('Learning item').selectOption({ index: 0 });
    await page.getByLabel('What became of it').selectOption({ label: 'Taken to the board' });
    await page.fill('#fu-note', 'Discussed at the January board meeting.');
    const posted = page.waitForResponse((r) => r.url().includes('/tab/api/learning-follow-up'), {
      timeout: 40_000,
    });
    await page.locator('#follow-up').getByRole('button', { name: 'Record', exact: true }).click();
    const answer = await posted;
    expect(answer.status(), await answer.text()).toBe(200);
    await page
      .waitForFunction(
        (selector) => !/Not yet recorded/.test(document.querySelector(selector)?.textContent ?? ''),
        learning,
        { timeout: 20_000 },
      )
      .catch(async (error: unknown) => {
        const alert = await page.textContent('#follow-up [role=alert]').catch(() => null);
        const table = await page.textContent(learning).catch(() => null);
        const status = await page.textContent('[role=status]').catch(() => null);
        throw new Error(
          `the follow-up was not recorded; the form says: ${alert}; status: ${status}; table: ${table}`,
          {
            cause: error,
          },
        );
      });
    const after = await rowsOf(page, learning);
    expect(after[0]?.[7]).toBe('Taken to the board');
    expect(after[0]?.[8]).toContain('Solihull');
    // The status line says so, for a screen reader.
    expect(await page.textContent('body')).toContain('Recorded what became of it.');
    // The API holds the same: it is on the record, not only on the page.
    const token = await signIn(sol.url, 'ssab-oversight');
    const dashboard = (await (
      await fetch(`${sol.url}/tab/api/dashboard?from=2027-01-01&to=2027-01-31`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { figures: { learning: { followUp: { outcome: string } | null }[] } };
    expect(dashboard.figures.learning[0]?.followUp?.outcome).toBe('taken-to-board');
    await page.close();
  }, 90_000);
});

describe.skipIf(SKIP === null)('the Disputes tab in Chromium: cannot run here', () => {
  it('needs Debian Chromium', (ctx) => {
    if (MUST_RUN)
      throw new Error(`CI=true and ${CHROMIUM} is present, but the tab tests cannot run: ${SKIP}`);
    ctx.skip(`SKIPPED: ${SKIP}`);
  });
});

const TITLES: Record<string, string> = {
  totals: 'Totals',
  'open-by-stage': 'Open disputes by procedure and stage',
  rag: 'Open disputes by RAG',
  'overdue-steps': 'Overdue steps and whose they are',
  resolution: 'Time to resolution (working days) against the overall limit',
  'breaches-by-stage': 'Deadlines breached by stage',
  'by-category': 'Disputes by category',
  'by-organisation-pair': 'Disputes by organisation pair',
};

const unxml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The CSV's sections: title line, header line, rows, blank line. A small RFC 4180 reader. */
function csvSections(text: string): Map<string, string[][]> {
  const lines = text.split('\r\n');
  const parse = (line: string) => {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        cells.push(cell);
        cell = '';
      } else cell += ch;
    }
    cells.push(cell);
    return cells;
  };
  const sections = new Map<string, string[][]>();
  let i = 3;
  while (i < lines.length) {
    const title = lines[i];
    if (!title) {
      i++;
      continue;
    }
    const rows: string[][] = [];
    i += 2;
    while (i < lines.length && lines[i] !== '') {
      rows.push(parse(lines[i] as string));
      i++;
    }
    sections.set(parse(title)[0] as string, rows);
  }
  return sections;
}
