/**
 * A period's figures as CSV (one section per table: its title, header and rows, a blank line between;
 * RFC 4180 quoting, and a leading quote for cells that a spreadsheet would run as a formula) and as
 * a DOCX for the board, with each chart (PNG) and its table beside it.
 */
import {
  BorderStyle,
  Document,
  HeadingLevel,
  ImageRun,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { renderCharts, svgToPng } from './charts.ts';
import type { Figures } from './figures.ts';
import { figureTables } from './tables.ts';

export function renderCsv(figures: Figures): string {
  const lines: string[] = [
    csvRow(['Concord oversight report', `${figures.period.from} to ${figures.period.to}`]),
  ];
  lines.push(csvRow(['As at', figures.period.asAt]), '');
  for (const table of figureTables(figures)) {
    lines.push(csvRow([table.title]), csvRow(table.header));
    for (const row of table.rows) lines.push(csvRow(row));
    lines.push('');
  }
  return `${lines.join('\r\n')}\r\n`;
}

function csvRow(cells: readonly (string | number)[]): string {
  return cells
    .map((cell) => {
      let text = String(cell);
      // A cell a spreadsheet would evaluate (=, +, -, @ first) is kept as text.
      if (typeof cell === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',');
}

export async function renderReportDocx(figures: Figures): Promise<Buffer> {
  const charts = new Map((await renderCharts(figures)).map((c) => [c.id, c]));
  const children: (Paragraph | Table)[] = [
    new Paragraph({
      text: `Professional disputes: figures for ${figures.period.from} to ${figures.period.to}`,
      heading: HeadingLevel.TITLE,
    }),
    new Paragraph(
      `Open disputes, RAG, overdue steps and agreed actions are as at ${figures.period.asAt}. Case references only: no case details.`,
    ),
  ];
  for (const t of figureTables(figures)) {
    children.push(new Paragraph({ text: t.title, heading: HeadingLevel.HEADING_1 }));
    const chart = charts.get(t.id);
    if (chart) {
      const { png, width, height } = svgToPng(chart.svg);
      const scale = Math.min(1, 600 / width);
      children.push(
        new Paragraph({
          children: [
            new ImageRun({
              type: 'png',
              data: png,
              transformation: { width: Math.round(width * scale), height: Math.round(height * scale) },
              altText: { name: chart.title, title: chart.title, description: chart.description },
            }),
          ],
        }),
      );
    }
    children.push(t.rows.length === 0 ? new Paragraph('None in this period.') : table(t.header, t.rows));
  }
  children.push(
    new Paragraph({ children: [new TextRun({ text: 'Produced by Concord.', italics: true, size: 16 })] }),
  );
  const doc = new Document({
    creator: 'Concord',
    title: `Professional disputes ${figures.period.from} to ${figures.period.to}`,
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): Table {
  const border = { style: BorderStyle.SINGLE, size: 4, color: '999999' };
  const cell = (text: string, bold = false) =>
    new TableCell({
      children: [new Paragraph({ children: [new TextRun({ text, bold })] })],
      borders: { top: border, bottom: border, left: border, right: border },
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h) => cell(h, true)) }),
      ...rows.map((row) => new TableRow({ children: row.map((value) => cell(String(value))) })),
    ],
  });
}
