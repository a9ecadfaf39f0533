/**
 * Raising a dispute, kept as a draft between turns (one per person; its id becomes the dispute id on
 * submit): the immediate-risk question first; then "Before you start" where there is something to
 * settle before the form (which procedure, when there is a choice; what the procedure does not
 * cover, in its words, with what to use instead; whether it concerns a child or an adult at risk,
 * where it covers both); then the form.
 *
 * - Only the procedures the person can raise under are offered (`raiseOptions`); the form's
 *   categories, urgency levels and partners are always the chosen procedure's, and choosing another
 *   procedure goes back through its own "Before you start".
 * - Answers are checked before the draft is stored: characters that cannot be kept and answers over
 *   the limit are refused beside their fields (with the count and the limit; the card keeps the
 *   text where it fits), and a submit is checked field by field with the domain's own messages
 *   (`raiseFieldErrors`) before the dispute service is asked to raise it.
 * - Cancel is on every card of the way, and "cancel" typed discards the draft.
 */
import {
  ABOUT_MESSAGE,
  type AdaptiveCardJson,
  immediateRiskModel,
  type RaiseDraft,
  type RaiseField,
  type RaiseStartViewModel,
  raiseDisputeModel,
  raiseStartModel,
  renderCard,
  tooLongText,
  UI_VERBS,
} from '../cards/index.ts';
import { RAISE_TEXT_MAX, subjectOfProcedure } from '../domain/dispute/validate.ts';
import { type BotContext, card, type Outgoing, text } from './context.ts';
import { errorCard, helpCard } from './general-cards.ts';
import type { BotPerson, SavedDraft } from './ports.ts';
import {
  fieldsFrom,
  overLimitFields,
  type RaiseFieldErrors,
  raiseEvent,
  unstorableFields,
  withoutControlCharacters,
} from './raise-draft.ts';
import { nothingToRaise, optionFor, type RaiseOption, raiseOptions } from './raise-options.ts';
import { raiseFieldErrors } from './refusal-field.ts';
import { statusCard, viewerOf } from './step-cards.ts';

type Data = Readonly<Record<string, unknown>>;

/** Why there is nothing to raise; from a card, the card becomes the help card. */
async function cannotRaise(ctx: BotContext, person: BotPerson, fromCard: boolean): Promise<Outgoing> {
  const said = text(await nothingToRaise(ctx, person));
  return fromCard ? { update: helpCard(ctx), send: [said] } : { send: [said] };
}

/** The first question of every raise: is anyone at immediate risk? Null when there is nothing to raise. */
async function immediateRiskCard(
  ctx: BotContext,
  person: BotPerson,
  mode: 'ask' | 'contacts',
  procedureId?: string,
): Promise<AdaptiveCardJson | null> {
  const options = await raiseOptions(ctx, person);
  const option = optionFor(options, procedureId) ?? options[0];
  return option ? renderCard('immediate-risk', immediateRiskModel(option.procedure, mode)) : null;
}

/** "raise a dispute" (typed or the button): the immediate-risk question, as a new message. */
export async function startRaise(
  ctx: BotContext,
  person: BotPerson,
  procedureId?: string,
): Promise<Outgoing> {
  const risk = await immediateRiskCard(ctx, person, 'ask', procedureId);
  return risk ? { send: [card(risk)] } : cannotRaise(ctx, person, false);
}

/** The immediate-risk question in place of the clicked card. */
async function askRiskInPlace(
  ctx: BotContext,
  person: BotPerson,
  mode: 'ask' | 'contacts',
  procedureId?: string,
): Promise<Outgoing> {
  const risk = await immediateRiskCard(ctx, person, mode, procedureId);
  return risk ? { update: risk, send: [] } : cannotRaise(ctx, person, true);
}

/** The option the draft is for: its procedure while that can be raised, else the first. */
const optionOfDraft = (options: readonly RaiseOption[], fields: Partial<RaiseDraft>) =>
  optionFor(options, fields.procedureId) ?? (options[0] as RaiseOption);

