/**
 * Presenters for the cards outside a dispute's steps: welcome, help, errors, the immediate-risk
 * check and the raise form.
 */
import { escapeCardText as esc } from './escape.ts';
import { formatDateTime } from './format.ts';
import { action, type Data, navigation, presentErrors } from './present-base.ts';
import { UI_VERBS } from './verbs.ts';
import type {
  ErrorViewModel,
  HelpViewModel,
  ImmediateRiskViewModel,
  RaiseDisputeViewModel,
  RaiseField,
  WelcomeViewModel,
} from './view-models.ts';
import { RAISE_FIELDS } from './view-models.ts';

export function presentWelcome(vm: WelcomeViewModel): Data {
  return {
    greeting: vm.userName ? `Hello ${esc(vm.userName)}. I am Concord.` : 'Hello, I am Concord.',
    actions: [
      action(UI_VERBS.raise, 'Raise a dispute', { disputeId: null, seq: 0 }, { style: 'positive' }),
      ...navigation(null, 0),
    ],
  };
}

export function presentHelp(vm: HelpViewModel): Data {
  return {
    procedures: vm.procedures.map((p) => ({
      title: esc(p.shortName),
      value: esc(
        p.overallWorkingDays ? `${p.name} (overall limit ${p.overallWorkingDays} working days)` : p.name,
      ),
    })),
    actions: [
      action(UI_VERBS.raise, 'Raise a dispute', { disputeId: null, seq: 0 }),
      action(UI_VERBS.myDisputes, 'My disputes', { disputeId: null, seq: 0 }),
    ],
  };
}

export function presentError(vm: ErrorViewModel): Data {
  const openIt = vm.disputeId
    ? [action(UI_VERBS.openDispute, 'Open the dispute', { disputeId: vm.disputeId, seq: 0 })]
    : [];
  return {
    title: esc(vm.title),
    message: esc(vm.message),
    reason: vm.reason ? `Reason: ${vm.reason}` : '',
    actions: [...openIt, ...navigation(vm.disputeId, 0)],
  };
}

export function presentImmediateRisk(vm: ImmediateRiskViewModel): Data {
  const extra = { procedureId: vm.procedureId };
  const answered = vm.mode === 'contacts';
  return {
    answered,
    title: answered ? 'Contact them now, before anything else' : 'First: is anyone at immediate risk?',
    procedureName: esc(vm.procedureName),
    guidance: esc(vm.guidance),
    quote: vm.quote ? esc(`“${vm.quote}”`) : '',
    contacts: vm.contacts.map((c) => ({ title: esc(c.name), value: esc(`For ${c.for}: ${c.when}`) })),
    actions: answered
      ? [
          action(UI_VERBS.immediateRiskNo, 'I have acted on the risk: continue the dispute', {
            disputeId: null,
            seq: 0,
            extra,
          }),
          action(UI_VERBS.help, 'Help', { disputeId: null, seq: 0 }),
        ]
      : [
          action(
            UI_VERBS.immediateRiskYes,
            'Yes — show me who to contact',
            { disputeId: null, seq: 0, extra },
            { style: 'destructive' },
          ),
          action(
            UI_VERBS.immediateRiskNo,
            'No — continue',
            { disputeId: null, seq: 0, extra },
            { style: 'positive' },
          ),
        ],
  };
}

export function presentRaise(vm: RaiseDisputeViewModel): Data {
  const id = { disputeId: vm.draftId, seq: vm.seq };
  const labels = {} as Record<RaiseField, string>;
  for (const f of RAISE_FIELDS) labels[f] = vm.labels[f];
  return {
    refresh: null,
    guidance: vm.guidance ? esc(`“${vm.guidance}”`) : '',
    savedAt: vm.savedAt ? `Draft saved ${formatDateTime(vm.savedAt)}.` : '',
    procedures: vm.procedures.map((o) => ({ ...o })),
    partners: vm.partners.map((o) => ({ ...o })),
    categories: vm.categories.map((o) => ({ ...o })),
    urgencyLevels: vm.urgencyLevels.map((o) => ({ ...o })),
    hasUrgency: vm.urgencyLevels.length > 0,
    labels,
    // Input values are not markdown: they go in as typed.
    draft: { ...vm.draft, procedureId: vm.draft.procedureId || vm.procedureId },
    errors: presentErrors(RAISE_FIELDS, vm.errors),
    hasErrors: Object.values(vm.errors).some(Boolean),
    actions: [
      action(UI_VERBS.submitRaise, 'Submit', id, { style: 'positive', inputs: 'auto' }),
      action(UI_VERBS.saveDraft, 'Save draft', id, { inputs: 'auto' }),
      ...(vm.canDiscard ? [action(UI_VERBS.cancelRaise, 'Cancel', id, { style: 'destructive' })] : []),
    ],
  };
}
