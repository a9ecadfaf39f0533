/**
 * Which card template shows a dispute step, and its view-model, from the domain's `send-card`
 * effect (its card kind and intent, worded as a `CardView`) and the dispute's current state. The
 * template is chosen by the intent's kind, never by reading the buttons. Pure: `now` and the viewer are
 * passed in. Used by the card sender (proactive cards) and the router (cards updated in place).
 *
 * Stale-card detection: a card carries the dispute `seq` it was rendered at. `stepKey` names the
 * step a state is at (stage, phase, who is awaited); the card is current while the step it was
 * rendered for is still the dispute's step, even if system events (an email sent, a warning) have
 * moved `seq` on since.
 */
import {
  type AdaptiveCardJson,
  decisionFromCardView,
  headerOf,
  renderCard,
  reviewStatementModel,
  warningOf,
} from '../cards/index.ts';
import type { FieldErrors, OutcomeField, StatementField, StepContext, Viewer } from '../cards/view-models.ts';
import type { CardIntent } from '../domain/dispute/card-intents.ts';
import type { CardAction, CardKind, CardView, DisputeState } from '../domain/dispute/types.ts';
import { VERBS } from '../domain/dispute/verbs.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';

/** The step a dispute is at: changes whenever someone's turn starts or ends. */
export function stepKey(state: DisputeState): string {
  return [state.status, state.stage.id, state.stage.phase, state.stage.awaiting?.id ?? '-'].join('|');
}

/**
 * The viewer of a card. Step cards delivered to a person carry a `refresh` block for their Teams
 * user id, so Teams re-fetches that person's own view (actionable while the step is theirs,
 * read-only after). Clients without Universal Actions (the Agents Playground) ignore it; the slot
 * mechanism also turns superseded cards read-only, so both paths agree.
 */
export function viewerOf(personId: string | null, refreshUserIds: readonly string[] = []): Viewer {
  return { personId, refreshUserIds };
}

interface StepInput {
  readonly state: DisputeState;
  readonly procedure: ProcedureDefinition;
  readonly viewerId: string | null;
  readonly now: string;
  readonly stale?: boolean;
  /** The viewer's Teams user id(s), for the card's `refresh` block. */
  readonly refreshUserIds?: readonly string[];
}

function stepContext(input: StepInput): StepContext {
  const { state, procedure } = input;
  const awaiting = state.stage.awaiting;
  return {
    dispute: headerOf(state, procedure),
    now: input.now,
    viewer: viewerOf(input.viewerId, input.refreshUserIds ?? []),
    awaiting: awaiting ? { id: awaiting.id, name: awaiting.name } : null,
    stale: input.stale ?? false,
  };
}

/** What a step card shows: the domain's intent, or the router's "correct this answer" for a verb. */
export type StepIntent = CardIntent | { readonly kind: 'retry'; readonly verb: string };

/** A decision that only raises the next stage (optionally informally, or accept): review its statement. */
function statementOptions(intent: StepIntent): { informal: boolean; accept: boolean } | null {
  if (intent.kind === 'retry')
    return intent.verb === VERBS.escalate ? { informal: false, accept: false } : null;
  if (intent.kind !== 'ask-decision') return null;
  const verbs = intent.options.map((o) => o.verb);
  if (!verbs.includes('escalate') || verbs.some((v) => v === 'refer' || v === 'resolve')) return null;
  return { informal: verbs.includes('informal'), accept: verbs.includes('accept') };
}

const MEETING_INTENTS = new Set<StepIntent['kind']>(['meeting', 'meeting-unbookable']);
const OUTCOME_INTENTS = new Set<StepIntent['kind']>(['record-outcome', 'informal-contact']);
const isRetryOf = (intent: StepIntent, ...verbs: string[]) =>
  intent.kind === 'retry' && verbs.includes(intent.verb);

/**
 * The card for a `send-card` effect, rendered for its recipient from the current state.
 * The domain's `CardView` supplies the wording and buttons; richer templates are used where the
 * step has inputs (review the statement, the reply, the meeting, the outcome).
 */