/** Whether the procedure asks something before the form: its out-of-scope matters, or who it is about. */
const asksBeforeForm = (option: RaiseOption) =>
  option.procedure.outOfScope.length > 0 || subjectOfProcedure(option.procedure) === null;

/** Whether "Before you start" has anything to settle for `option` (the choice of procedure included). */
const hasStart = (options: readonly RaiseOption[], option: RaiseOption) =>
  options.length > 1 || asksBeforeForm(option);

const validAbout = (about: unknown): about is 'child' | 'adult' => about === 'child' || about === 'adult';

/** Whether the draft has been through "Before you start" for `option` (or there is nothing to settle). */
function startDone(options: readonly RaiseOption[], option: RaiseOption, draft: SavedDraft): boolean {
  if (!hasStart(options, option)) return true;
  return (
    draft.startedFor === option.procedure.id &&
    (subjectOfProcedure(option.procedure) !== null || validAbout(draft.fields.about))
  );
}

function wizardCard(
  person: BotPerson,
  options: readonly RaiseOption[],
  draft: SavedDraft,
  errors: RaiseFieldErrors = {},
): AdaptiveCardJson {
  const { procedure, partners } = optionOfDraft(options, draft.fields);
  return renderCard(
    'raise-dispute',
    raiseDisputeModel({
      draftId: draft.draftId,
      seq: draft.seq,
      procedure,
      procedures: options.map((o) => o.procedure),
      partners,
      draft: { ...draft.fields, procedureId: procedure.id },
      errors,
      savedAt: draft.savedAt,
      viewer: viewerOf(person.id),
      canDiscard: true,
    }),
  );
}

function startCard(
  options: readonly RaiseOption[],
  draft: SavedDraft,
  extra: { notice?: string; errors?: RaiseStartViewModel['errors'] } = {},
): AdaptiveCardJson {
  const { procedure } = optionOfDraft(options, draft.fields);
  return renderCard(
    'raise-start',
    raiseStartModel({
      draftId: draft.draftId,
      seq: draft.seq,
      procedure,
      procedures: options.map((o) => o.procedure),
      ...(draft.fields.about ? { about: draft.fields.about } : {}),
      notice: extra.notice ?? null,
      ...(extra.errors ? { errors: extra.errors } : {}),
    }),
  );
}

/** The card that comes next for this draft: "Before you start" until it is done, then the form. */
function nextCard(
  person: BotPerson,
  options: readonly RaiseOption[],
  draft: SavedDraft,
  errors: RaiseFieldErrors = {},
): AdaptiveCardJson {
  const option = optionOfDraft(options, draft.fields);
  return startDone(options, option, draft)
    ? wizardCard(person, options, draft, errors)
    : startCard(options, draft);
}

async function currentDraft(ctx: BotContext, person: BotPerson): Promise<SavedDraft> {
  return (
    (await ctx.drafts.get(person.id)) ?? {
      draftId: ctx.newId(),
      seq: 0,
      fields: {},
      immediateRiskChecked: false,
      savedAt: null,
    }
  );
}

const outOfDateForm = (): Outgoing => ({
  update: errorCard({ reason: 'wrong-phase', code: 'draft-out-of-date', params: {} }),
  send: [],
});

/** The fields kept when the procedure changes to `chosen`: its lists' answers only where it has them too. */
function keptUnder(chosen: RaiseOption, fields: Partial<RaiseDraft>): Partial<RaiseDraft> {
  const p = chosen.procedure;
  const keep = (value: string | undefined, ok: boolean) => (value && ok ? value : '');
  return {
    ...fields,
    procedureId: p.id,
    category: keep(
      fields.category,
      p.categories.some((c) => c.id === fields.category),
    ),
    urgency: keep(
      fields.urgency,
      (p.urgencyLevels ?? []).some((u) => u.id === fields.urgency),
    ),
    counterpartOrganisationId: keep(
      fields.counterpartOrganisationId,
      chosen.partners.some((o) => o.value === fields.counterpartOrganisationId),
    ),
    about: subjectOfProcedure(p) === null ? keep(fields.about, validAbout(fields.about)) : '',
  };
}

