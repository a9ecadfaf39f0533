/**
 * What every presenter shares (see present.ts): buttons and their payloads, the refresh block, the
 * deadline block with RAG, the header, and whose step a card is.
 */

import { limitInWords } from '../wording/dates.ts';
import { escapeCardText as esc } from './escape.ts';
import { formatDay, formatInstantDay } from './format.ts';
import { ragOf } from './rag.ts';
import { type CardActionData, type CardVerb, UI_VERBS, VERBS } from './verbs.ts';
import type { Deadlines, DisputeHeader, FieldErrors, StepContext, Viewer } from './view-models.ts';

/** The data a template binds. */
export type Data = Record<string, unknown>;
export type ActionStyle = 'default' | 'positive' | 'destructive';

/** One button: an `Action.Execute` whose `Action.Submit` fallback carries the same data. */
export interface ActionData {
  readonly title: string;
  readonly verb: CardVerb;
  readonly style: ActionStyle;
  readonly associatedInputs: 'auto' | 'none';
  /** `Action.Execute.data`. */
  readonly data: CardActionData;
  /** `Action.Submit.data` for clients without Universal Actions: the same, verb included. */
  readonly submitData: CardActionData;
}

export function action(
  verb: CardVerb,
  title: string,
  ids: { disputeId: string | null; seq: number; extra?: Readonly<Record<string, string>> },
  opts: { style?: ActionStyle; inputs?: 'auto' | 'none' } = {},
): ActionData {
  const data: CardActionData = { ...(ids.extra ?? {}), verb, disputeId: ids.disputeId, seq: ids.seq };
  return {
    title,
    verb,
    style: opts.style ?? 'default',
    associatedInputs: opts.inputs ?? 'none',
    data,
    submitData: data,
  };
}

/** The `refresh` block: the acting person's client re-fetches the card, so it updates in place. */
export function refresh(
  viewer: Viewer,
  disputeId: string | null,
  seq: number,
  view: 'step' | 'detail' = 'detail',
): Data | null {
  if (viewer.refreshUserIds.length === 0) return null;
  // `view: 'step'` asks the bot for the viewer's own view of the dispute's current step.
  const data: CardActionData = { verb: UI_VERBS.refresh, disputeId, seq, view };
  return {
    action: { type: 'Action.Execute', verb: UI_VERBS.refresh, title: 'Refresh', data },
    userIds: [...viewer.refreshUserIds],
  };
}

export const DOMAIN_STYLE: Partial<Record<string, ActionStyle>> = {
  [VERBS.escalate]: 'positive',
  [VERBS.agreed]: 'positive',
  [VERBS.notAgreed]: 'destructive',
  [VERBS.withdraw]: 'destructive',
};

/**
 * The deadline block every dispute card shows: the stage's deadline and the overall cap, with the
 * RAG from `ragOf` (status first, then the worse of the step and the cap).
 * @example presentDeadlines(d, now).line // 'Stage due by Monday 7 December 2026 · 20-working-day limit: Monday 4 January 2027'
 */
export function presentDeadlines(d: Deadlines, now: string): Data {
  const status = d.status ?? 'open';
  const stage = d.stageDueDate
    ? `Stage due by ${formatDay(d.stageDueDate)}`
    : d.stageDue
      ? `Stage due by ${formatInstantDay(d.stageDue)}`
      : 'No stage deadline';
  const cap = d.overallWorkingDays
    ? d.overallDue
      ? `${limitInWords(d.overallWorkingDays)}: ${formatInstantDay(d.overallDue)}`
      : `${limitInWords(d.overallWorkingDays)}: not started yet`
    : 'No overall time limit';
  const view = ragOf({
    status,
    now,
    stage: { startedAt: d.stageStartedAt, due: d.stageDue },
    overall: { startedAt: d.overallStartedAt, due: d.overallDue, workingDays: d.overallWorkingDays },
    ...(d.paused ? { paused: true } : {}),
    ...(d.warned ? { warned: d.warned } : {}),
  });
  return {
    // An ended dispute's deadlines are history: the line says so rather than counting down.
    line: status === 'open' ? `${stage} · ${cap}` : `${view.label}. ${cap}`,
    rag: view.rag,
    ragKind: view.kind,
    ragLabel: view.label,
    // With no clock to count, the line already says so ("No stage deadline"): no second badge.
    showRag: view.kind !== 'no-timescale',
    color: view.color,
    overallWarning: view.overallLine,
    overallColor: view.overallColor,
  };
}

export function presentHeader(h: DisputeHeader): Data {
  return {
    caseReference: esc(h.caseReference),
    procedureName: esc(h.procedureName),
    stageName: esc(h.stageName),
  };
}

/**
 * Read-only unless the viewer is the person whose step it is and the card is current. The status
 * names the person whose step it is, so a card seen by someone else (a group chat, a forwarded
 * card) never tells them the step is theirs.
 */
function presentStep(ctx: StepContext): { readOnly: boolean; status: string; statusColor: string } {
  if (ctx.stale) {
    return {
      readOnly: true,
      status: 'A newer card has replaced this one. Open the dispute to see where it is now.',
      statusColor: 'default',
    };
  }
  if (!ctx.awaiting)
    return { readOnly: true, status: 'No one needs to act on this step now.', statusColor: 'default' };
  if (ctx.viewer.personId !== ctx.awaiting.id) {
    return { readOnly: true, status: `This step is for ${esc(ctx.awaiting.name)}.`, statusColor: 'default' };
  }
  return {
    readOnly: false,
    status: `This step is for you, ${esc(ctx.awaiting.name)}.`,
    statusColor: 'default',
  };
}

/**
 * What every step card binds. `actionable: false` (a notice: a warning, an update, a status) carries
 * no `refresh`: there is nothing to turn read-only, and a notice refreshed after the dispute moved
 * on must not come back as "out of date".
 */
export function stepBase(ctx: StepContext, actionable = true): Data & { readOnly: boolean } {
  const step = presentStep(ctx);
  return {
    refresh: actionable ? refresh(ctx.viewer, ctx.dispute.disputeId, ctx.dispute.seq, 'step') : null,
    header: presentHeader(ctx.dispute),
    deadline: presentDeadlines(ctx.dispute.deadlines, ctx.now),
    ...step,
  };
}

export function ids(ctx: StepContext) {
  return { disputeId: ctx.dispute.disputeId, seq: ctx.dispute.seq };
}

/** Every key present, escaped; '' when there is no error. */
export function presentErrors<K extends string>(
  keys: readonly K[],
  errors: FieldErrors<K>,
): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const k of keys) out[k] = errors[k] ? esc(errors[k] as string) : '';
  return out;
}

export function facts(list: readonly { label: string; value: string }[]): { title: string; value: string }[] {
  return list.map((f) => ({ title: esc(f.label), value: esc(f.value) }));
}

export const navigation = (disputeId: string | null, seq: number): ActionData[] => [
  action(UI_VERBS.myDisputes, 'My disputes', { disputeId, seq }),
  action(UI_VERBS.help, 'Help', { disputeId, seq }),
];
