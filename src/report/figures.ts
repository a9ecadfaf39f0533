/**
 * The partnership's oversight figures for a period, computed from the disputes' states, the deadlines
 * that fired and the after-resolution cards. Pure: `now`, the calendars and the procedures are passed in.
 *
 * Two kinds of figure:
 * - **as at** (the end of the period, or now if sooner): open disputes by procedure and stage, their
 *   RAG (the cards' `rag`, so the tab, the dashboard and the cards agree), the overdue steps and whose
 *   they are, and the agreed actions past their date that were not marked done by then.
 * - **in the period** (`from` to `to`, London days, inclusive): disputes raised, ended, the time to
 *   resolution against each procedure's overall cap, the deadlines breached by stage, the disputes by
 *   category and by organisation pair, and the learning log.
 *
 * Minimised: case references and counts, never free text. The only free text (an agreed action's
 * description and owner) sits under `partyOnly` and is removed by `forViewer` unless the viewer takes
 * part in that dispute.
 *
 * @example
 * const figures = computeFigures(inputs, { from: '2027-01-01', to: '2027-03-31', now, procedures, calendarFor, organisationName });
 */
import { median, quantileSorted } from 'd3-array';
import { type Rag, rag } from '../cards/rag.ts';
import {
  endOfLondonDay,
  londonDay,
  startOfLondonDay,
  type WorkingCalendar,
  workingDaysBetween,
} from '../domain/calendar/index.ts';
import type { DisputeState, LearningOutcome } from '../domain/dispute/types.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import type { ReportInputs } from './inputs.ts';

/** The procedures' after-resolution kinds that become learning-log items. */
export const LEARNING_KINDS = ['learning-referral', 'policy-gap'] as const;

export interface FigureContext {
  /** First and last London day of the period, YYYY-MM-DD. */
  readonly from: string;
  readonly to: string;
  readonly now: Date;
  readonly procedures: ReadonlyMap<string, ProcedureDefinition>;
  readonly calendarFor: (organisationId: string) => WorkingCalendar;
  readonly organisationName: (organisationId: string) => string;
}

export interface OverdueStep {
  readonly disputeId: string;
  readonly caseReference: string;
  readonly procedure: string;
  readonly stage: string;
  /** The person whose step it is, or the dispute's owner when nobody is awaited. */
  readonly whose: string;
  readonly organisation: string;
  readonly due: string;
  readonly workingDaysOverdue: number;
}

export interface ResolutionRow {
  readonly procedureId: string;
  readonly procedure: string;
  /** The procedure's overall cap in working days, or null when it has none. */
  readonly capWorkingDays: number | null;
  /** Each stage's timescale in working days (null: no counted timescale). */
  readonly stageTimescales: readonly { readonly stage: string; readonly workingDays: number | null }[];
  readonly ended: number;
  readonly median: number | null;
  readonly lowerQuartile: number | null;
  readonly upperQuartile: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** Ended later than the cap allows. */
  readonly overCap: number;
}

export interface OverdueAction {
  readonly disputeId: string;
  readonly caseReference: string;
  readonly procedure: string;
  readonly dueDate: string;
  /** Free text: kept only for a viewer who takes part in the dispute (see `forViewer`). */
  readonly partyOnly?: { readonly description: string; readonly owner: string };
}

export interface LearningItem {
  readonly disputeId: string;
  readonly caseReference: string;
  readonly procedure: string;
  readonly kind: (typeof LEARNING_KINDS)[number];
  readonly itemId: string;
  /** Who the procedure says it goes to (its own words). */
  readonly referredTo: string;
  /** The person who recorded the resolution that raised it. */
  readonly raisedBy: string;
  readonly raisedAt: string;
  /** What became of it: `delivered` (the card reached the person), `pending`, `failed` or `not-sent`. */
  readonly status: 'delivered' | 'pending' | 'failed' | 'not-sent';
  readonly deliveredTo: string | null;
  readonly deliveredAt: string | null;
  /** What became of it, as last recorded by the period's end (`learning-followed-up`), or null. */
  readonly followUp: {
    readonly outcome: LearningOutcome;
    readonly by: string;
    readonly at: string;
    readonly hasNote: boolean;
    /** Free text: kept only for a viewer who takes part in the dispute (see `forViewer`). */
    readonly partyOnly?: { readonly note: string };
  } | null;
}