/**
 * The answers for the procedure they will be shown under. A procedure that cannot be raised under
 * is replaced by the one the card showed; on a change of procedure, answers from the old one's
 * lists (category, urgency, partner) are kept only where the new procedure has them too.
 */
function underProcedure(
  options: readonly RaiseOption[],
  shown: RaiseOption,
  fields: Partial<RaiseDraft>,
): { fields: Partial<RaiseDraft>; changed: RaiseOption | null } {
  const chosen = optionFor(options, fields.procedureId) ?? shown;
  if (chosen === shown) return { fields: { ...fields, procedureId: chosen.procedure.id }, changed: null };
  return { fields: keptUnder(chosen, fields), changed: chosen };
}

/**
 * Teams takes a message of up to about 100 KB (UTF-16), and advises keeping under 80 KB: a form
 * sent back holding more typed text than this (in characters of card JSON) leaves the longest
 * over-limit answers out, and says so beside them.
 */
const CARD_CHARACTER_BUDGET = 40_000;

/**
 * The form refused before anything is stored: characters that cannot be kept are left out; an answer
 * over the limit stays in its box (with its count and the limit beside it) while the card has room.
 */
function refusedForm(
  person: BotPerson,
  options: readonly RaiseOption[],
  draft: SavedDraft,
  typed: Partial<RaiseDraft>,
  unstorable: RaiseFieldErrors,
  overLimit: Partial<Record<RaiseField, number>>,
): AdaptiveCardJson {
  let fields: Partial<RaiseDraft> = {
    ...withoutControlCharacters(typed),
    procedureId: draft.fields.procedureId ?? '',
  };
  const errors: RaiseFieldErrors = { ...unstorable };
  for (const [f, length] of Object.entries(overLimit) as [RaiseField, number][])
    errors[f] = tooLongText(length, RAISE_TEXT_MAX, true);
  let card = wizardCard(person, options, { ...draft, fields }, errors);
  const longestFirst = (Object.entries(overLimit) as [RaiseField, number][]).sort((a, b) => b[1] - a[1]);
  for (const [f, length] of longestFirst) {
    if (JSON.stringify(card).length <= CARD_CHARACTER_BUDGET) break;
    fields = { ...fields, [f]: '' };
    errors[f] = tooLongText(length, RAISE_TEXT_MAX, false);
    card = wizardCard(person, options, { ...draft, fields }, errors);
  }
  return card;
}

/**
 * Save draft and Submit: the answers are checked before anything is stored. Answers that cannot be
 * stored (control characters) or are over the limit are refused beside their fields and nothing is
 * saved; otherwise the draft is saved whole, and a submit with every answer right raises the dispute.
 */
