/**
 * The case file: a dispute's record as a person with no Concord reads it, for the child's or
 * adult's file. Pure: the stored dispute, its record lines, its audit timeline and its effects in;
 * a document of headings, paragraphs and tables out (rendered to Word by `docx.ts`, kept in the
 * JSON export as `caseFile`). Dates are in words, names and labels instead of ids.
 *
 * It follows the procedure's recording template where the procedure has one, driven by the
 * template's data only: `record.headings` (each heading's `shows` names the part of the record that
 * fills it), `record.stageTable` (its columns, each with `shows`), and `record.agendas` (the minutes
 * of a stage whose meeting names an agenda are laid out under the agenda's items).
 *
 * @example caseFileOf({ state, procedure, records, timeline, effects, exportedAt }).sections[0].heading // 'Summary'
 */

import { LEARNING_OUTCOME_WORDS, recordEntryText } from '../cards/wording/records.ts';
import type {
  AgreedAction,
  DisputeEvent,
  DisputeState,
  Effect,
  RecordEntry,
} from '../domain/dispute/types.ts';
import { type ProcedureDefinition, RECORD_PARTS, type RecordPart } from '../domain/procedure/schema.ts';
import { emailViewOf } from '../email/wording.ts';
import { aboutWords } from '../wording/audience.ts';
import { dateTimeInWords, dayInWords, instantDayInWords, workingDaysInWords } from '../wording/dates.ts';
import { outcomeText } from '../wording/outcomes.ts';
import { statusInWords } from '../wording/status.ts';

export type CaseFileBlock =
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'labelled'; readonly label: string; readonly text: string }
  | { readonly kind: 'subheading'; readonly text: string }
  | {
      readonly kind: 'table';
      readonly columns: readonly string[];
      readonly rows: readonly (readonly string[])[];
    };

export interface CaseFileSection {
  readonly heading: string;
  readonly blocks: readonly CaseFileBlock[];
}

export interface CaseFile {
  readonly title: string;
  readonly intro: string;
  readonly sections: readonly CaseFileSection[];
  readonly footer: string;
}

/** Names the store does not hold: organisations and people's roles, from the directory when it is known. */
export interface CaseFileNames {
  organisation(id: string): string | null;
  /** A person's role in the procedure's words ("Team Manager"), when the directory knows it. */
  role(personId: string): string | null;
}

export interface CaseFileInput {
  readonly state: DisputeState;
  readonly procedure: ProcedureDefinition;
  readonly records: readonly RecordEntry[];
  readonly timeline: readonly {
    readonly at: string;
    readonly actor: string | null;
    readonly stageId: string | null;
    readonly type: string;
    readonly event: DisputeEvent;
  }[];
  readonly effects: readonly {
    readonly status: string;
    readonly doneAt: string | null;
    readonly effect: Effect;
  }[];
  readonly exportedAt: string;
  readonly names?: CaseFileNames;
}

const NONE = '—';

/** Whom the raiser said the dispute is about, where the state records it (children-and-adults procedures). */
const subjectOf = (state: DisputeState): string | null =>
  state.about === 'child' ? 'children' : state.about === 'adult' ? 'adults' : null;

/** Events whose person made a decision the record names ("names and status of decision-makers"). */
const DECIDING_EVENTS = [
  'decision',
  'acknowledged',
  'outcome-recorded',
  'resolved',
  'closed',
  'exceptional-referral',
  'bypass',
];

const CONTACT_WORDS: Readonly<Record<RecordEntry['contactType'], string>> = {
  email: 'Email',
  meeting: 'Meeting',
  discussion: 'Discussion',
  reassignment: 'Record reassigned',
  written: 'Letter',
  card: 'Teams',
  system: 'Recorded by Concord',
};