export interface Figures {
  readonly period: { readonly from: string; readonly to: string; readonly asAt: string };
  readonly totals: {
    readonly inPeriod: number;
    readonly raised: number;
    readonly ended: number;
    readonly open: number;
  };
  readonly openByStage: readonly {
    readonly procedureId: string;
    readonly procedure: string;
    readonly stageId: string;
    readonly stage: string;
    readonly count: number;
  }[];
  readonly rag: Readonly<Record<Rag, number>>;
  readonly overdueSteps: readonly OverdueStep[];
  readonly resolution: readonly ResolutionRow[];
  readonly breachesByStage: readonly {
    readonly procedure: string;
    readonly stage: string;
    readonly count: number;
  }[];
  readonly byCategory: readonly {
    readonly procedure: string;
    readonly category: string;
    readonly count: number;
  }[];
  readonly byOrganisationPair: readonly {
    readonly raising: string;
    readonly counterpart: string;
    readonly count: number;
  }[];
  readonly actionsOverdue: readonly OverdueAction[];
  readonly learning: readonly LearningItem[];
}

const RAGS: readonly Rag[] = ['red', 'amber', 'green', 'none'];

export function computeFigures(inputs: ReportInputs, ctx: FigureContext): Figures {
  const start = startOfLondonDay(ctx.from);
  const end = endOfLondonDay(ctx.to);
  if (start.getTime() > end.getTime())
    throw new RangeError(`the period ends (${ctx.to}) before it starts (${ctx.from})`);
  const asAt = new Date(Math.min(ctx.now.getTime(), end.getTime()));
  const asAtIso = asAt.toISOString();
  const within = (iso: string | null) => {
    if (iso === null) return false;
    const t = Date.parse(iso);
    return t >= start.getTime() && t <= end.getTime();
  };
  const procedureName = (id: string) => ctx.procedures.get(id)?.shortName ?? id;
  const stageName = (procedureId: string, stageId: string) =>
    ctx.procedures.get(procedureId)?.stages.find((s) => s.id === stageId)?.name ?? stageId;

  // In the period: raised by its end, and not ended before its start.
  const inPeriod = inputs.states.filter(
    (s) =>
      Date.parse(s.raisedAt) <= end.getTime() &&
      (s.endedAt === null || Date.parse(s.endedAt) >= start.getTime()),
  );
  // Open as at the period's end (a dispute that ended after it counts as open then).
  const openAt = inPeriod.filter((s) => s.endedAt === null || Date.parse(s.endedAt) > asAt.getTime());
  const ended = inPeriod.filter((s) => within(s.endedAt));

  const openByStage = countBy(
    openAt,
    (s) => `${s.procedureId}\u0000${s.stage.id}`,
    (s, count) => ({
      procedureId: s.procedureId,
      procedure: procedureName(s.procedureId),
      stageId: s.stage.id,
      stage: stageName(s.procedureId, s.stage.id),
      count,
    }),
  ).sort((a, b) => a.procedure.localeCompare(b.procedure) || stageIndex(ctx, a) - stageIndex(ctx, b));

  const ragCounts = Object.fromEntries(RAGS.map((r) => [r, 0])) as Record<Rag, number>;
  const overdueSteps: OverdueStep[] = [];
  for (const s of openAt) {
    const r = rag({ startedAt: s.stage.startedAt, due: s.stage.due, now: asAtIso });
    ragCounts[r] += 1;
    if (r === 'red' && s.stage.due) {
      const whose = s.stage.awaiting ?? s.owner;
      overdueSteps.push({
        disputeId: s.id,
        caseReference: s.caseReference,
        procedure: procedureName(s.procedureId),
        stage: stageName(s.procedureId, s.stage.id),
        whose: whose.name,
        organisation: ctx.organisationName(whose.organisationId),
        due: s.stage.due,
        workingDaysOverdue: workingDaysBetween({
          calendar: ctx.calendarFor(s.raisingOrganisationId),
          from: new Date(s.stage.due),
          to: asAt,
        }),
      });
    }
  }
  overdueSteps.sort((a, b) => a.due.localeCompare(b.due) || a.caseReference.localeCompare(b.caseReference));

  const resolution: ResolutionRow[] = [];
  const procedureIds = [...new Set(inPeriod.map((s) => s.procedureId))].sort();
  for (const procedureId of procedureIds) {
    const procedure = ctx.procedures.get(procedureId);
    const days = ended
      .filter((s) => s.procedureId === procedureId && s.endedAt !== null)
      .map((s) =>
        workingDaysBetween({
          calendar: ctx.calendarFor(s.raisingOrganisationId),
          from: new Date(s.formalStartedAt ?? s.raisedAt),
          to: new Date(s.endedAt as string),
        }),
      )
      .sort((a, b) => a - b);
    const cap = procedure?.overall?.workingDays ?? null;
    resolution.push({
      procedureId,
      procedure: procedureName(procedureId),
      capWorkingDays: cap,
      stageTimescales: (procedure?.stages ?? []).map((stage) => ({
        stage: stage.name,
        workingDays:
          stage.timescale.kind === 'working-days'
            ? stage.timescale.workingDays
            : stage.timescale.kind === 'proportionate'
              ? stage.timescale.idealMaxWorkingDays
              : null,
      })),
      ended: days.length,
      median: days.length ? (median(days) ?? null) : null,
      lowerQuartile: days.length ? (quantileSorted(days, 0.25) ?? null) : null,
      upperQuartile: days.length ? (quantileSorted(days, 0.75) ?? null) : null,
      min: days[0] ?? null,
      max: days.at(-1) ?? null,
      overCap: cap === null ? 0 : days.filter((d) => d > cap).length,
    });
  }

  const breaches = inputs.fired.filter((f) => within(f.at));
  const stateById = new Map(inputs.states.map((s) => [s.id, s]));
  const breachesByStage = countBy(
    breaches.flatMap((f) => {
      const s = stateById.get(f.disputeId);
      return s ? [{ f, s }] : [];
    }),
    ({ f, s }) => `${s.procedureId}\u0000${f.kind === 'overall-deadline' ? '' : f.stageId}`,
    ({ f, s }, count) => ({
      procedure: procedureName(s.procedureId),
      stage: f.kind === 'overall-deadline' ? 'Overall time limit' : stageName(s.procedureId, f.stageId),
      count,
    }),
  ).sort((a, b) => a.procedure.localeCompare(b.procedure) || a.stage.localeCompare(b.stage));

  const byCategory = countBy(
    inPeriod,
    (s) => `${s.procedureId}\u0000${s.category}`,
    (s, count) => ({
      procedure: procedureName(s.procedureId),
      category:
        ctx.procedures.get(s.procedureId)?.categories.find((c) => c.id === s.category)?.label ?? s.category,
      count,
    }),
  ).sort(
    (a, b) =>
      b.count - a.count || a.procedure.localeCompare(b.procedure) || a.category.localeCompare(b.category),
  );

  const byOrganisationPair = countBy(
    inPeriod,
    (s) => `${s.raisingOrganisationId}\u0000${s.counterpartOrganisationId}`,
    (s, count) => ({
      raising: ctx.organisationName(s.raisingOrganisationId),
      counterpart: ctx.organisationName(s.counterpartOrganisationId),
      count,
    }),
  ).sort(
    (a, b) =>
      b.count - a.count || a.raising.localeCompare(b.raising) || a.counterpart.localeCompare(b.counterpart),
  );

  const today = londonDay(asAt);
  const actionsOverdue: OverdueAction[] = inPeriod
    .flatMap((s) =>
      s.outcomes.flatMap((o) =>
        o.actions
          // Past its date and not marked done by then.
          .filter((a) => a.dueDate < today && !(a.done && a.done.at <= asAtIso))
          .map((a) => ({
            disputeId: s.id,
            caseReference: s.caseReference,
            procedure: procedureName(s.procedureId),
            dueDate: a.dueDate,
            partyOnly: { description: a.description, owner: a.owner },
          })),
      ),
    )
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.caseReference.localeCompare(b.caseReference));

  const learning: LearningItem[] = [];
  for (const s of ended) {
    if (s.status !== 'resolved') continue;
    const procedure = ctx.procedures.get(s.procedureId);
    for (const item of procedure?.afterResolution ?? []) {
      if (!(LEARNING_KINDS as readonly string[]).includes(item.kind)) continue;
      const card = inputs.afterCards.find((c) => c.disputeId === s.id && c.itemId === item.id);
      learning.push({
        disputeId: s.id,
        caseReference: s.caseReference,
        procedure: procedureName(s.procedureId),
        kind: item.kind as LearningItem['kind'],
        itemId: item.id,
        referredTo: item.to?.label ?? 'the dispute owner',
        raisedBy: s.outcomes.at(-1)?.recordedBy || s.owner.name,
        raisedAt: s.endedAt as string,
        status: !card
          ? 'not-sent'
          : card.status === 'done'
            ? 'delivered'
            : card.status === 'parked'
              ? 'failed'
              : 'pending',
        deliveredTo: card?.to.name ?? null,
        deliveredAt: card?.status === 'done' ? card.doneAt : null,
        followUp: followUpOf(s, item.id, asAtIso),
      });
    }
  }
  learning.sort(
    (a, b) => a.raisedAt.localeCompare(b.raisedAt) || a.caseReference.localeCompare(b.caseReference),
  );

  return {
    period: { from: ctx.from, to: ctx.to, asAt: asAtIso },
    totals: {
      inPeriod: inPeriod.length,
      raised: inPeriod.filter((s) => within(s.raisedAt)).length,
      ended: ended.length,
      open: openAt.length,
    },
    openByStage,
    rag: ragCounts,
    overdueSteps,
    resolution,
    breachesByStage,
    byCategory,
    byOrganisationPair,
    actionsOverdue,
    learning,
  };
}

