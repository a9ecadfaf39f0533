/**
 * The figures as titled tables: one source for the dashboard's numbers, the CSV and the DOCX, so the
 * three always hold the same figures.
 */
import { RAG_LABEL } from '../cards/rag.ts';
import { LEARNING_OUTCOME_WORDS } from '../cards/wording/records.ts';
import { dueInWords, whenInWords } from '../wording/dates.ts';
import type { Figures } from './figures.ts';

export interface FigureTable {
  readonly id: string;
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

/** A date people read (the dashboard, the CSV and the DOCX alike): in words, never ISO. */
const when = (value: string | null | undefined) => (value ? whenInWords(value) : '');

const num = (value: number | null) =>
  value === null ? '' : Number.isInteger(value) ? value : Number(value.toFixed(1));

const LEARNING_STATUS: Readonly<Record<Figures['learning'][number]['status'], string>> = {
  delivered: 'Referred: card delivered',
  pending: 'Referred: card not yet delivered',
  failed: 'Referral card could not be delivered',
  'not-sent': 'Not referred yet',
};

export function figureTables(f: Figures): FigureTable[] {
  return [
    {
      id: 'totals',
      title: 'Totals',
      header: ['Measure', 'Count'],
      rows: [
        ['Disputes in the period', f.totals.inPeriod],
        ['Raised in the period', f.totals.raised],
        ['Ended in the period', f.totals.ended],
        ['Open at the end of the period', f.totals.open],
      ],
    },
    {
      id: 'open-by-stage',
      title: 'Open disputes by procedure and stage',
      header: ['Procedure', 'Stage', 'Open'],
      rows: f.openByStage.map((r) => [r.procedure, r.stage, r.count]),
    },
    {
      id: 'rag',
      title: 'Open disputes by RAG',
      header: ['RAG', 'Meaning', 'Open'],
      rows: (['red', 'amber', 'green', 'none'] as const).map((r) => [r, RAG_LABEL[r], f.rag[r]]),
    },
    {
      id: 'overdue-steps',
      title: 'Overdue steps and whose they are',
      header: [
        'Case reference',
        'Procedure',
        'Stage',
        'Whose',
        'Organisation',
        'Due',
        'Working days overdue',
      ],
      rows: f.overdueSteps.map((r) => [
        r.caseReference,
        r.procedure,
        r.stage,
        r.whose,
        r.organisation,
        dueInWords(r.due),
        r.workingDaysOverdue,
      ]),
    },
    {
      id: 'resolution',
      title: 'Time to resolution (working days) against the overall limit',
      header: [
        'Procedure',
        'Overall limit',
        'Stage timescales',
        'Ended',
        'Median',
        'Lower quartile',
        'Upper quartile',
        'Shortest',
        'Longest',
        'Over the limit',
      ],
      rows: f.resolution.map((r) => [
        r.procedure,
        r.capWorkingDays ?? 'none',
        r.stageTimescales.map((s) => `${s.stage}: ${s.workingDays ?? 'no fixed timescale'}`).join('; '),
        r.ended,
        num(r.median),
        num(r.lowerQuartile),
        num(r.upperQuartile),
        num(r.min),
        num(r.max),
        r.overCap,
      ]),
    },
    {
      id: 'breaches-by-stage',
      title: 'Deadlines breached by stage',
      header: ['Procedure', 'Stage', 'Breaches'],
      rows: f.breachesByStage.map((r) => [r.procedure, r.stage, r.count]),
    },
    {
      id: 'by-category',
      title: 'Disputes by category',
      header: ['Procedure', 'Category', 'Disputes'],
      rows: f.byCategory.map((r) => [r.procedure, r.category, r.count]),
    },
    {
      id: 'by-organisation-pair',
      title: 'Disputes by organisation pair',
      header: ['Raised by', 'With', 'Disputes'],
      rows: f.byOrganisationPair.map((r) => [r.raising, r.counterpart, r.count]),
    },
    {
      id: 'actions-overdue',
      title: 'Agreed actions past their date and not done',
      header: ['Case reference', 'Procedure', 'Due', 'Action', 'Owner'],
      rows: f.actionsOverdue.map((r) => [
        r.caseReference,
        r.procedure,
        dueInWords(r.dueDate),
        r.partyOnly?.description ?? '(shown to the parties only)',
        r.partyOnly?.owner ?? '',
      ]),
    },
    {
      id: 'learning',
      title: 'Learning log',
      header: [
        'Case reference',
        'Procedure',
        'Kind',
        'Referred to',
        'Raised by',
        'Raised',
        'Delivered',
        'What became of it',
        'Recorded by',
        'Recorded',
        'Note',
      ],
      rows: f.learning.map((r) => [
        r.caseReference,
        r.procedure,
        r.kind,
        r.referredTo,
        r.raisedBy,
        when(r.raisedAt),
        r.deliveredTo && r.status === 'delivered'
          ? `${LEARNING_STATUS[r.status]} to ${r.deliveredTo}${r.deliveredAt ? ` at ${when(r.deliveredAt)}` : ''}`
          : LEARNING_STATUS[r.status],
        r.followUp ? LEARNING_OUTCOME_WORDS[r.followUp.outcome] : 'Not yet recorded',
        r.followUp?.by ?? '',
        when(r.followUp?.at),
        r.followUp?.partyOnly?.note ?? (r.followUp?.hasNote ? '(shown to the parties only)' : ''),
      ]),
    },
  ];
}
