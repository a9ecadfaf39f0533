/**
 * The RAG walked through a stage's life: on track, half used, three quarters used, overdue, then
 * resolved and closed; each with its label and its Adaptive Card colour (a name the Teams theme
 * maps, never a custom hue), on the cards that show it.
 */
import { describe, expect, it } from 'vitest';
import { presentDeadlines } from '../../src/cards/present.ts';
import { renderCard } from '../../src/cards/render.ts';
import type { Deadlines } from '../../src/cards/view-models.ts';
import { ragOf } from '../../src/wording/rag.ts';
import { FIXTURES } from '../cards/fixtures.ts';

// Stage 1: started Monday 30 November 09:00, due end of Monday 7 December (5 working days).
const stage = { startedAt: '2026-11-30T09:00:00.000Z', due: '2026-12-07T23:59:59.999Z' };
const overall = { startedAt: '2026-11-30T09:00:00.000Z', due: '2027-01-04T23:59:59.999Z', workingDays: 20 };
const at = (now: string, status: 'open' | 'resolved' | 'closed' | 'withdrawn' = 'open') =>
  ragOf({ status, now, stage, overall });

const ADAPTIVE_COLOURS = new Set(['good', 'warning', 'attention', 'default']);

describe('RAG from one place', () => {
  it.each([
    ['on track', '2026-12-01T09:00:00.000Z', 'open', 'On track', 'good'],
    ['half the time used', '2026-12-04T12:00:00.000Z', 'open', 'Half the time used', 'warning'],
    ['three quarters used', '2026-12-06T12:00:00.000Z', 'open', 'Three quarters of the time used', 'warning'],
    ['overdue', '2026-12-08T09:00:00.000Z', 'open', 'Overdue', 'attention'],
    ['resolved', '2026-12-08T09:00:00.000Z', 'resolved', 'Resolved', 'good'],
    ['closed', '2026-12-08T09:00:00.000Z', 'closed', 'Closed', 'default'],
    ['withdrawn', '2026-12-02T09:00:00.000Z', 'withdrawn', 'Withdrawn', 'default'],
  ] as const)('%s: "%s"', (_name, now, status, label, color) => {
    const view = at(now, status);
    expect(view.label).toBe(label);
    expect(view.color).toBe(color);
    expect(ADAPTIVE_COLOURS.has(view.color)).toBe(true);
  });

  it('never says "On track" on a 75% warning, nor "half used" once the deadline has passed', () => {
    // The domain's 75% timer can fire before three quarters of the calendar time has gone: the card it sends says so.
    const early = ragOf({
      status: 'open',
      now: '2026-12-02T09:00:00.000Z',
      stage,
      overall,
      warned: { stage: 75 },
    });
    expect(early.label).toBe('Three quarters of the time used');
    const late = ragOf({
      status: 'open',
      now: '2026-12-09T09:00:00.000Z',
      stage,
      overall,
      warned: { stage: 50 },
    });
    expect(late.label).toBe('Overdue');
    expect(late.color).toBe('attention');
  });

  it('takes the worse of the step and the overall cap, and says the cap has passed', () => {
    const capPassed = ragOf({
      status: 'open',
      now: '2027-01-06T09:00:00.000Z',
      stage: { startedAt: '2027-01-05T09:00:00.000Z', due: '2027-01-12T23:59:59.999Z' },
      overall,
    });
    expect(capPassed.kind).toBe('overall-passed');
    expect(capPassed.color).toBe('attention');
    expect(capPassed.overallLine).toBe('The 20-working-day limit (Monday 4 January 2027) has passed.');
  });

  it('is on hold while paused, and has no timescale without a deadline', () => {
    expect(ragOf({ status: 'open', now: '2026-12-01T09:00:00Z', stage, overall, paused: true }).label).toBe(
      'On hold',
    );
    expect(
      ragOf({
        status: 'open',
        now: '2026-12-01T09:00:00Z',
        stage: { startedAt: null, due: null },
        overall: { startedAt: null, due: null, workingDays: null },
      }).label,
    ).toBe('No fixed timescale');
  });

  it('shows the same label and colour on the card, the deadline line in the default colour', () => {
    const deadlines = (status: Deadlines['status']): Deadlines => ({
      stageStartedAt: stage.startedAt,
      stageDue: stage.due,
      stageDueDate: '2026-12-07',
      overallStartedAt: overall.startedAt,
      overallDue: overall.due,
      overallWorkingDays: 20,
      status,
    });
    for (const [now, status, label, color] of [
      ['2026-12-01T09:00:00.000Z', 'open', 'On track', 'good'],
      ['2026-12-04T12:00:00.000Z', 'open', 'Half the time used', 'warning'],
      ['2026-12-06T12:00:00.000Z', 'open', 'Three quarters of the time used', 'warning'],
      ['2026-12-08T09:00:00.000Z', 'open', 'Overdue', 'attention'],
      ['2026-12-08T09:00:00.000Z', 'resolved', 'Resolved', 'good'],
      ['2026-12-08T09:00:00.000Z', 'closed', 'Closed', 'default'],
    ] as const) {
      const d = presentDeadlines(deadlines(status), now);
      expect([d.ragLabel, d.color]).toEqual([label, color]);
      const base = FIXTURES['dispute-detail'];
      const card = renderCard('dispute-detail', {
        ...base,
        now,
        status,
        dispute: { ...base.dispute, deadlines: deadlines(status) },
      });
      const blocks = JSON.stringify(card);
      expect(blocks).toContain(`"text":"${label}"`);
      // The colour is the label's background (its column's style), the text in the default colour,
      // so it keeps its contrast in Teams' light and dark themes (yellow text on white did not).
      const labelBlock = findText(card, label);
      expect(labelBlock?.color).toBeUndefined();
      expect(styleAround(card, label)).toBe(color);
      const line = findText(card, String(d.line));
      expect(line?.color).toBeUndefined();
      if (status !== 'open') expect(String(d.line)).not.toMatch(/On track|Stage due by/);
    }
  });
});

function findText(card: unknown, text: string): { color?: string } | undefined {
  let found: { color?: string } | undefined;
  const walk = (v: unknown) => {
    if (found || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Record<string, unknown>;
    if (o.type === 'TextBlock' && o.text === text) found = o as { color?: string };
    for (const x of Object.values(o)) walk(x);
  };
  walk(card);
  return found;
}

/** The style of the column or container nearest around the TextBlock reading `text`. */
function styleAround(card: unknown, text: string): string | undefined {
  let found: string | undefined;
  const walk = (v: unknown, style: string | undefined) => {
    if (found !== undefined || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, style);
      return;
    }
    const o = v as Record<string, unknown>;
    const here =
      (o.type === 'Column' || o.type === 'Container') && typeof o.style === 'string' ? o.style : style;
    if (o.type === 'TextBlock' && o.text === text) found = here ?? 'none';
    for (const x of Object.values(o)) walk(x, here);
  };
  walk(card, undefined);
  return found;
}