async function saveOrSubmit(ctx: BotContext, person: BotPerson, verb: string, data: Data): Promise<Outgoing> {
  const options = await raiseOptions(ctx, person);
  if (options.length === 0) return cannotRaise(ctx, person, true);
  const draft = await currentDraft(ctx, person);
  const submittedFor = typeof data.disputeId === 'string' ? data.disputeId : null;
  if (submittedFor && submittedFor !== draft.draftId) return outOfDateForm();
  const shown = optionOfDraft(options, draft.fields);
  const typed = fieldsFrom(data, draft.fields);
  const unstorable = unstorableFields(typed);
  const overLimit = overLimitFields(typed);
  if (Object.keys(unstorable).length > 0 || Object.keys(overLimit).length > 0) {
    // Shown as the card was (same procedure); the stored draft stays as it was.
    const current = { ...draft, fields: { ...draft.fields, procedureId: shown.procedure.id } };
    return { update: refusedForm(person, options, current, typed, unstorable, overLimit), send: [] };
  }
  const { fields, changed } = underProcedure(options, shown, typed);
  const saved: SavedDraft = {
    ...draft,
    seq: draft.seq + 1,
    fields,
    savedAt: ctx.now(),
    // A procedure chosen on the form is chosen; what it asks before the form is still to be seen.
    ...(changed ? { startedFor: asksBeforeForm(changed) ? undefined : changed.procedure.id } : {}),
  };
  await ctx.drafts.save(person.id, saved);
  if (changed) {
    // The card showed another procedure's lists: show this one's (and its "Before you start") first.
    const procedureId = `The categories and partner organisations are now those of ${changed.procedure.shortName}: check your answers, then submit.`;
    return { update: nextCard(person, options, saved, { procedureId }), send: [] };
  }
  if (!startDone(options, shown, saved)) return { update: startCard(options, saved), send: [] };
  if (verb === UI_VERBS.saveDraft) return { update: wizardCard(person, options, saved), send: [] };
  if (!saved.immediateRiskChecked) return askRiskInPlace(ctx, person, 'ask', saved.fields.procedureId);
  const { procedure, partners } = shown;
  const event = raiseEvent(person, saved, procedure);
  const errors = raiseFieldErrors(event, procedure);
  // Only a partner the directory knows for this procedure can be routed to (card data is the client's).
  if (
    !errors.counterpartOrganisationId &&
    !partners.some((p) => p.value === event.counterpartOrganisationId)
  ) {
    errors.counterpartOrganisationId = `Choose one of the partner organisations listed for ${procedure.shortName}.`;
  }
  if (Object.keys(errors).length > 0) return { update: wizardCard(person, options, saved, errors), send: [] };
  const result = await ctx.disputes.apply(saved.draftId, event, { procedureId: procedure.id });
  if (!result.ok) {
    // Not about one field (a directory gap, a raise already made): say so beside the form.
    return { update: wizardCard(person, options, saved), send: [card(errorCard(result.refusal))] };
  }
  await ctx.drafts.remove(person.id);
  ctx.log.info({ disputeId: saved.draftId, procedureId: procedure.id }, 'dispute raised');
  return {
    update: statusCard({
      state: result.state,
      procedure,
      viewerId: person.id,
      now: ctx.now(),
      title: 'Dispute raised',
      text: ['Concord has recorded the dispute and will keep you informed here.'],
    }),
    send: [],
  };
}

/**
 * "Before you start" answered. The procedure chosen there, when it is not the one whose matters the
 * card showed, is shown first (nothing is confirmed for a procedure whose card was not seen);
 * otherwise its out-of-scope matters are confirmed, who it is about is kept, and the form follows.
 */
async function continueFromStart(ctx: BotContext, person: BotPerson, data: Data): Promise<Outgoing> {
  const options = await raiseOptions(ctx, person);
  if (options.length === 0) return cannotRaise(ctx, person, true);
  const draft = await currentDraft(ctx, person);
  const submittedFor = typeof data.disputeId === 'string' ? data.disputeId : null;
  if (submittedFor && submittedFor !== draft.draftId) return outOfDateForm();
  if (!draft.immediateRiskChecked) return askRiskInPlace(ctx, person, 'ask', draft.fields.procedureId);
  const shownId =
    typeof data.shownProcedureId === 'string' ? data.shownProcedureId : draft.fields.procedureId;
  const shown = optionFor(options, shownId) ?? optionOfDraft(options, draft.fields);
  const chosen =
    optionFor(options, typeof data.procedureId === 'string' ? data.procedureId : undefined) ?? shown;
  const about = typeof data.about === 'string' ? data.about : draft.fields.about;
  const fields = keptUnder(chosen, { ...draft.fields, ...(validAbout(about) ? { about } : {}) });
  const base: SavedDraft = { ...draft, seq: draft.seq + 1, fields, startedFor: undefined };
  if (chosen !== shown && asksBeforeForm(chosen)) {
    await ctx.drafts.save(person.id, base);
    const notice = `You chose ${chosen.procedure.shortName}. Read what it does not cover, then continue.`;
    return { update: startCard(options, base, { notice }), send: [] };
  }
  if (subjectOfProcedure(chosen.procedure) === null && !validAbout(fields.about)) {
    await ctx.drafts.save(person.id, base);
    return { update: startCard(options, base, { errors: { about: ABOUT_MESSAGE } }), send: [] };
  }
  const saved: SavedDraft = { ...base, startedFor: chosen.procedure.id };
  await ctx.drafts.save(person.id, saved);
  return { update: wizardCard(person, options, saved), send: [] };
}