/** What each audited event was, in words (the timeline's "What"). */
function eventWords(
  event: DisputeEvent,
  procedure: ProcedureDefinition,
  sender: (email: string) => string = (email) => email,
): string {
  const stageName = (id: string) => procedure.stages.find((s) => s.id === id)?.name ?? 'another stage';
  switch (event.type) {
    case 'raised':
      return 'Dispute raised';
    case 'informal-outcome':
      return event.resolved ? 'Informal contact: resolved' : 'Informal contact: not resolved';
    case 'decision':
      return event.choice === 'escalate'
        ? 'Decided to raise the next stage'
        : event.choice === 'informal'
          ? 'Decided to raise it informally'
          : 'Accepted the decision';
    case 'bypass':
      return `Moved the dispute to ${stageName(event.toStageId)}`;
    case 'message-sent':
      return 'Email sent';
    case 'reply-received':
      return `Reply received from ${sender(event.fromEmail)}`;
    case 'acknowledged':
      return event.agreed ? 'Reply agreed' : 'Reply not agreed';
    case 'chase':
      return 'Response chased';
    case 'timer-fired':
      return 'Timescale reached';
    case 'meeting-booked':
      return `Meeting booked for ${dateTimeInWords(event.start)}`;
    case 'meeting-unbookable':
      return 'No meeting slot found';
    case 'meeting-response':
      return `Meeting response from ${event.attendeeEmail}`;
    case 'meeting-move':
      return `Meeting moved to ${dateTimeInWords(event.start)}`;
    case 'meeting-requested':
      return 'Meeting requested';
    case 'meeting-held':
      return 'Meeting held';
    case 'outcome-recorded':
      return event.resolved ? 'Outcome recorded: resolved' : 'Outcome recorded: not resolved';
    case 'exceptional-referral':
      return `Referred: ${procedure.exceptionalRoutes.find((r) => r.id === event.routeId)?.name ?? 'exceptional route'}`;
    case 'referral-sent':
      return 'Referral recorded as sent by the required means';
    case 'consultation-answered':
      return 'The consultee answered';
    case 'after-resolution-sent':
      return `Sent after the resolution: ${procedure.afterResolution.find((a) => a.id === event.itemId)?.quote ?? 'a step after the resolution'}`;
    case 'note-recorded':
      return `Recorded: ${procedure.anytimeNotes.find((n) => n.id === event.noteId)?.label ?? 'a note'}`;
    case 'withdrawn':
      return 'Dispute withdrawn';
    case 'resolved':
      return 'Dispute resolved';
    case 'closed':
      return 'Record closed';
    case 'learning-followed-up':
      return `What became of the learning recorded: ${LEARNING_OUTCOME_WORDS[event.outcome] ?? event.outcome}`;
    case 'action-done':
      return `Agreed action marked done (done ${dayInWords(event.doneOn)})`;
  }
}

/** Everything the sections share, worked out once. */
function contextOf(input: CaseFileInput) {
  const { state, procedure, records } = input;
  const stageName = (id: string) => procedure.stages.find((s) => s.id === id)?.name ?? id;
  const stagesReached: string[] = [];
  for (const r of records) if (!stagesReached.includes(r.stageId)) stagesReached.push(r.stageId);
  if (!stagesReached.includes(state.stage.id)) stagesReached.push(state.stage.id);
  const person = (p: { id: string; name: string; organisationId: string }) => {
    const role = input.names?.role(p.id) ?? null;
    const org = input.names?.organisation(p.organisationId) ?? null;
    return [p.name, role, org].filter(Boolean).join(', ');
  };
  /** An email's sender as people read it: the person who took part, by name, else the address. */
  const sender = (email: string) => {
    const address = email.toLowerCase();
    const known = state.participants.find((p) => p.email.toLowerCase() === address);
    return known ? person(known) : email;
  };
  const actions: (AgreedAction & { stageName: string })[] = state.outcomes.flatMap((o) =>
    o.actions.map((a) => ({ ...a, stageName: stageName(o.stageId) })),
  );
  // When an email went: Graph's report of it (the `message-sent` event), else the outbox's.
  const sentAt = new Map(
    input.timeline.flatMap((t) =>
      t.event.type === 'message-sent' ? [[t.event.effectKey, t.at] as const] : [],
    ),
  );
  const emails = input.effects.flatMap((e) =>
    e.effect.type === 'send-email'
      ? [
          {
            sentAt: sentAt.get(e.effect.key) ?? (e.status === 'done' ? e.doneAt : null),
            effect: e.effect,
            view: emailViewOf(e.effect),
          },
        ]
      : [],
  );
  const replies = input.timeline.flatMap((t) =>
    t.event.type === 'reply-received'
      ? [{ at: t.at, from: sender(t.event.fromEmail), text: t.event.text }]
      : [],
  );
  return { stageName, stagesReached, person, sender, actions, emails, replies };
}

type Context = ReturnType<typeof contextOf>;

