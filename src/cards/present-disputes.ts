/** Presenters for the overview cards: the viewer's disputes, and one dispute with its case-record timeline. */
import { statusInWords } from '../wording/status.ts';
import { escapeCardText as esc } from './escape.ts';
import { formatDateTime } from './format.ts';
import { action, type Data, presentDeadlines, presentHeader, refresh } from './present-base.ts';
import { UI_VERBS, VERBS } from './verbs.ts';
import type { DisputeDetailViewModel, MyDisputesViewModel } from './view-models.ts';

/**
 * How much of a long list goes on a card. Teams refuses a bot message over about 100 KB, counted in
 * UTF-16 (413 `MessageSizeTooBig`; Microsoft recommends staying within 80 KB, and earlier said 40 KB:
 * "Format your bot messages"). A dispute on "my disputes" takes about 3 KB of it and a timeline
 * entry up to 2 KB, so a Service Manager with a year of disputes, or a dispute with a long record,
 * would get no card at all. The cards show the first part and say where the rest is: the Disputes
 * tab lists every dispute and shows the whole record.
 */
export const CARD_LIMITS = {
  /** Disputes listed on "my disputes": open ones first, then the newest. */
  myDisputes: 10,
  /** Timeline entries on a dispute's card: the latest. */
  timeline: 15,
  /** Characters of one entry's summary or outcome on the card. */
  entryChars: 400,
} as const;

/** `text` cut at a word to at most `max` characters, with an ellipsis when it was longer. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export function presentMyDisputes(vm: MyDisputesViewModel): Data {
  const total = vm.disputes.length;
  const ordered = [
    ...vm.disputes.filter((d) => d.status === 'open'),
    ...vm.disputes.filter((d) => d.status !== 'open'),
  ];
  const shown = ordered.slice(0, CARD_LIMITS.myDisputes);
  return {
    refresh: refresh(vm.viewer, null, 0),
    count: `${total} ${total === 1 ? 'dispute' : 'disputes'}`,
    more:
      shown.length < total
        ? `Showing ${shown.length} of ${total}: open ones first, then the newest. The Disputes tab lists them all.`
        : '',
    empty: total === 0,
    disputes: shown.map((d) => {
      const deadline = presentDeadlines(d.deadlines, vm.now);
      return {
        caseReference: esc(d.caseReference),
        procedure: esc(d.procedureShortName),
        stage: esc(d.stageName),
        status:
          d.status === 'open'
            ? d.awaiting
              ? `Open · waiting for ${esc(d.awaiting)}`
              : 'Open'
            : statusInWords(d.status),
        deadline,
        open: [action(UI_VERBS.openDispute, 'Open', { disputeId: d.disputeId, seq: 0 })],
      };
    }),
    actions: [
      action(UI_VERBS.raise, 'Raise a dispute', { disputeId: null, seq: 0 }),
      action(UI_VERBS.help, 'Help', { disputeId: null, seq: 0 }),
    ],
  };
}

export function presentDisputeDetail(vm: DisputeDetailViewModel): Data {
  const d = vm.dispute;
  const notes = vm.notes ?? [];
  return {
    refresh: refresh(vm.viewer, d.disputeId, d.seq),
    header: presentHeader(d),
    deadline: presentDeadlines(d.deadlines, vm.now),
    facts: [
      { title: 'Status', value: statusInWords(vm.status) },
      { title: 'Category', value: esc(vm.category) },
      { title: 'Partner organisation', value: esc(vm.partnerOrganisation) },
      ...(vm.about ? [{ title: 'About', value: esc(vm.about) }] : []),
      { title: 'Raised', value: `${formatDateTime(vm.raisedAt)} by ${esc(vm.raisedBy)}` },
      { title: 'Waiting for', value: vm.awaiting ? esc(vm.awaiting) : 'No one' },
    ],
    empty: vm.timeline.length === 0,
    timelineEarlier: timelineEarlier(vm.timeline),
    timeline: vm.timeline.slice(-CARD_LIMITS.timeline).map((e) => ({
      when: `${formatDateTime(e.at)} · ${esc(e.stageName)}`,
      summary: esc(clip(e.summary, CARD_LIMITS.entryChars)),
      outcome: e.outcome ? `Outcome: ${esc(clip(e.outcome, CARD_LIMITS.entryChars))}` : '',
      between: e.between.length ? `Between: ${esc(e.between.join(', '))}` : '',
    })),
    hasNotes: notes.length > 0,
    // What must not go on the record, quoted once beside the notes (IRO: staff performance).
    mustNotRecord: [...new Set(notes.flatMap((n) => n.mustNotRecord))].map((q) => ({ text: esc(q) })),
    notes: notes.map((n) => ({ label: esc(n.label), quote: `“${esc(n.quote)}”` })),
    hasBypass: !!vm.bypass,
    bypassQuote: vm.bypass ? `“${esc(vm.bypass.quote)}”` : '',
    // Choice titles are not markdown: not escaped.
    bypassStages: (vm.bypass?.stages ?? []).map((s) => ({ title: s.name, value: s.id })),
    actions: [
      ...(vm.bypass
        ? [
            action(
              VERBS.bypass,
              'Bypass to the chosen stage',
              { disputeId: d.disputeId, seq: d.seq },
              { inputs: 'auto' },
            ),
          ]
        : []),
      ...notes.map((n) =>
        action(
          VERBS.recordNote,
          // One note: the button says what it does and the block above names it; several: each its own.
          notes.length > 1 ? `Record: ${n.label}` : 'Record the note',
          { disputeId: d.disputeId, seq: d.seq, extra: { noteId: n.id } },
          { inputs: 'auto' },
        ),
      ),
      action(UI_VERBS.myDisputes, 'My disputes', { disputeId: d.disputeId, seq: d.seq }),
      action(UI_VERBS.refresh, 'Refresh', { disputeId: d.disputeId, seq: d.seq }),
    ],
  };
}

/** What the card says of the record it does not show in full: earlier entries, shortened ones. */
function timelineEarlier(timeline: DisputeDetailViewModel['timeline']): string {
  const earlier = timeline.length - Math.min(timeline.length, CARD_LIMITS.timeline);
  const shortened = timeline
    .slice(-CARD_LIMITS.timeline)
    .some(
      (e) => e.summary.length > CARD_LIMITS.entryChars || (e.outcome?.length ?? 0) > CARD_LIMITS.entryChars,
    );
  const parts = [
    earlier > 0 ? `The latest ${CARD_LIMITS.timeline} of ${timeline.length} entries are shown here.` : '',
    shortened ? 'Long entries are shortened here.' : '',
  ].filter(Boolean);
  return parts.length ? `${parts.join(' ')} The Disputes tab shows the whole record.` : '';
}
