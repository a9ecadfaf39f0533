/**
 * Builders from domain data (`DisputeState`, `CardView`, a procedure) to card view-models. Pure;
 * the caller passes `now` and who is viewing. The bot router calls these, then `renderCard`.
 */
import type { OfferedNote } from '../domain/dispute/anytime-notes.ts';
import type { OfferedBypass } from '../domain/dispute/bypass-offer.ts';
import type {
  CardView,
  DisputeListing,
  DisputeState,
  RecordEntry,
  Refusal,
} from '../domain/dispute/types.ts';
import {
  looksLikeName,
  RAISE_TEXT_MAX,
  subjectOfDispute,
  subjectOfProcedure,
} from '../domain/dispute/validate.ts';
import type { ProcedureDefinition, Stage } from '../domain/procedure/schema.ts';
import { subjectWords } from '../wording/audience.ts';
import type {
  Deadlines,
  DecisionViewModel,
  DisputeDetailViewModel,
  DisputeHeader,
  DisputeSummary,
  ErrorViewModel,
  ImmediateRiskViewModel,
  Option,
  PersonLabel,
  RaiseDisputeViewModel,
  RaiseDraft,
  RaiseField,
  RaiseStartViewModel,
  ReviewStatementViewModel,
  StatementField,
  Viewer,
} from './view-models.ts';
import { shortStageName } from './wording/cards.ts';
import { ABOUT_CHOICES, NAME_CONFIRM_TITLE, raiseFieldWords, type Subject } from './wording/raise.ts';
import { recordEntryText } from './wording/records.ts';
import { refusalText } from './wording/refusals.ts';

export function deadlinesOf(state: DisputeListing, procedure: ProcedureDefinition): Deadlines {
  return {
    stageStartedAt: state.stage.startedAt,
    stageDue: state.stage.due,
    stageDueDate: state.stage.dueDate,
    overallStartedAt: state.formalStartedAt,
    overallDue: state.overallDue,
    overallWorkingDays: procedure.overall?.workingDays ?? null,
    status: state.status,
    ...(state.stage.phase === 'exceptional' ? { paused: true } : {}),
  };
}

/**
 * The warning a card's own intent gives, so the card's RAG is never lower than what it warns of.
 * @example warningOf({ kind: 'stage-warning', percent: 75, stageName: 'Stage 1', dueDate: null }) // { stage: 75 }
 */
export function warningOf(intent: { readonly kind: string; readonly percent?: number }): Deadlines['warned'] {
  const percent =
    intent.percent === 50 || intent.percent === 75 || intent.percent === 100 ? intent.percent : null;
  if (intent.kind === 'stage-warning' && percent) return { stage: percent };
  if (intent.kind === 'overall-timescale' && percent) return { overall: percent };
  if (intent.kind === 'stage-overdue' || intent.kind === 'no-response') return { stage: 100 };
  return undefined;
}

export function headerOf(state: DisputeState, procedure: ProcedureDefinition): DisputeHeader {
  const stage = procedure.stages.find((s) => s.id === state.stage.id);
  return {
    disputeId: state.id,
    seq: state.seq,
    caseReference: state.caseReference,
    procedureName: procedure.name,
    stageName: stage?.name ?? state.stage.id,
    deadlines: deadlinesOf(state, procedure),
  };
}

/**
 * The generic step card for a `send-card` effect's `CardView`. `awaiting` is the person the card
 * was sent to act; `stale` when the dispute's `seq` has moved past `seq`.
 */
export function decisionFromCardView(
  view: CardView,
  ctx: {
    seq: number;
    stageStartedAt: string | null;
    overallStartedAt: string | null;
    now: string;
    viewer: Viewer;
    awaiting: PersonLabel | null;
    stale: boolean;
    /** The dispute's status now; an ended dispute is never "On track". */
    status?: DisputeState['status'];
    paused?: boolean;
    warned?: Deadlines['warned'];
  },
): DecisionViewModel {
  return {
    dispute: {
      disputeId: view.disputeId,
      seq: ctx.seq,
      caseReference: view.caseReference,
      procedureName: view.procedureName,
      stageName: view.stageName,
      deadlines: {
        stageStartedAt: ctx.stageStartedAt,
        stageDue: view.due,
        stageDueDate: view.dueDate,
        overallStartedAt: ctx.overallStartedAt,
        overallDue: view.overallDue,
        overallWorkingDays: view.overallWorkingDays,
        ...(ctx.status ? { status: ctx.status } : {}),
        ...(ctx.paused ? { paused: true } : {}),
        ...(ctx.warned ? { warned: ctx.warned } : {}),
      },
    },
    now: ctx.now,
    viewer: ctx.viewer,
    awaiting: ctx.awaiting,
    stale: ctx.stale,
    title: view.title,
    text: view.text,
    // The header already shows the case reference and stage.
    facts: view.facts.filter((f) => f.label !== 'Case reference' && f.label !== 'Stage'),
    actions: view.actions,
    ...(view.input ? { input: view.input } : {}),
  };
}