function actionProgress(action: AgreedAction, input: CaseFileInput): string {
  if (action.done) return `Done ${dayInWords(action.done.on)} (marked by ${action.done.by})`;
  const reminded = input.records.find(
    (r) => r.kind === 'action-due' && r.params.description === action.description,
  );
  if (reminded) return `Due date reached; reminder sent ${instantDayInWords(reminded.at)}`;
  const today = input.exportedAt.slice(0, 10);
  return action.dueDate < today ? 'Due date passed' : 'Not yet due';
}

function actionsTable(ctx: Context, input: CaseFileInput): CaseFileBlock {
  return ctx.actions.length === 0
    ? { kind: 'paragraph', text: 'No actions have been agreed.' }
    : {
        kind: 'table',
        columns: ['Action', 'Owner', 'Due by', 'Agreed at', 'Progress'],
        rows: ctx.actions.map((a) => [
          a.description,
          a.owner,
          dayInWords(a.dueDate),
          a.stageName,
          actionProgress(a, input),
        ]),
      };
}

/** One cell of a record line, for a stage-table column. */
function cellOf(part: RecordPart | undefined, entry: RecordEntry, input: CaseFileInput): string {
  const words = recordEntryText(entry, input.procedure);
  switch (part) {
    case 'stage':
      return entry.stageName;
    case 'contact-type':
      return CONTACT_WORDS[entry.contactType];
    case 'between':
      return entry.between.join(', ') || NONE;
    case 'summary':
      return words.summary;
    case 'outcome':
      return words.outcome ?? '';
    case 'date':
      return dateTimeInWords(entry.at);
    default:
      return '';
  }
}

const DEFAULT_COLUMNS: readonly { label: string; shows: RecordPart }[] = [
  { label: 'When', shows: 'date' },
  { label: 'Stage', shows: 'stage' },
  { label: 'Contact', shows: 'contact-type' },
  { label: 'Between', shows: 'between' },
  { label: 'What happened', shows: 'summary' },
  { label: 'Outcome', shows: 'outcome' },
];

const isPart = (id: string): id is RecordPart => (RECORD_PARTS as readonly string[]).includes(id);

/** The part a template entry shows: its `shows`, else its id when that names a part. */
const partOf = (entry: { id?: string; shows?: RecordPart | undefined }): RecordPart | undefined =>
  entry.shows ?? (entry.id && isPart(entry.id) ? entry.id : undefined);

function issueBlocks(input: CaseFileInput): CaseFileBlock[] {
  const d = input.state.details;
  return [
    { kind: 'labelled', label: 'What is in dispute', text: d.issue || NONE },
    { kind: 'labelled', label: 'Informal attempts', text: d.informalAttempts || NONE },
    { kind: 'labelled', label: 'Resolution sought', text: d.resolutionSought || NONE },
  ];
}

function outcomeBlocks(input: CaseFileInput, ctx: Context): CaseFileBlock[] {
  const { state } = input;
  const last = state.outcomes[state.outcomes.length - 1];
  const blocks: CaseFileBlock[] = [{ kind: 'labelled', label: 'Status', text: statusInWords(state.status) }];
  if (last) {
    blocks.push({
      kind: 'labelled',
      label: `Outcome at ${ctx.stageName(last.stageId)}`,
      text: `${last.resolved ? 'Resolved' : 'Not resolved'}: ${outcomeText(last.summary)}`,
    });
    blocks.push({
      kind: 'labelled',
      label: 'Recorded',
      text: `${dateTimeInWords(last.at)}${last.recordedBy ? ` by ${last.recordedBy}` : ''}`,
    });
  } else blocks.push({ kind: 'paragraph', text: 'No outcome has been recorded yet.' });
  if (state.endedAt) blocks.push({ kind: 'labelled', label: 'Ended', text: dateTimeInWords(state.endedAt) });
  const confirmations = ctx.emails.filter((e) => e.effect.template === 'written-confirmation');
  for (const c of confirmations) {
    blocks.push({
      kind: 'labelled',
      label: 'Written confirmation',
      text: `${c.sentAt ? `Sent ${dateTimeInWords(c.sentAt)}` : 'Not yet recorded as sent'} to ${c.effect.to.map(ctx.person).join('; ')}: ${c.view.paragraphs.join(' ')}`,
    });
    const sameDay = c.effect.message.kind === 'written-confirmation' ? c.effect.message.sameDay : undefined;
    if (sameDay) blocks.push(sameDayBlock(sameDay, c.sentAt, input.exportedAt));
  }
  return blocks;
}

