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
  RaiseStartViewModel,
  StatementField,
  WelcomeViewModel,
} from './view-models.ts';
import { RAISE_FIELDS } from './view-models.ts';
import { ABOUT_LABEL, ABOUT_MESSAGE, lengthNote, REQUIRED_NOTE } from './wording/raise.ts';

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
  const cancel = action(UI_VERBS.cancelRaise, 'Cancel', { disputeId: null, seq: 0 });
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
          cancel,
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
          cancel,
        ],
  };
}

const FREE_TEXT: readonly StatementField[] = ['issue', 'informalAttempts', 'resolutionSought'];

export function presentRaise(vm: RaiseDisputeViewModel): Data {
  const id = { disputeId: vm.draftId, seq: vm.seq };
  const labels = {} as Record<RaiseField, string>;
  for (const f of RAISE_FIELDS) labels[f] = vm.labels[f];
  const lengths = {} as Record<StatementField, string>;
  for (const f of FREE_TEXT) lengths[f] = lengthNote(vm.draft[f].length, vm.textMax);
  return {
    refresh: null,
    guidance: vm.guidance ? esc(`“${vm.guidance}”`) : '',
    privacyNote: esc(vm.privacyNote),
    procedureLine: esc(`Procedure: ${vm.procedureName}`),
    alsoInclude: vm.alsoInclude.length
      ? esc(
          `The procedure also asks you to give: ${vm.alsoInclude.join('; ')}. Include them in your answers below.`,
        )
      : '',
    savedAt: vm.savedAt ? `Draft saved ${formatDateTime(vm.savedAt)}.` : '',
    partners: vm.partners.map((o) => ({ ...o })),
    categories: vm.categories.map((o) => ({ ...o })),
    urgencyLevels: vm.urgencyLevels.map((o) => ({ ...o })),
    hasUrgency: vm.urgencyLevels.length > 0,
    aboutOptions: vm.aboutOptions.map((o) => ({ ...o })),
    hasAbout: vm.aboutOptions.length > 0,
    confirmName: vm.confirmName,
    // The toggle's "on" value is the reference itself: a confirmation holds only for what was confirmed.
    confirmValue: vm.draft.caseReference.trim(),
    labels,
    placeholders: { ...vm.placeholders },
    messages: { ...vm.messages },
    lengths,
    requiredNote: REQUIRED_NOTE,
    // Input values are not markdown: they go in as typed.
    draft: { ...vm.draft, procedureId: vm.draft.procedureId || vm.procedureId },
    errors: presentErrors(RAISE_FIELDS, vm.errors),
    hasErrors: Object.values(vm.errors).some(Boolean),
    actions: [
      action(UI_VERBS.submitRaise, 'Submit', id, { style: 'positive', inputs: 'auto' }),
      action(UI_VERBS.saveDraft, 'Save draft', id, { inputs: 'auto' }),
      ...(vm.canChangeProcedure ? [action(UI_VERBS.changeProcedure, 'Change procedure', id)] : []),
      ...(vm.canDiscard ? [action(UI_VERBS.cancelRaise, 'Cancel', id, { style: 'destructive' })] : []),
    ],
  };
}

export function presentRaiseStart(vm: RaiseStartViewModel): Data {
  const id = { disputeId: vm.draftId, seq: vm.seq };
  const excludes = vm.outOfScope.length > 0;
  return {
    notice: vm.notice ? esc(vm.notice) : '',
    procedureName: esc(vm.procedureName),
    procedures: vm.procedures.map((o) => ({ ...o })),
    hasChoice: vm.procedures.length > 1,
    procedureId: vm.procedureId,
    excludes,
    outOfScope: vm.outOfScope.map((o) => ({
      quote: esc(`“${o.quote}”`),
      instead: o.instead ? esc(`Use instead: ${o.instead}.`) : '',
    })),
    hasAbout: vm.aboutOptions.length > 0,
    aboutOptions: vm.aboutOptions.map((o) => ({ ...o })),
    aboutLabel: ABOUT_LABEL,
    aboutMessage: ABOUT_MESSAGE,
    about: vm.about,
    errors: presentErrors(['procedureId', 'about', 'outOfScopeConfirmed'] as const, vm.errors),
    actions: [
      action(
        UI_VERBS.raiseContinue,
        excludes ? 'It is none of these: continue' : 'Continue',
        { ...id, extra: { shownProcedureId: vm.procedureId } },
        { style: 'positive', inputs: 'auto' },
      ),
      action(UI_VERBS.cancelRaise, 'Cancel', id, { style: 'destructive' }),
    ],
  };
}
