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

function bar(
  title: string,
  rows: readonly { label: string; count: number; colour?: string }[],
  axis: string,
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 360,
    background: 'white',
    data: { values: rows.map((r) => ({ ...r })) },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 420 } },
          x: { field: 'count', type: 'quantitative', title: axis, axis: { tickMinStep: 1 } },
          color: rows.some((r) => r.colour)
            ? { field: 'colour', type: 'nominal', scale: null, legend: null }
            : { value: '#5b5fc7' },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4 },
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
): { id: string; title: string; description: string; spec: TopLevelSpec }[] {
  const open = figures.openByStage.map((r) => ({ label: `${r.procedure} · ${r.stage}`, count: r.count }));
  const rags = (['red', 'amber', 'green', 'none'] as const).map((r) => ({
    label: RAG_WORDS[r],
    count: figures.rag[r],
    colour: RAG_COLOURS[r],
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
      spec: bar('Open disputes by procedure and stage', open, 'Open disputes'),
    },
    {
      id: 'rag',
      title: 'Open disputes by RAG',
      description: describe(rags),
      spec: bar('Open disputes by RAG', rags, 'Open disputes'),
    },
    {
      id: 'breaches-by-stage',
      title: 'Deadlines breached by stage',
      description: describe(breaches),
      spec: bar('Deadlines breached by stage', breaches, 'Breaches'),
    },
    {
      id: 'by-category',
      title: 'Disputes by category',
      description: describe(categories),
      spec: bar('Disputes by category', categories, 'Disputes'),
    },
    {
      id: 'by-organisation-pair',
      title: 'Disputes by organisation pair',
      description: describe(pairs),
      spec: bar('Disputes by organisation pair', pairs, 'Disputes'),
    },
  ];
}

export async function renderCharts(figures: Figures): Promise<Chart[]> {
  const charts: Chart[] = [];
  for (const { id, title, description, spec } of chartSpecs(figures)) {
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