/**
 * Whether a confirmation the procedure asks to be relayed on the day of the decision (NEL Stage 4)
 * went that day, London time: a late or unsent one says so, so the file shows the rule was broken.
 */
function sameDayBlock(
  rule: { quote: string; decidedAt: string },
  sentAt: string | null,
  exportedAt: string,
): CaseFileBlock {
  const decided = instantDayInWords(rule.decidedAt);
  const label = 'Relayed on the day of the decision';
  if (sentAt && instantDayInWords(sentAt) === decided)
    return { kind: 'labelled', label, text: `Yes: decided and sent on ${decided}. “${rule.quote}”` };
  if (!sentAt && instantDayInWords(exportedAt) === decided)
    return {
      kind: 'labelled',
      label,
      text: `Not yet: decided on ${decided}, and the procedure asks that it is relayed that day: “${rule.quote}”`,
    };
  return {
    kind: 'labelled',
    label,
    text: `No: the decision was made on ${decided} and the confirmation was ${sentAt ? `sent on ${instantDayInWords(sentAt)}` : 'not recorded as sent'}, though the procedure asks: “${rule.quote}”`,
  };
}

/** What fills one part of the record, as blocks (a heading's body, an agenda item's body). */
function partBlocks(
  part: RecordPart | undefined,
  input: CaseFileInput,
  ctx: Context,
  stageId?: string,
): CaseFileBlock[] {
  const { state, procedure, records } = input;
  const ofStage = (r: { stageId: string }) => stageId === undefined || r.stageId === stageId;
  const outcomes = state.outcomes.filter(ofStage);
  const text = (t: string): CaseFileBlock[] => [{ kind: 'paragraph', text: t }];
  switch (part) {
    case 'case-reference':
    case 'subject':
      return text(
        `Case reference ${state.caseReference}. The record names the case by its reference, not ${aboutWords(procedure, subjectOf(state)).possessive} name.`,
      );
    case 'people':
      return text(state.participants.map(ctx.person).join('; ') || NONE);
    case 'stages':
    case 'stage':
      return text(ctx.stagesReached.map(ctx.stageName).join('; '));
    case 'contact-types':
    case 'contact-type': {
      const types = [...new Set(records.filter(ofStage).map((r) => CONTACT_WORDS[r.contactType]))];
      return text(types.join(', ') || NONE);
    }
    case 'issue':
      return issueBlocks(input);
    case 'reason':
      return [
        ...issueBlocks(input),
        ...(stageId
          ? text(
              `The dispute reached ${ctx.stageName(stageId)} because the earlier stages did not resolve it.`,
            )
          : []),
      ];
    case 'discussion':
    case 'summary': {
      const said = outcomes.flatMap((o) => [
        ...(o.minutes
          ? [{ kind: 'labelled' as const, label: `Minutes, ${ctx.stageName(o.stageId)}`, text: o.minutes }]
          : []),
        { kind: 'labelled' as const, label: ctx.stageName(o.stageId), text: outcomeText(o.summary) },
      ]);
      return said.length ? said : text('No discussion has been recorded yet.');
    }
    case 'views': {
      const replies = ctx.replies.map(
        (r): CaseFileBlock => ({
          kind: 'labelled',
          label: `The other agency (${r.from}), ${dateTimeInWords(r.at)}`,
          text: r.text,
        }),
      );
      return [
        {
          kind: 'labelled',
          label: `The raising agency (${state.raisedBy.name})`,
          text: state.details.resolutionSought || state.details.issue,
        },
        ...replies,
      ];
    }
    case 'actions':
    case 'outcome':
      return [...outcomeBlocks(input, ctx), actionsTable(ctx, input)];
    case 'actions-to-date':
    case 'action-taken': {
      const earlier = state.outcomes.filter((o) => o.stageId !== stageId);
      const lines = earlier.map(
        (o): CaseFileBlock => ({
          kind: 'labelled',
          label: ctx.stageName(o.stageId),
          text: `${o.resolved ? 'Resolved' : 'Not resolved'}: ${outcomeText(o.summary)}`,
        }),
      );
      return lines.length ? lines : text('No earlier stage has been completed.');
    }
    case 'decision-makers': {
      const deciders = input.timeline.flatMap((t) => {
        const by = (t.event as { by?: { id: string; name: string; organisationId: string } }).by;
        return by && DECIDING_EVENTS.includes(t.type) ? [ctx.person(by)] : [];
      });
      return text([...new Set(deciders)].join('; ') || NONE);
    }
    case 'stage-dates':
      return [
        {
          kind: 'table',
          columns: ['Stage', 'Started', 'Completed'],
          rows: ctx.stagesReached.map((id) => {
            const started =
              records.find((r) => r.stageId === id)?.at ??
              (id === state.stage.id ? state.stage.startedAt : null);
            const done = state.outcomes.find((o) => o.stageId === id)?.at ?? null;
            return [
              ctx.stageName(id),
              started ? instantDayInWords(started) : NONE,
              done
                ? instantDayInWords(done)
                : id === state.stage.id && state.status === 'open'
                  ? 'Under way'
                  : NONE,
            ];
          }),
        },
      ];
    case 'meeting': {
      const lines = records.filter(
        (r) => ofStage(r) && (r.kind === 'meeting-booked' || r.kind === 'meeting-moved'),
      );
      const last = lines[lines.length - 1];
      const start =
        last && (last.kind === 'meeting-booked' || last.kind === 'meeting-moved') ? last.params.start : null;
      const between = last?.between.join(', ') ?? '';
      return [
        {
          kind: 'labelled',
          label: 'When',
          text: start ? dateTimeInWords(start) : 'Not booked through Concord',
        },
        ...(between ? [{ kind: 'labelled' as const, label: 'Attendees', text: between }] : []),
      ];
    }
    case 'between':
      return text([...new Set(records.filter(ofStage).flatMap((r) => r.between))].join(', ') || NONE);
    case 'date':
      return text(
        records
          .filter(ofStage)
          .map((r) => instantDayInWords(r.at))
          .join('; ') || NONE,
      );
    default:
      return text('Not recorded by Concord: complete this heading by hand.');
  }
}

