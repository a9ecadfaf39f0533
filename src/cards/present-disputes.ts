/** Presenters for the overview cards: the viewer's disputes, and one dispute with its case-record timeline. */
import { statusInWords } from '../wording/status.ts';
import { escapeCardText as esc } from './escape.ts';
import { formatDateTime } from './format.ts';
import { action, type Data, presentDeadlines, presentHeader, refresh } from './present-base.ts';
import { UI_VERBS, VERBS } from './verbs.ts';
import type { DisputeDetailViewModel, MyDisputesViewModel } from './view-models.ts';

export function presentMyDisputes(vm: MyDisputesViewModel): Data {
  return {
    refresh: refresh(vm.viewer, null, 0),
    count: `${vm.disputes.length} ${vm.disputes.length === 1 ? 'dispute' : 'disputes'}`,
    empty: vm.disputes.length === 0,
    disputes: vm.disputes.map((d) => {
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
    timeline: vm.timeline.map((e) => ({
      when: `${formatDateTime(e.at)} · ${esc(e.stageName)}`,
      summary: esc(e.summary),
      outcome: e.outcome ? `Outcome: ${esc(e.outcome)}` : '',
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