/**
 * The figures as one viewer may see them: free text only for disputes they take part in. With no
 * viewer (the CLI, a board pack) every item is minimised.
 */
export function forViewer(
  figures: Figures,
  isPartyTo: (disputeId: string) => boolean = () => false,
): Figures {
  return {
    ...figures,
    actionsOverdue: figures.actionsOverdue.map(({ partyOnly, ...rest }) =>
      partyOnly && isPartyTo(rest.disputeId) ? { ...rest, partyOnly } : rest,
    ),
    learning: figures.learning.map((item) => {
      if (!item.followUp) return item;
      const { partyOnly, ...followUp } = item.followUp;
      return {
        ...item,
        followUp: partyOnly && isPartyTo(item.disputeId) ? { ...followUp, partyOnly } : followUp,
      };
    }),
  };
}

/** The latest follow-up of a learning item recorded by `asAt`. */
function followUpOf(state: DisputeState, itemId: string, asAt: string): LearningItem['followUp'] {
  const latest = (state.learningFollowUps ?? []).filter((f) => f.itemId === itemId && f.at <= asAt).at(-1);
  if (!latest) return null;
  return {
    outcome: latest.outcome,
    by: latest.by,
    at: latest.at,
    hasNote: latest.note !== null,
    ...(latest.note ? { partyOnly: { note: latest.note } } : {}),
  };
}

function stageIndex(ctx: FigureContext, row: { procedureId: string; stageId: string }): number {
  return ctx.procedures.get(row.procedureId)?.stages.findIndex((s) => s.id === row.stageId) ?? 0;
}

function countBy<T, R>(
  items: readonly T[],
  key: (item: T) => string,
  row: (first: T, count: number) => R,
): R[] {
  const groups = new Map<string, { first: T; count: number }>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.count += 1;
    else groups.set(k, { first: item, count: 1 });
  }
  return [...groups.values()].map((g) => row(g.first, g.count));
}

/** Whether `state` is one a person takes part in (the bot's rule: raised, owns, awaited, took part). */
export function takesPart(state: DisputeState, personId: string): boolean {
  return [state.raisedBy, state.owner, state.stage.awaiting, ...state.participants].some(
    (p) => p?.id === personId,
  );
}