function summarySection(input: CaseFileInput, ctx: Context): CaseFileSection {
  const { state, procedure } = input;
  const category = procedure.categories.find((c) => c.id === state.category)?.label ?? 'Not given';
  const urgency = state.urgency
    ? (procedure.urgencyLevels?.find((u) => u.id === state.urgency)?.label ?? null)
    : null;
  const partner = input.names?.organisation(state.counterpartOrganisationId) ?? null;
  const raising = input.names?.organisation(state.raisingOrganisationId) ?? null;
  const rows: [string, string][] = [
    ['Case reference', state.caseReference],
    ['Procedure', `${procedure.name} (version ${state.procedureVersion})`],
    ['Status', statusInWords(state.status)],
    ...(state.status === 'open'
      ? ([['Current stage', ctx.stageName(state.stage.id)]] as [string, string][])
      : []),
    ['Raised', `${dateTimeInWords(state.raisedAt)} by ${ctx.person(state.raisedBy)}`],
    ['Record owner', ctx.person(state.owner)],
    ...(raising ? ([['Raising organisation', raising]] as [string, string][]) : []),
    ...(partner ? ([['Partner organisation', partner]] as [string, string][]) : []),
    ['Category', category],
    ...(urgency ? ([['Urgency', urgency]] as [string, string][]) : []),
    ...(state.status === 'open' && state.stage.dueDate
      ? ([['Current stage due by', dayInWords(state.stage.dueDate)]] as [string, string][])
      : []),
    ...(procedure.overall
      ? ([
          [
            'Overall time limit',
            `${workingDaysInWords(procedure.overall.workingDays)}${state.overallDue ? `, by ${instantDayInWords(state.overallDue)}` : ', not started'}`,
          ],
        ] as [string, string][])
      : []),
    ...(state.endedAt ? ([['Ended', dateTimeInWords(state.endedAt)]] as [string, string][]) : []),
  ];
  return { heading: 'Summary', blocks: [{ kind: 'table', columns: ['Item', 'Detail'], rows }] };
}

