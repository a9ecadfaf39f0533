/**
 * Raising a dispute: the immediate-risk question first, then the raise wizard card, kept as a draft
 * between turns (one per person; its id becomes the dispute id on submit).
 *
 * - Only the procedures the person can raise under are offered (`raiseOptions`); the card's
 *   categories, urgency levels and partners are always the chosen procedure's, so choosing another
 *   procedure shows its lists before anything is submitted under it.
 * - Answers are checked before the draft is stored; a submit is checked field by field with the
 *   domain's own messages (`raiseFieldErrors`) before the dispute service is asked to raise it.
 * - A draft can always be discarded ("cancel", or Cancel on the card).
 */
import {
  type AdaptiveCardJson,
  immediateRiskModel,
  type RaiseDraft,
  raiseDisputeModel,
  renderCard,
  UI_VERBS,
} from '../cards/index.ts';
import { type BotContext, card, type Outgoing, text } from './context.ts';
import { errorCard, helpCard } from './general-cards.ts';
import type { BotPerson, SavedDraft } from './ports.ts';
import {
  fieldsFrom,
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
  const out = { ...fields, procedureId: chosen.procedure.id };
  if (chosen === shown) return { fields: out, changed: null };
  const p = chosen.procedure;
  const keep = (value: string | undefined, ok: boolean) => (value && ok ? value : '');
  return {
    fields: {
      ...out,
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
    },
    changed: chosen,
  };
}

/**
 * Save draft and Submit: the answers are checked before anything is stored. Answers that cannot be
 * stored (control characters) are refused beside their fields and nothing is saved; otherwise the
 * draft is saved whole, and a submit with every answer right raises the dispute.
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
  if (Object.keys(unstorable).length > 0) {
    // Shown as the card was (same procedure), without the characters that cannot be kept; the
    // stored draft stays as it was.
    const fields = { ...withoutControlCharacters(typed), procedureId: shown.procedure.id };
    return { update: wizardCard(person, options, { ...draft, fields }, unstorable), send: [] };
  }
  const { fields, changed } = underProcedure(options, shown, typed);
  const saved: SavedDraft = { ...draft, seq: draft.seq + 1, fields, savedAt: ctx.now() };
  await ctx.drafts.save(person.id, saved);
  if (changed) {
    // The card showed another procedure's lists: show this one's before anything is submitted.
    const procedureId = `The categories and partner organisations are now those of ${changed.procedure.shortName}: check your answers, then submit.`;
    return { update: wizardCard(person, options, saved, { procedureId }), send: [] };
  }
  if (verb === UI_VERBS.saveDraft) return { update: wizardCard(person, options, saved), send: [] };
  if (!saved.immediateRiskChecked) return askRiskInPlace(ctx, person, 'ask', saved.fields.procedureId);
  const { procedure, partners } = shown;
  const event = raiseEvent(person, saved);
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
 * Discards the person's draft ("cancel" typed, or Cancel on the wizard card). From a card, only the
 * draft that card is for: an older card cannot discard a newer draft.
 */
export async function discardDraft(ctx: BotContext, person: BotPerson, data: Data | null): Promise<Outgoing> {
  const draft = await ctx.drafts.get(person.id);
  const submittedFor = data && typeof data.disputeId === 'string' ? data.disputeId : null;
  if (data && draft && submittedFor && submittedFor !== draft.draftId) return outOfDateForm();
  if (!draft) {
    const none = text('You have no draft to discard. Type "raise a dispute" to start one.');
    return data ? { update: helpCard(ctx), send: [none] } : { send: [none] };
  }
  await ctx.drafts.remove(person.id);
  ctx.log.info({ draftId: draft.draftId }, 'raise draft discarded');
  const done = text(
    'Your draft has been discarded and nothing from it was kept. Type "raise a dispute" to start again.',
  );
  return data ? { update: helpCard(ctx), send: [done] } : { send: [done] };
}

/** A raise wizard verb: raise, the immediate-risk answers, Save draft, Submit, Cancel. */
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
      return { update: wizardCard(person, options, saved), send: [] };
    }
    case UI_VERBS.saveDraft:
    case UI_VERBS.submitRaise:
      return saveOrSubmit(ctx, person, verb, data);
    case UI_VERBS.cancelRaise:
      return discardDraft(ctx, person, data);
  }
  return { send: [card(helpCard(ctx))] };
}
