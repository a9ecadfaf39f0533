/**
 * How a stage starts, by its channel: `CHANNELS[stage.channel]` sends the stage's email or letter,
 * books its meeting, or asks the actor for the outcome of a discussion. One row per channel, so a
 * new channel is one new entry (the shape of a DSL interpreter's step table).
 */
import type { Channel, Stage } from '../procedure/schema.ts';
import { bookMeeting } from './meeting-booking.ts';
import type { ResolvedTimescale, Transition } from './transition.ts';
import type { CardAction, DisputeDetails, PersonRef } from './types.ts';
import { VERBS } from './verbs.ts';

export interface ChannelEntry {
  readonly stage: Stage;
  readonly actor: PersonRef;
  /** The people the stage copies in. */
  readonly copies: PersonRef[];
  readonly details: DisputeDetails;
  readonly deadline: ResolvedTimescale;
}

export type EnterChannel = (t: Transition, entry: ChannelEntry) => void;

export const CHANNELS: Record<Channel, EnterChannel> = {
  email(t, { stage, actor, copies, details, deadline }) {
    const to = withParties(t, stage, actor);
    t.addParticipants(...to);
    // The recipient is told what the procedure asks of them, in its words; failing that, the stage's text.
    const asks = stage.email?.request ?? `${t.procedure.shortName}, ${stage.name}: “${stage.quote}”`;
    t.sendEmail({
      from: actor,
      to,
      cc: copies,
      importance: stage.email?.importance ?? 'high',
      template: 'stage-statement',
      kind: 'statement',
      view: t.emailView(
        `${t.procedure.shortName} dispute ${t.state.caseReference}: ${stage.name}`,
        [asks],
        detailFields(t, details),
        deadline,
      ),
    });
    t.updateStage({ phase: 'sending', awaiting: null });
  },
  written(t, { stage, actor, copies, details, deadline }) {
    const to = withParties(t, stage, actor);
    t.addParticipants(...to);
    t.sendEmail({
      from: actor,
      to,
      cc: copies,
      importance: 'high',
      template: 'letter',
      kind: 'letter',
      view: t.emailView(
        `${t.procedure.shortName} dispute ${t.state.caseReference}: ${stage.name}`,
        [`${t.procedure.shortName}, ${stage.name}: “${stage.quote}”`],
        detailFields(t, details),
        deadline,
      ),
    });
    if (stage.meeting?.when === 'always') bookMeeting(t, stage, actor);
    else askForOutcome(t, actor);
  },
  meeting(t, { stage, actor }) {
    bookMeeting(t, stage, actor);
  },
  discussion: withOthers,
  reassignment: withOthers,
};

function withOthers(t: Transition, { stage, actor }: ChannelEntry): void {
  const others = stage.with
    .map((p) => t.resolve(p, p.side === 'raising' ? actor : undefined))
    .filter((p): p is PersonRef => !!p);
  t.addParticipants(...others);
  askForOutcome(t, actor, others);
}

/** The stage's counterpart-side people (email recipients, the other side of a discussion). */
function withParties(t: Transition, stage: Stage, actor: PersonRef): PersonRef[] {
  return stage.with.map((p) => t.mustResolve(p, p.side === 'raising' ? actor : undefined));
}

export function detailFields(t: Transition, details: DisputeDetails): { label: string; value: string }[] {
  const category = t.procedure.categories.find((c) => c.id === t.state.category)?.label ?? t.state.category;
  return [
    { label: 'Case reference', value: t.state.caseReference },
    { label: 'Category', value: category },
    { label: 'The problem identified', value: details.issue },
    { label: 'Attempts to resolve the problem informally', value: details.informalAttempts },
    { label: 'Resolution sought', value: details.resolutionSought },
  ];
}

function askForOutcome(t: Transition, actor: PersonRef, others: PersonRef[] = []): void {
  const stage = t.stage;
  t.updateStage({ phase: 'awaiting-outcome', awaiting: actor });
  const actions: CardAction[] = [{ verb: VERBS.outcome, title: 'Record the outcome' }];
  if (stage.meeting?.when === 'if-needed')
    actions.push({ verb: VERBS.requestMeeting, title: 'Book a meeting' });
  t.sendCard(
    actor,
    'outcome',
    t.cardView(
      `${stage.name}: your step`,
      [
        stage.quote,
        ...(others.length ? [`With: ${others.map((o) => o.name).join(', ')}`] : []),
        ...t.procedure.record.mustNotRecord,
      ],
      actions,
      stage.content.required.map((c) => ({ label: 'Must include', value: c.label })),
    ),
  );
}