/** "Change procedure" on the form: back to "Before you start", keeping the saved answers. */
async function changeProcedure(ctx: BotContext, person: BotPerson, data: Data): Promise<Outgoing> {
  const options = await raiseOptions(ctx, person);
  if (options.length === 0) return cannotRaise(ctx, person, true);
  const draft = await currentDraft(ctx, person);
  const submittedFor = typeof data.disputeId === 'string' ? data.disputeId : null;
  if (submittedFor && submittedFor !== draft.draftId) return outOfDateForm();
  const saved: SavedDraft = { ...draft, seq: draft.seq + 1, startedFor: undefined };
  await ctx.drafts.save(person.id, saved);
  return { update: startCard(options, saved), send: [] };
}

/**
 * Discards the person's draft ("cancel" typed, or Cancel on the wizard card). From a card, only the
 * draft that card is for: an older card cannot discard a newer draft.
 */
export async function discardDraft(ctx: BotContext, person: BotPerson, data: Data | null): Promise<Outgoing> {
  const draft = await ctx.drafts.get(person.id);
  const submittedFor = data && typeof data.disputeId === 'string' ? data.disputeId : null;
  if (data && draft && submittedFor && submittedFor !== draft.draftId) return outOfDateForm();
  if (!draft) {
    if (data) {
      const none = text(
        'Cancelled: nothing was kept. Type "raise a dispute" when you are ready to start again.',
      );
      return { update: helpCard(ctx), send: [none] };
    }
    return { send: [text('You have no draft to discard. Type "raise a dispute" to start one.')] };
  }
  await ctx.drafts.remove(person.id);
  ctx.log.info({ draftId: draft.draftId }, 'raise draft discarded');
  const done = text(
    'Your draft has been discarded and nothing from it was kept. Type "raise a dispute" to start again.',
  );
  return data ? { update: helpCard(ctx), send: [done] } : { send: [done] };
}

/** A raise wizard verb: raise, the immediate-risk answers, "Before you start", Save draft, Submit, Cancel. */
export async function onRaiseAction(
  ctx: BotContext,
  person: BotPerson,
  verb: string,
  data: Data,
): Promise<Outgoing> {
  const procedureId = typeof data.procedureId === 'string' ? data.procedureId : undefined;
  switch (verb) {
    case UI_VERBS.raise:
      return startRaise(ctx, person, procedureId);
    case UI_VERBS.immediateRiskYes:
      return askRiskInPlace(ctx, person, 'contacts', procedureId);
    case UI_VERBS.immediateRiskNo: {
      const options = await raiseOptions(ctx, person);
      if (options.length === 0) return cannotRaise(ctx, person, true);
      const draft = await currentDraft(ctx, person);
      const fields =
        procedureId && !optionFor(options, draft.fields.procedureId) && optionFor(options, procedureId)
          ? { ...draft.fields, procedureId }
          : draft.fields;
      const saved: SavedDraft = { ...draft, immediateRiskChecked: true, fields };
      await ctx.drafts.save(person.id, saved);
      return { update: nextCard(person, options, saved), send: [] };
    }
    case UI_VERBS.saveDraft:
    case UI_VERBS.submitRaise:
      return saveOrSubmit(ctx, person, verb, data);
    case UI_VERBS.cancelRaise:
      return discardDraft(ctx, person, data);
    case UI_VERBS.raiseContinue:
      return continueFromStart(ctx, person, data);
    case UI_VERBS.changeProcedure:
      return changeProcedure(ctx, person, data);
  }
  return { send: [card(helpCard(ctx))] };
}