export function cardForEffect(
  input: StepInput & {
    kind: CardKind;
    intent: StepIntent;
    view: CardView;
    /** The recipient's name, when the viewer is the card's recipient. */
    recipientName?: string;
    errors?: Readonly<Record<string, string>>;
  },
): AdaptiveCardJson {
  const { state, procedure, kind, intent, view } = input;
  const base = stepContext(input);
  // A card with buttons sent while no step is awaited (e.g. "close the record" after resolution) is
  // for its recipient to act on; the domain still decides whether they may.
  const ctx: StepContext =
    !base.awaiting && view.actions.length > 0 && input.viewerId && input.recipientName
      ? { ...base, awaiting: { id: input.viewerId, name: input.recipientName } }
      : base;
  const errors = input.errors ?? {};
  const phase = state.stage.phase;

  if (kind === 'decision' && phase === 'awaiting-decision' && state.stage.nextStageId) {
    const next = procedure.stages.find((s) => s.id === state.stage.nextStageId);
    const options = statementOptions(intent);
    // The statement is reviewed by the person it goes out from: at an email stage, or when the
    // decision was handed to the sender of a letter or a discussion held by email.
    const handedOver = intent.kind === 'ask-decision' && intent.after === 'handover';
    if (next && (next.channel === 'email' || handedOver) && options) {
      const model = reviewStatementModel({
        state,
        procedure,
        nextStage: next,
        recipients:
          intent.kind === 'ask-decision' && intent.recipients?.length
            ? intent.recipients.flatMap((r) => (r.name ? [recipientLabel(r.name, r.role)] : []))
            : next.with.map((p) => partyLabel(procedure, p.role, p.label)),
        missingRecipients:
          intent.kind === 'ask-decision'
            ? (intent.recipients ?? []).flatMap((r) =>
                r.name ? [] : [{ role: r.role, organisation: r.organisation ?? null }],
              )
            : [],
        ...(handedOver && intent.decidedBy ? { decidedBy: intent.decidedBy } : {}),
        now: input.now,
        viewer: ctx.viewer,
        stale: ctx.stale,
        errors: errors as FieldErrors<StatementField>,
      });
      return renderCard('review-statement', {
        ...model,
        options,
      });
    }
  }
  if (kind === 'review-reply' && phase === 'awaiting-acknowledgement') {
    const reply = [...state.stage.thread].reverse().find((m) => m.kind === 'reply');
    if (reply) {
      const stage = procedure.stages.find((s) => s.id === state.stage.id);
      return renderCard('review-reply', {
        ...ctx,
        reply: {
          from: reply.fromName ?? reply.from ?? 'the counterpart',
          at: reply.at,
          text: reply.text ?? '',
        },
        responseMustInclude: stage?.content.response?.required.map((c) => c.label) ?? [],
        errors: errors as FieldErrors<'note'>,
      });
    }
  }
  if (
    kind === 'meeting' &&
    state.stage.meeting?.start &&
    state.stage.meeting.end &&
    (MEETING_INTENTS.has(intent.kind) || isRetryOf(intent, VERBS.moveMeeting))
  ) {
    const m = state.stage.meeting;
    const stage = procedure.stages.find((s) => s.id === state.stage.id);
    return renderCard('meeting', {
      // The convener may move the meeting whatever phase-holder the dispute names while it is booked.
      ...ctx,
      awaiting: { id: m.convener.id, name: m.convener.name },
      meeting: {
        subject: `${stage?.name ?? state.stage.id}: case ${state.caseReference}`,
        start: m.start ?? '',
        end: m.end ?? '',
        joinUrl: m.joinUrl ?? null,
        convener: m.convener.name,
        attendees: m.attendees.map((a) => ({
          name: a.person.name,
          required: a.required,
          external: a.external,
          response: a.response,
        })),
      },
      otherSlots: otherSlots(m.alternatives ?? [], m.start, m.end, input.now),
      errors: errors as FieldErrors<'start'>,
    });
  }
  if (
    (kind === 'outcome' || kind === 'informal-outcome') &&
    (OUTCOME_INTENTS.has(intent.kind) || isRetryOf(intent, VERBS.outcome, VERBS.informalOutcome))
  ) {
    const stage = procedure.stages.find((s) => s.id === state.stage.id);
    const held = state.stage.meeting?.status === 'held';
    return renderCard('outcome', {
      ...ctx,
      askMinutes: kind === 'outcome' && held && !!stage?.meeting?.minutes,
      draft: { minutes: '', resolved: '', summary: '', actions: [] },
      mustInclude: kind === 'outcome' ? (stage?.content.required.map((c) => c.label) ?? []) : [],
      // The step's "Book a meeting" (the view's second action), where the stage allows one.
      canRequestMeeting: intent.kind === 'record-outcome' && intent.canRequestMeeting,
      // The step's own words: the procedure's quote, who it is with, and any replies on its thread.
      title: view.title,
      notes: [...view.text, ...sameDayNote(stage)],
      errors: errors as FieldErrors<OutcomeField>,
    });
  }
  return renderCard(
    'decision',
    decisionFromCardView(view, {
      seq: state.seq,
      stageStartedAt: state.stage.startedAt,
      overallStartedAt: state.formalStartedAt,
      now: input.now,
      viewer: ctx.viewer,
      awaiting: ctx.awaiting,
      stale: ctx.stale,
      status: state.status,
      paused: state.stage.phase === 'exceptional' || intent.kind === 'action-parked',
      warned: intent.kind === 'retry' ? undefined : warningOf(intent),
    }),
  );
}