function stagesSection(input: CaseFileInput, ctx: Context): CaseFileSection {
  const { state, records } = input;
  const blocks: CaseFileBlock[] = [];
  for (const id of ctx.stagesReached) {
    blocks.push({ kind: 'subheading', text: ctx.stageName(id) });
    const lines = records.filter((r) => r.stageId === id);
    const actedBy = [...new Set(lines.flatMap((r) => r.between))];
    if (actedBy.length) blocks.push({ kind: 'labelled', label: 'Who took part', text: actedBy.join(', ') });
    const sent = ctx.emails.filter((e) => e.view.stageName === ctx.stageName(id));
    for (const e of sent) {
      blocks.push({
        kind: 'labelled',
        label: e.sentAt ? `Sent ${dateTimeInWords(e.sentAt)}` : 'Email (no record of it being sent yet)',
        text: `“${e.view.subject}” from ${ctx.person(e.effect.from)} to ${e.effect.to.map(ctx.person).join('; ')}${e.effect.importance === 'high' ? ' (High Importance)' : ''}. ${e.view.paragraphs.join(' ')}`,
      });
    }
    for (const t of input.timeline) {
      if (t.event.type !== 'reply-received' || t.stageId !== id) continue;
      blocks.push({
        kind: 'labelled',
        label: `Received ${dateTimeInWords(t.at)} from ${ctx.sender(t.event.fromEmail)}`,
        text: t.event.text,
      });
    }
    const outcome = state.outcomes.find((o) => o.stageId === id);
    if (outcome)
      blocks.push({
        kind: 'labelled',
        label: 'Outcome',
        text: `${outcome.resolved ? 'Resolved' : 'Not resolved'}: ${outcomeText(outcome.summary)} (recorded ${dateTimeInWords(outcome.at)}${outcome.recordedBy ? ` by ${outcome.recordedBy}` : ''})`,
      });
    else if (id === state.stage.id && state.status === 'open')
      blocks.push({ kind: 'paragraph', text: 'This stage is under way.' });
  }
  return { heading: 'Stages', blocks };
}

function meetingsSection(input: CaseFileInput, ctx: Context): CaseFileSection {
  const { procedure, state, records } = input;
  const blocks: CaseFileBlock[] = [];
  const meetingStages = ctx.stagesReached.filter(
    (id) =>
      records.some((r) => r.stageId === id && r.contactType === 'meeting') ||
      state.outcomes.some((o) => o.stageId === id && o.minutes),
  );
  for (const id of meetingStages) {
    const stage = procedure.stages.find((s) => s.id === id);
    blocks.push({ kind: 'subheading', text: `${ctx.stageName(id)} meeting` });
    const agenda = stage?.meeting?.agenda
      ? procedure.record.agendas.find((a) => a.id === stage.meeting?.agenda)
      : undefined;
    // The agenda lays the minutes out when each of its items says what fills it; otherwise it is listed.
    if (agenda?.items.every((i) => i.shows)) {
      blocks.push({ kind: 'paragraph', text: `Laid out under the procedure's agenda: ${agenda.name}.` });
      for (const item of agenda.items) {
        blocks.push({ kind: 'subheading', text: item.label });
        if (item.children.length) blocks.push({ kind: 'paragraph', text: item.children.join(' · ') });
        blocks.push(...partBlocks(item.shows, input, ctx, id));
      }
      continue;
    }
    if (agenda)
      blocks.push({ kind: 'labelled', label: 'Agenda', text: agenda.items.map((i) => i.label).join('\n') });
    blocks.push(...partBlocks('meeting', input, ctx, id));
    const minutes = state.outcomes.filter((o) => o.stageId === id && o.minutes);
    blocks.push(
      ...(minutes.length
        ? minutes.map((o): CaseFileBlock => ({ kind: 'labelled', label: 'Minutes', text: o.minutes ?? '' }))
        : [{ kind: 'paragraph' as const, text: 'No minutes have been recorded yet.' }]),
    );
    const outcome = state.outcomes.find((o) => o.stageId === id);
    if (outcome)
      blocks.push({
        kind: 'labelled',
        label: 'Outcome of the meeting',
        text: `${outcome.resolved ? 'Resolved' : 'Not resolved'}: ${outcomeText(outcome.summary)}`,
      });
  }
  if (blocks.length === 0) blocks.push({ kind: 'paragraph', text: 'No meetings were held.' });
  return { heading: 'Meetings and minutes', blocks };
}

function templateSection(input: CaseFileInput, ctx: Context): CaseFileSection | null {
  const { record, shortName } = input.procedure;
  if (record.headings.length === 0) return null;
  const blocks: CaseFileBlock[] = [];
  if (record.quote) blocks.push({ kind: 'paragraph', text: `${shortName}: “${record.quote}”` });
  for (const heading of record.headings) {
    blocks.push({ kind: 'subheading', text: capitalise(heading.label) });
    blocks.push(...partBlocks(partOf(heading), input, ctx));
  }
  return { heading: `Record under the ${shortName} recording headings`, blocks };
}

