/**
 * What the tab shows, as plain JSON built from domain data with the cards' own builders (so the tab,
 * the "my disputes" card and the dashboard agree on step names, whose move and RAG): a person's
 * disputes, and one dispute's record (the same record as `concord export`).
 */
import { deadlinesOf, RAG_LABEL, rag, summaryOf } from '../cards/index.ts';
import { presentDeadlines } from '../cards/present.ts';
import { recordEntryText } from '../cards/wording/records.ts';
import type { DisputeState } from '../domain/dispute/types.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import type { DisputeExport } from '../store/queries/dispute-export.ts';
import { dayInWords } from '../wording/dates.ts';

export interface TabDisputeRow {
  readonly disputeId: string;
  readonly caseReference: string;
  readonly procedure: string;
  readonly procedureName: string;
  readonly step: string;
  readonly status: string;
  /** Whose move it is, or null when nobody is awaited (the email is out, the dispute has ended). */
  readonly whose: string | null;
  readonly yourMove: boolean;
  readonly deadline: {
    readonly line: string;
    readonly rag: string;
    readonly ragLabel: string;
    readonly stageDue: string | null;
    readonly overallDue: string | null;
    readonly overallRag: string;
    readonly overallRagLabel: string;
    readonly overallWarning: string;
  };
}

export function disputeRow(
  state: DisputeState,
  procedure: ProcedureDefinition,
  viewerId: string,
  now: string,
): TabDisputeRow {
  const summary = summaryOf(state, procedure);
  const deadlines = deadlinesOf(state, procedure);
  const shown = presentDeadlines(deadlines, now) as {
    line: string;
    rag: string;
    ragLabel: string;
    overallWarning: string;
  };
  const open = state.status === 'open';
  const overallRag = open
    ? rag({ startedAt: deadlines.overallStartedAt, due: deadlines.overallDue, now })
    : 'none';
  return {
    disputeId: state.id,
    caseReference: state.caseReference,
    procedure: procedure.shortName,
    procedureName: procedure.name,
    step: summary.stageName,
    status: state.status,
    whose: open ? summary.awaiting : null,
    yourMove: open && state.stage.awaiting?.id === viewerId,
    deadline: {
      line: shown.line,
      // An ended dispute has no live deadline.
      rag: open ? shown.rag : 'none',
      ragLabel: open ? shown.ragLabel : RAG_LABEL.none,
      stageDue: deadlines.stageDue,
      overallDue: deadlines.overallDue,
      overallRag,
      overallRagLabel: RAG_LABEL[overallRag],
      overallWarning: open ? shown.overallWarning : '',
    },
  };
}

/** One dispute's record for a party to it: facts, the case record in words, and the audit timeline. */
export function disputeRecord(
  data: DisputeExport,
  procedure: ProcedureDefinition,
  row: TabDisputeRow,
  partnerOrganisation: string,
) {
  const state = data.dispute.state;
  const stageName = (id: string | null) =>
    id === null ? '' : (procedure.stages.find((s) => s.id === id)?.name ?? id);
  return {
    dispute: row,
    facts: {
      category: procedure.categories.find((c) => c.id === state.category)?.label ?? state.category,
      partnerOrganisation,
      raisedBy: state.raisedBy.name,
      raisedAt: state.raisedAt,
      owner: state.owner.name,
      issue: state.details.issue,
      informalAttempts: state.details.informalAttempts,
      resolutionSought: state.details.resolutionSought,
    },
    /** The agreed SMART actions, with their place (to mark one done) and whether they are done. */
    actions: state.outcomes.flatMap((o, outcomeIndex) =>
      o.actions.map((a, actionIndex) => ({
        outcomeIndex,
        actionIndex,
        stage: stageName(o.stageId),
        description: a.description,
        owner: a.owner,
        dueDate: a.dueDate,
        dueInWords: dayInWords(a.dueDate),
        agreedOn: o.at.slice(0, 10),
        done: a.done ? { ...a.done, onInWords: dayInWords(a.done.on) } : null,
      })),
    ),
    records: data.records.map(({ entry }) => ({
      at: entry.at,
      stage: entry.stageName,
      contactType: entry.contactType,
      between: entry.between,
      ...recordEntryText(entry),
    })),
    timeline: data.timeline.map((t) => ({
      seq: t.seq,
      at: t.at,
      source: t.source,
      by: t.event.by?.name ?? null,
      event: t.type,
      stage: stageName(t.stageId),
    })),
  };
}
