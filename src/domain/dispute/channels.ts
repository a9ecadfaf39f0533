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

/**
 * A discussion or a reassignment. Its parties in another tenant are emailed (High Importance, on a
 * tracked thread: the case reference, the stage, what the procedure asks of them and by when), so
 * a discussion is never a note only the raising side can see; its parties in the host tenant get a
 * Teams notice. The actor (or the person the record is reassigned to) then records the outcome,
 * or the meeting the procedure requires is booked.
 */
function withOthers(t: Transition, entry: ChannelEntry): void {
  const { stage, actor, copies, deadline } = entry;
  const others = otherParties(t, stage, actor);
  t.addParticipants(...others);
  const byEmail = others.filter((p) => !t.inTeams(p));
  const consulted = consultIfUnknown(t, entry);
  if (byEmail.length > 0) {
    const asked = askedOfOthers(stage);
    t.sendEmail({
      from: actor,
      to: byEmail,
      cc: copies.filter((c) => !t.inTeams(c)),
      importance: stage.email?.importance ?? 'high',
      template: 'discussion',
      kind: 'statement',
      message: {
        kind: 'discussion',
        stageQuote: stage.quote,
        asked,
        details: emailDetails(t, entry.details),
        history: t.state.outcomes.map((o) => ({
          stageName: t.procedure.stages.find((s) => s.id === o.stageId)?.name ?? o.stageId,
          summary: o.summary,
        })),
      },
      due: deadline,
    });
  }
  for (const person of others.filter((p) => t.inTeams(p))) {
    t.sendCard(
      person,
      'status',
      {
        kind: 'stage-involves-you',
        stageName: stage.name,
        quote: stage.reassignment?.quote ?? stage.quote,
        actor: actor.name,
        dueDate: deadline.dueDate,
      },
      'involved',
    );
  }
  if (stage.meeting?.when === 'always') {
    bookMeeting(t, stage, actor);
    return;
  }
  askForOutcome(t, actor, others, byEmail, consulted);
}

/** What the procedure asks of the stage's other parties, in its words (the outcome in writing, the response). */
export function askedOfOthers(stage: Stage): string[] {
  return [
    ...(stage.email?.request ? [stage.email.request] : []),
    ...(stage.outcomeInWriting && stage.outcomeInWriting.by.side !== 'raising'
      ? [stage.outcomeInWriting.quote]
      : []),
    ...(stage.content.response ? [stage.content.response.quote] : []),
  ];
}

/**
 * The people a discussion's (or reassignment's) email went to who have not answered on its thread:
 * none once anyone has replied, or when the stage sent no email.
 */
export function unansweredByEmail(t: Transition): PersonRef[] {
  const thread = t.state.stage.thread;
  const actor = t.state.stage.actor;
  if (!actor || !thread.some((m) => m.kind === 'statement') || thread.some((m) => m.kind === 'reply'))
    return [];
  return otherParties(t, t.stage, actor).filter((p) => !t.inTeams(p));
}

/**
 * The stage's parties the directory cannot find, for whom the procedure names someone to consult
 * (Solihull 2.3: the SSAB Business Team, "If an agency is unsure about another agency's management
 * structure"): that consultee is asked, in the procedure's words, by Teams in the host tenant or by
 * High Importance email in another, and the record says so. The stage goes on with its actor.
 */