function recordTableSection(input: CaseFileInput): CaseFileSection {
  const table = input.procedure.record.stageTable;
  const columns = table ? table.columns.map((c) => ({ label: c.label, shows: partOf(c) })) : DEFAULT_COLUMNS;
  const blocks: CaseFileBlock[] = [];
  if (table?.quote)
    blocks.push({ kind: 'paragraph', text: `${input.procedure.shortName}: “${table.quote}”` });
  blocks.push(
    input.records.length === 0
      ? { kind: 'paragraph', text: 'No record entries yet.' }
      : {
          kind: 'table',
          columns: columns.map((c) => c.label),
          rows: input.records.map((r) => columns.map((c) => cellOf(c.shows, r, input))),
        },
  );
  return { heading: table ? 'Stage record' : 'Case record', blocks };
}

function timelineSection(input: CaseFileInput): CaseFileSection {
  const { sender } = contextOf(input);
  return {
    heading: 'Timeline',
    blocks: [
      {
        kind: 'table',
        columns: ['When', 'Who', 'What'],
        rows: input.timeline.map((t) => {
          const by = (t.event as { by?: { name?: string } }).by?.name;
          return [dateTimeInWords(t.at), by ?? 'Concord', eventWords(t.event, input.procedure, sender)];
        }),
      },
    ],
  };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The procedure the record was kept under, as its document describes itself: its title and version,
 * its owner and approval and review dates, its purpose, how its stages are ordered, its contacts and
 * its notes (things it says that are not steps of it).
 */
function procedureSection(input: CaseFileInput): CaseFileSection {
  const p = input.procedure;
  const src = p.source;
  const rows: [string, string][] = [
    ['Document', `${src.title}${src.documentVersion ? `, version ${src.documentVersion}` : ''}`],
    ...(src.owner ? ([['Owner', src.owner]] as [string, string][]) : []),
    ...(src.approved ? ([['Approved', src.approved]] as [string, string][]) : []),
    ...(src.reviewBy ? ([['Review by', src.reviewBy]] as [string, string][]) : []),
    ['Purpose', `“${p.purpose}”`],
    ...(p.stageOrder.quote ? ([['Order of stages', `“${p.stageOrder.quote}”`]] as [string, string][]) : []),
    ...p.contacts.map((c) => [c.label, c.value] as [string, string]),
    ...p.notes.map((n) => ['Note', n.about ? `${n.about} “${n.quote}”` : `“${n.quote}”`] as [string, string]),
  ];
  return { heading: 'The procedure', blocks: [{ kind: 'table', columns: ['Item', 'Detail'], rows }] };
}

/** The whole case file. */
export function caseFileOf(input: CaseFileInput): CaseFile {
  const ctx = contextOf(input);
  const about = aboutWords(input.procedure, subjectOf(input.state));
  const template = templateSection(input, ctx);
  return {
    title: `Professional dispute record: ${input.state.caseReference}`,
    intro: `The record of a professional dispute under the ${input.procedure.name}, for ${about.file}. Exported ${dateTimeInWords(input.exportedAt)}.`,
    sections: [
      summarySection(input, ctx),
      { heading: 'The issue', blocks: issueBlocks(input) },
      ...(template ? [template] : []),
      stagesSection(input, ctx),
      meetingsSection(input, ctx),
      { heading: 'Agreed actions', blocks: [actionsTable(ctx, input)] },
      { heading: 'Outcome', blocks: outcomeBlocks(input, ctx) },
      recordTableSection(input),
      timelineSection(input),
      procedureSection(input),
    ],
    footer: 'Exported by Concord from the dispute record and its audit log.',
  };
}

/** Every piece of text in the case file, in reading order (for checks, and the JSON export). */
export function caseFileText(file: CaseFile): string[] {
  const out = [file.title, file.intro];
  for (const s of file.sections) {
    out.push(s.heading);
    for (const b of s.blocks) {
      if (b.kind === 'table') out.push(...b.columns, ...b.rows.flat());
      else if (b.kind === 'labelled') out.push(b.label, b.text);
      else out.push(b.text);
    }
  }
  out.push(file.footer);
  return out;
}