export function immediateRiskModel(
  procedure: ProcedureDefinition,
  mode: 'ask' | 'contacts',
): ImmediateRiskViewModel {
  return {
    procedureId: procedure.id,
    procedureName: procedure.name,
    guidance: procedure.immediateRisk.guidance,
    quote: procedure.immediateRisk.quote ?? null,
    contacts: procedure.immediateRisk.contacts,
    mode,
  };
}

/** The procedure's `raise.required` ids that name a raise field. */
const RAISE_IDS: Readonly<Record<string, RaiseField>> = {
  'case-reference': 'caseReference',
  'partner-organisation': 'counterpartOrganisationId',
  category: 'category',
  urgency: 'urgency',
  issue: 'issue',
  'informal-attempts': 'informalAttempts',
  'resolution-sought': 'resolutionSought',
};

export const EMPTY_RAISE_DRAFT: RaiseDraft = {
  procedureId: '',
  about: '',
  caseReference: '',
  caseReferenceConfirmed: '',
  counterpartOrganisationId: '',
  category: '',
  urgency: '',
  issue: '',
  informalAttempts: '',
  resolutionSought: '',
};

/** Who the wizard's words speak of: what the procedure covers, or the raiser's answer where it covers both. */
export function raiseSubject(procedure: ProcedureDefinition, about: string | undefined): Subject {
  const covered = subjectOfProcedure(procedure);
  if (covered) return covered;
  return about === 'child' || about === 'adult' ? about : null;
}

const aboutOptions = (p: ProcedureDefinition): Option[] =>
  subjectOfProcedure(p) ? [] : ABOUT_CHOICES.map((c) => ({ ...c }));

/** The raise wizard for `procedure`, pre-filled from a saved draft. */
export function raiseDisputeModel(input: {
  draftId: string;
  seq: number;
  procedure: ProcedureDefinition;
  procedures: readonly ProcedureDefinition[];
  partners: readonly Option[];
  draft?: Partial<RaiseDraft>;
  errors?: RaiseDisputeViewModel['errors'];
  savedAt?: string | null;
  viewer: Viewer;
  canDiscard?: boolean;
}): RaiseDisputeViewModel {
  const p = input.procedure;
  const draft: RaiseDraft = {
    ...EMPTY_RAISE_DRAFT,
    ...input.draft,
    procedureId: input.draft?.procedureId || p.id,
  };
  const words = raiseFieldWords(raiseSubject(p, draft.about));
  const labels: Record<RaiseField, string> = { ...words.labels, caseReferenceConfirmed: NAME_CONFIRM_TITLE };
  const alsoInclude: string[] = [];
  for (const item of p.raise.required) {
    const field = RAISE_IDS[item.id];
    if (field) labels[field] = item.label;
    else alsoInclude.push(item.label);
  }
  const errors = input.errors ?? {};
  const reference = draft.caseReference.trim();
  return {
    draftId: input.draftId,
    seq: input.seq,
    procedures: input.procedures.map((x) => ({ value: x.id, title: x.name })),
    procedureId: p.id,
    procedureName: p.name,
    canChangeProcedure: input.procedures.length > 1,
    partners: input.partners,
    categories: p.categories.map((c) => ({ value: c.id, title: c.label })),
    urgencyLevels: (p.urgencyLevels ?? []).map((u) => ({ value: u.id, title: u.label })),
    aboutOptions: aboutOptions(p),
    labels,
    placeholders: words.placeholders,
    messages: words.messages,
    privacyNote: words.privacy,
    alsoInclude,
    guidance: p.raise.quote ?? null,
    // The toggle stays while the reference reads like a name, so a confirmation can be seen and undone.
    confirmName: reference !== '' && looksLikeName(reference),
    textMax: RAISE_TEXT_MAX,
    draft,
    errors,
    savedAt: input.savedAt ?? null,
    viewer: input.viewer,
    canDiscard: input.canDiscard ?? false,
  };
}

/** "Before you start" for `procedure`: what it does not cover, and who the dispute is about. */
export function raiseStartModel(input: {
  draftId: string;
  seq: number;
  procedure: ProcedureDefinition;
  procedures: readonly ProcedureDefinition[];
  about?: string;
  notice?: string | null;
  errors?: RaiseStartViewModel['errors'];
}): RaiseStartViewModel {
  const p = input.procedure;
  return {
    draftId: input.draftId,
    seq: input.seq,
    procedures: input.procedures.map((x) => ({ value: x.id, title: x.name })),
    procedureId: p.id,
    procedureName: p.name,
    outOfScope: p.outOfScope.map((o) => ({ quote: o.quote, instead: o.instead ?? null })),
    aboutOptions: aboutOptions(p),
    about: input.about === 'child' || input.about === 'adult' ? input.about : '',
    notice: input.notice ?? null,
    errors: input.errors ?? {},
  };
}

