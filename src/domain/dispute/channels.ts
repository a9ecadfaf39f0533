/**
 * How a stage starts, by its channel: `CHANNELS[stage.channel]` sends the stage's email or letter,
 * books its meeting, or asks the actor for the outcome of a discussion. One row per channel, so a
 * new channel is one new entry (the shape of a DSL interpreter's step table).
 */
import type { Channel, Stage } from '../procedure/schema.ts';
import type { EmailDetails, EmailIntent } from './email-intents.ts';
import { bookMeeting } from './meeting-booking.ts';
import type { ResolvedTimescale, Transition } from './transition.ts';
import type { DisputeDetails, PersonRef } from './types.ts';

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
  email(t, entry) {
    // The recipient is told what the procedure asks of them, in its words; failing that, the stage's text.
    sendToParties(t, entry, entry.stage.email?.importance ?? 'high', {
      kind: 'stage-statement',
      request: entry.stage.email?.request ?? null,
      stageQuote: entry.stage.quote,
      details: emailDetails(t, entry.details),
    });
    t.updateStage({ phase: 'sending', awaiting: null });
  },
  written(t, entry) {
    const { stage, actor } = entry;
    sendToParties(t, entry, 'high', {
      kind: 'letter',
      stageQuote: stage.quote,
      details: emailDetails(t, entry.details),
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

/** The stage's statement or letter, from its actor to the stage's parties with its copies, due by its deadline. */
function sendToParties(
  t: Transition,
  { stage, actor, copies, deadline }: ChannelEntry,
  importance: 'high' | 'normal',
  message: Extract<EmailIntent, { kind: 'stage-statement' | 'letter' }>,
): void {
  const to = withParties(t, stage, actor);
  t.addParticipants(...to);
  const template = message.kind === 'letter' ? 'letter' : 'stage-statement';
  const kind = message.kind === 'letter' ? 'letter' : 'statement';
  t.sendEmail({ from: actor, to, cc: copies, importance, template, kind, message, due: deadline });
}

/** The stage's counterpart-side people (email recipients, the other side of a discussion). */
function withParties(t: Transition, stage: Stage, actor: PersonRef): PersonRef[] {
  return stage.with.map((p) => t.mustResolve(p, p.side === 'raising' ? actor : undefined));
}

/** The dispute's details as its emails list them (the category by its procedure label). */
export function emailDetails(t: Transition, details: DisputeDetails): EmailDetails {
  const category = t.procedure.categories.find((c) => c.id === t.state.category)?.label ?? t.state.category;
  return {
    category,
    issue: details.issue,
    informalAttempts: details.informalAttempts,
    resolutionSought: details.resolutionSought,
  };
}

function askForOutcome(t: Transition, actor: PersonRef, others: PersonRef[] = []): void {
  const stage = t.stage;
  t.updateStage({ phase: 'awaiting-outcome', awaiting: actor });
  t.sendCard(actor, 'outcome', {
    kind: 'record-outcome',
    after: 'step',
    name: stage.name,
    quote: stage.quote,
    with: others.map((o) => o.name),
    mustNotRecord: t.procedure.record.mustNotRecord,
    mustInclude: stage.content.required.map((c) => c.label),
    canRequestMeeting: stage.meeting?.when === 'if-needed',
  });
}