function consultIfUnknown(t: Transition, { stage, actor, details }: ChannelEntry): ConsultedParty[] {
  // One ask per consultee, naming every party it is asked about (Stage 3: a director and a lead).
  const asks = new Map<string, { person: PersonRef; about: string[]; quote: string }>();
  for (const party of stage.with) {
    if (!party.ifUnknown || t.resolve(party, party.side === 'raising' ? actor : undefined)) continue;
    const about = party.label ?? t.roleLabel(party.role);
    const consultee = t.resolve(party.ifUnknown.consult, actor);
    if (!consultee) {
      t.record({
        contactType: 'system',
        between: [],
        kind: 'parties-not-found',
        params: {
          parties: [
            { role: about, side: party.side },
            { role: t.roleLabel(party.ifUnknown.consult.role), side: party.ifUnknown.consult.side },
          ],
        },
      });
      continue;
    }
    const ask = asks.get(consultee.id) ?? { person: consultee, about: [], quote: party.ifUnknown.quote };
    if (!ask.about.includes(about)) ask.about.push(about);
    asks.set(consultee.id, ask);
  }
  const out: ConsultedParty[] = [];
  for (const { person: consultee, about: abouts, quote } of asks.values()) {
    const about = abouts.join(' and ');
    out.push({ person: consultee, about });
    t.addParticipants(consultee);
    t.updateStage({ consultees: [...(t.state.stage.consultees ?? []), consultee] });
    if (t.inTeams(consultee)) {
      t.sendCard(
        consultee,
        'status',
        { kind: 'consulted', stageName: stage.name, quote, about, actor: actor.name },
        'consulted',
      );
    } else {
      t.sendEmail({
        from: actor,
        to: [consultee],
        importance: 'high',
        template: 'inform',
        // On the stage's thread, so the consultee's reply comes back as an event.
        kind: 'consultation',
        message: { kind: 'consultation', quote, about, actor: actor.name, details: emailDetails(t, details) },
      });
    }
    t.record({
      contactType: t.inTeams(consultee) ? 'card' : 'email',
      between: [actor.name, consultee.name],
      kind: 'consulted',
      params: { name: consultee.name, about, quote },
    });
  }
  return out;
}

interface ConsultedParty {
  readonly person: PersonRef;
  readonly about: string;
}

/**
 * The people a stage is held with besides its actor (its `with` parties, resolved; each once). Those
 * in another tenant are reached by email, those in the host tenant by Teams.
 */
export function otherParties(t: Transition, stage: Stage, actor: PersonRef): PersonRef[] {
  return stage.with
    .map((p) => t.resolve(p, p.side === 'raising' ? actor : undefined))
    .filter((p): p is PersonRef => !!p && p.id !== actor.id)
    .filter((p, i, all) => all.findIndex((q) => q.id === p.id) === i);
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

/**
 * Asks for the stage's outcome. The card goes to the actor in Teams, or, when the actor is in
 * another tenant, to the host-side person who records it for them (`recorderFor`).
 */
export function askForOutcome(
  t: Transition,
  actor: PersonRef,
  others: PersonRef[] = [],
  byEmail: PersonRef[] = [],
  consulted: readonly ConsultedParty[] = [],
): void {
  const stage = t.stage;
  const recorder = t.recorderFor(actor);
  t.addParticipants(recorder);
  t.updateStage({ phase: 'awaiting-outcome', awaiting: recorder });
  const returnsTo = stage.reassignment ? t.resolve(stage.reassignment.returnsTo, t.state.raisedBy) : null;
  const replies = t.state.stage.thread
    .filter((m) => (m.kind === 'reply' || m.kind === 'consultation-reply') && m.text)
    .map((m) => ({ from: m.fromName ?? m.from ?? '', text: m.text ?? '', at: m.at }));
  t.sendCard(recorder, 'outcome', {
    kind: 'record-outcome',
    after: 'step',
    name: stage.name,
    quote: stage.quote,
    with: others.map((o) => o.name),
    mustNotRecord: t.procedure.record.mustNotRecord,
    mustInclude: stage.content.required.map((c) => c.label),
    canRequestMeeting: stage.meeting?.when === 'if-needed' || stage.meeting?.when === 'if-unresolved',
    ...(replies.length > 0 ? { replies } : {}),
    ...(stage.reassignment
      ? { reassigned: { quote: stage.reassignment.quote, returnsTo: returnsTo?.name ?? null } }
      : {}),
    ...(recorder.id !== actor.id ? { onBehalfOf: actor.name } : {}),
    ...(byEmail.length > 0 ? { byEmail: byEmail.map((p) => p.name) } : {}),
    ...(consulted.length > 0
      ? { consulted: consulted.map((c) => ({ about: c.about, name: c.person.name })) }
      : {}),
  });
}
