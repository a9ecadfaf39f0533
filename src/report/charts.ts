/**
 * The dashboard's and the board report's charts, drawn by Vega-Lite (compiled to Vega, rendered to
 * SVG on the server with no canvas), and the same SVG rasterised to PNG by resvg for the DOCX. The
 * numbers are always shown beside a chart (in a table), so a chart is never the only way to read one.
 *
 * @example
 * const charts = await renderCharts(figures); // [{ id: 'open-by-stage', title, svg }]
 * const png = svgToPng(charts[0].svg);
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Rag } from '../cards/rag.ts';
import type { Figures } from './figures.ts';

export interface Chart {
  readonly id: string;
  readonly title: string;
  /** A sentence for screen readers: what the chart shows, with its numbers. */
  readonly description: string;
  readonly svg: string;
}

/** RAG colours with enough contrast on white and on Teams' dark background. */
const RAG_COLOURS: Readonly<Record<Rag, string>> = {
  red: '#c4314b',
  amber: '#c67c00',
  green: '#237b4b',
  none: '#6e6e6e',
};

const RAG_WORDS: Readonly<Record<Rag, string>> = {
  red: 'Overdue',
  amber: 'Half the time used',
  green: 'On track',
  none: 'No fixed timescale',
};

/** Teams' themes, as teams-js names them; the DOCX is always `default` (paper is white). */
export type ChartTheme = 'default' | 'dark' | 'contrast';

/** Each theme's chart colours: its page background and text, as the tab's CSS (static/tab.css). */
const THEMES: Readonly<
  Record<
    ChartTheme,
    { background: string; text: string; line: string; bar: string; rag: Record<Rag, string> }
  >
> = {
  default: { background: '#ffffff', text: '#242424', line: '#d1d1d1', bar: '#5b5fc7', rag: RAG_COLOURS },
  dark: {
    background: '#292929',
    text: '#ffffff',
    line: '#525252',
    bar: '#a6a7dc',
    rag: { red: '#f1707b', amber: '#f8c471', green: '#6fcf97', none: '#c7c7c7' },
  },
  contrast: {
    background: '#000000',
    text: '#ffffff',
    line: '#ffffff',
    bar: '#1aebff',
    rag: { red: '#ffff01', amber: '#ffff01', green: '#3ff23f', none: '#ffffff' },
  },
};

export function isChartTheme(value: unknown): value is ChartTheme {
  return value === 'default' || value === 'dark' || value === 'contrast';
}

function bar(
  title: string,
  rows: readonly { label: string; count: number; colour?: string }[],
  axis: string,
  theme: ChartTheme,
): TopLevelSpec {
  const t = THEMES[theme];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 360,
    background: t.background,
    config: {
      title: { color: t.text },
      axis: {
        labelColor: t.text,
        titleColor: t.text,
        domainColor: t.line,
        tickColor: t.line,
        gridColor: t.line,
      },
      view: { stroke: t.line },
    },
    data: { values: rows.map((r) => ({ ...r })) },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 420 } },
          x: { field: 'count', type: 'quantitative', title: axis, axis: { tickMinStep: 1 } },
          color: rows.some((r) => r.colour)
            ? { field: 'colour', type: 'nominal', scale: null, legend: null }
            : { value: t.bar },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, color: t.text },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: null },
          x: { field: 'count', type: 'quantitative' },
          text: { field: 'count', type: 'quantitative' },
        },
      },
    ],
  };
}

/** The specs, one per chart, from the figures (empty figures give a chart with no bars). */
export function chartSpecs(
  figures: Figures,
  theme: ChartTheme = 'default',
): { id: string; title: string; description: string; spec: TopLevelSpec }[] {
  const open = figures.openByStage.map((r) => ({ label: `${r.procedure} · ${r.stage}`, count: r.count }));
  const rags = (['red', 'amber', 'green', 'none'] as const).map((r) => ({
    label: RAG_WORDS[r],
    count: figures.rag[r],
    colour: THEMES[theme].rag[r],
  }));
  const breaches = figures.breachesByStage.map((r) => ({
    label: `${r.procedure} · ${r.stage}`,
    count: r.count,
  }));
  const categories = figures.byCategory.map((r) => ({
    label: `${r.procedure} · ${r.category}`,
    count: r.count,
  }));
  const pairs = figures.byOrganisationPair.map((r) => ({
    label: `${r.raising} → ${r.counterpart}`,
    count: r.count,
  }));
  const describe = (rows: readonly { label: string; count: number }[]) =>
    rows.length === 0 ? 'None.' : rows.map((r) => `${r.label}: ${r.count}`).join('; ');
  return [
    {
      id: 'open-by-stage',
      title: 'Open disputes by procedure and stage',
      description: describe(open),
      spec: bar('Open disputes by procedure and stage', open, 'Open disputes', theme),
    },
    {
      id: 'rag',
      title: 'Open disputes by RAG',
      description: describe(rags),
      spec: bar('Open disputes by RAG', rags, 'Open disputes', theme),
    },
    {
      id: 'breaches-by-stage',
      title: 'Deadlines breached by stage',
      description: describe(breaches),
      spec: bar('Deadlines breached by stage', breaches, 'Breaches', theme),
    },
    {
      id: 'by-category',
      title: 'Disputes by category',
      description: describe(categories),
      spec: bar('Disputes by category', categories, 'Disputes', theme),
    },
    {
      id: 'by-organisation-pair',
      title: 'Disputes by organisation pair',
      description: describe(pairs),
      spec: bar('Disputes by organisation pair', pairs, 'Disputes', theme),
    },
  ];
}

/** The charts as SVG, coloured for a Teams theme (the dashboard asks for the theme it is shown in). */
export async function renderCharts(figures: Figures, theme: ChartTheme = 'default'): Promise<Chart[]> {
  const charts: Chart[] = [];
  for (const { id, title, description, spec } of chartSpecs(figures, theme)) {
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
    const svg = await view.toSVG();
    view.finalize();
    charts.push({ id, title, description, svg });
  }
  return charts;
}

/** The SVG as a PNG at twice its size (for print), with the system's fonts. */
export function svgToPng(svg: string): { png: Buffer; width: number; height: number } {
  const rendered = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: 'white',
  }).render();
  return { png: rendered.asPng(), width: rendered.width / 2, height: rendered.height / 2 };
}