export { shortStageName } from './wording/cards.ts';

/** The Team Manager's review of the pre-filled Stage email (while the dispute awaits the entry decision). */
export function reviewStatementModel(input: {
  state: DisputeState;
  procedure: ProcedureDefinition;
  nextStage: Stage;
  recipients: readonly string[];
  missingRecipients?: ReviewStatementViewModel['missingRecipients'];
  /** Who decided on the stage, when the email was handed to its sender to review and send. */
  decidedBy?: string;
  now: string;
  viewer: Viewer;
  stale: boolean;
  errors?: ReviewStatementViewModel['errors'];
}): ReviewStatementViewModel {
  const { state, procedure, nextStage } = input;
  const labels: Record<StatementField, string> = {
    issue: 'The problem identified',
    informalAttempts: 'Details of attempts to resolve the problem informally',
    resolutionSought: 'The resolution sought',
  };
  for (const c of nextStage.content.required) {
    if (c.id === 'problem') labels.issue = c.label;
    if (c.id === 'informal-attempts') labels.informalAttempts = c.label;
    if (c.id === 'resolution-sought') labels.resolutionSought = c.label;
  }
  return {
    dispute: headerOf(state, procedure),
    now: input.now,
    viewer: input.viewer,
    awaiting: state.stage.awaiting ? { id: state.stage.awaiting.id, name: state.stage.awaiting.name } : null,
    stale: input.stale,
    stageToRaise: shortStageName(nextStage),
    recipients: input.recipients,
    ...(input.missingRecipients?.length ? { missingRecipients: input.missingRecipients } : {}),
    ...(input.decidedBy ? { decidedBy: input.decidedBy } : {}),
    responseWorkingDays: nextStage.timescale.kind === 'working-days' ? nextStage.timescale.workingDays : null,
    importance: {
      level: nextStage.email?.importance ?? 'high',
      quote: nextStage.email?.importanceQuote ?? null,
    },
    statement: state.details,
    labels,
    options: { informal: !!nextStage.entry?.informalOption, accept: !!nextStage.entry?.acceptOption },
    errors: input.errors ?? {},
  };
}

export function summaryOf(state: DisputeListing, procedure: ProcedureDefinition): DisputeSummary {
  return {
    disputeId: state.id,
    caseReference: state.caseReference,
    procedureShortName: procedure.shortName,
    stageName: procedure.stages.find((s) => s.id === state.stage.id)?.name ?? state.stage.id,
    status: state.status,
    deadlines: deadlinesOf(state, procedure),
    awaiting: state.stage.awaiting?.name ?? null,
  };
}

export function disputeDetailModel(input: {
  state: DisputeState;
  procedure: ProcedureDefinition;
  records: readonly RecordEntry[];
  partnerOrganisation: string;
  now: string;
  viewer: Viewer;
  /** The notes the viewer may record at any point (`anytimeNotesFor`). */
  notes?: readonly OfferedNote[];
  /** The stages the viewer may bypass to (`bypassFor`). */
  bypass?: OfferedBypass | null;
}): DisputeDetailViewModel {
  const { state, procedure } = input;
  return {
    dispute: headerOf(state, procedure),
    now: input.now,
    viewer: input.viewer,
    status: state.status,
    category: procedure.categories.find((c) => c.id === state.category)?.label ?? state.category,
    partnerOrganisation: input.partnerOrganisation,
    about: subjectWords(procedure, subjectOfDispute(state, procedure)).who,
    raisedBy: state.raisedBy.name,
    raisedAt: state.raisedAt,
    awaiting: state.stage.awaiting?.name ?? null,
    timeline: input.records.map((r) => ({
      at: r.at,
      stageName: r.stageName,
      ...recordEntryText(r, procedure),
      between: r.between,
    })),
    notes: input.notes ?? [],
    bypass: input.bypass ?? null,
  };
}

const REFUSAL_TITLES: Partial<Record<Refusal['reason'], string>> = {
  'not-your-step': 'This step is for someone else',
  'wrong-phase': 'This card is out of date',
  'invalid-input': 'Some answers need correcting',
  'dispute-not-open': 'This dispute is no longer open',
};

/** The card for a refusal from `decide()`: its message, shown to the person. */
export function errorFromRefusal(refusal: Refusal, disputeId: string | null = null): ErrorViewModel {
  return {
    title: REFUSAL_TITLES[refusal.reason] ?? 'That could not be done',
    message: refusalText(refusal),
    reason: refusal.reason,
    disputeId,
  };
}