/**
 * The stage's rule that its decision is relayed on the day it is made (NEL Stage 4), in the
 * procedure's words, on the card that records it: Concord sends the written outcome at once.
 */
function sameDayNote(stage: ProcedureDefinition['stages'][number] | undefined): string[] {
  const rule = stage?.outcomeInWriting?.sameDay;
  return rule
    ? [
        `Concord sends the decision in writing as soon as you record it, because the procedure asks: “${rule.quote}”`,
      ]
    : [];
}

/** A read-only card saying where the dispute is now (after an action, or for a stale card). */
export function statusCard(input: StepInput & { title: string; text?: readonly string[] }): AdaptiveCardJson {
  const { state, procedure } = input;
  const ctx = stepContext(input);
  const stageName = procedure.stages.find((s) => s.id === state.stage.id)?.name ?? state.stage.id;
  const where =
    state.status === 'open'
      ? `The dispute is at ${stageName}${state.stage.awaiting ? `, waiting for ${state.stage.awaiting.name}` : ''}.`
      : `The dispute is ${state.status}.`;
  return renderCard('decision', {
    ...ctx,
    title: input.title,
    text: [...(input.text ?? []), where],
    facts: [],
    actions: [] as CardAction[],
  });
}

/**
 * A recipient on the review card's "To": their name, with their role in brackets unless the name
 * already says it ("Team Manager, Gateshead", not "Team Manager, Gateshead (Team Manager)"; an
 * abbreviation the role adds in brackets, "(IRO)", does not count).
 */
export function recipientLabel(name: string, role: string): string {
  const bare = role
    .replace(/\s*\([^)]*\)\s*$/, '')
    .trim()
    .toLowerCase();
  return bare && name.toLowerCase().includes(bare) ? name : `${name} (${role})`;
}

function partyLabel(procedure: ProcedureDefinition, role: string, label: string | undefined): string {
  return label ?? procedure.roles.find((r) => r.id === role)?.label ?? role;
}

/** The other viable starts the booking found (free for everyone known, inside the window, across its days), up to twenty. */
function otherSlots(
  alternatives: readonly string[],
  start: string | undefined,
  end: string | undefined,
  now: string,
): { start: string; end: string }[] {
  const duration = start && end ? Date.parse(end) - Date.parse(start) : 60 * 60_000;
  return alternatives
    .filter((a) => a > now)
    .slice(0, 20)
    .map((a) => ({ start: a, end: new Date(Date.parse(a) + duration).toISOString() }));
}
