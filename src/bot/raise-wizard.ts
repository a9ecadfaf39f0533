/**
 * Raising a dispute: the immediate-risk question first, then the raise wizard card, kept as a draft
 * between turns (one per person; its id becomes the dispute id on submit). A submit is checked
 * field by field with the domain's own messages before the dispute service is asked to raise it.
 */
import {
  type AdaptiveCardJson,
  immediateRiskModel,
  raiseDisputeModel,
  renderCard,
  UI_VERBS,
} from '../cards/index.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import { type BotContext, card, type Outgoing } from './context.ts';
import { errorCard, helpCard } from './general-cards.ts';
import type { BotPerson, SavedDraft } from './ports.ts';
import {
  fieldsFrom,
  type RaiseFieldErrors,
  raiseEvent,
  unstorableFields,
  withoutControlCharacters,
} from './raise-draft.ts';
import { raiseFieldErrors } from './refusal-field.ts';
import { statusCard, viewerOf } from './step-cards.ts';

type FieldErrors = RaiseFieldErrors;

async function defaultProcedure(ctx: BotContext, person: BotPerson): Promise<ProcedureDefinition> {
  const org = await ctx.people.organisation(person.organisationId);
  const first = org?.procedures.map((id) => ctx.procedures.get(id)).find((p) => p);
  const fallback = ctx.procedures.values().next().value;
  if (!first && !fallback) throw new Error('no procedures are loaded');
  return (first ?? fallback) as ProcedureDefinition;
}

/** The first question of every raise: is anyone at immediate risk? */
export async function immediateRiskCard(
  ctx: BotContext,
  person: BotPerson,
  mode: 'ask' | 'contacts',
  procedureId?: string,
): Promise<AdaptiveCardJson> {
  const procedure = ctx.procedureFor(procedureId) ?? (await defaultProcedure(ctx, person));
  return renderCard('immediate-risk', immediateRiskModel(procedure, mode));
}

async function partnersFor(ctx: BotContext, person: BotPerson, procedure: ProcedureDefinition) {
  const orgs = await ctx.people.organisations();
  return orgs
    .filter(
      (o) =>
        o.id !== person.organisationId && (o.procedures.length === 0 || o.procedures.includes(procedure.id)),
    )
    .map((o) => ({ value: o.id, title: o.name }));
}

async function wizardCard(
  ctx: BotContext,
  person: BotPerson,
  draft: SavedDraft,
  errors: FieldErrors = {},
): Promise<AdaptiveCardJson> {
  const procedure = ctx.procedureFor(draft.fields.procedureId) ?? (await defaultProcedure(ctx, person));
  return renderCard(
    'raise-dispute',
    raiseDisputeModel({
      draftId: draft.draftId,
      seq: draft.seq,
      procedure,
      procedures: [...ctx.procedures.values()],
      partners: await partnersFor(ctx, person, procedure),
      draft: { ...draft.fields, procedureId: procedure.id },
      errors,
      savedAt: draft.savedAt,
      viewer: viewerOf(person.id),
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
  update: errorCard({
    reason: 'wrong-phase',
    message:
      'This form is out of date: that draft was already submitted or replaced. Type "raise a dispute" to start again.',
  }),
  send: [],
});

/**
 * Save draft and Submit: the answers are checked before anything is stored. Answers that cannot be
 * stored (control characters) are refused beside their fields and nothing is saved; otherwise the
 * draft is saved whole, and a submit with every answer right raises the dispute.
 */
async function saveOrSubmit(
  ctx: BotContext,
  person: BotPerson,
  verb: string,
  data: Readonly<Record<string, unknown>>,
): Promise<Outgoing> {
  const draft = await currentDraft(ctx, person);
  const submittedFor = typeof data.disputeId === 'string' ? data.disputeId : null;
  if (submittedFor && submittedFor !== draft.draftId) return outOfDateForm();
  const fields = fieldsFrom(data, draft.fields);
  const unstorable = unstorableFields(fields);
  if (Object.keys(unstorable).length > 0) {
    // Shown without the characters that cannot be kept; the stored draft stays as it was.
    const shown: SavedDraft = { ...draft, fields: withoutControlCharacters(fields) };
    return { update: await wizardCard(ctx, person, shown, unstorable), send: [] };
  }
  const saved: SavedDraft = { ...draft, seq: draft.seq + 1, fields, savedAt: ctx.now() };
  if (verb === UI_VERBS.saveDraft || !saved.immediateRiskChecked) {
    await ctx.drafts.save(person.id, saved);
    if (verb === UI_VERBS.saveDraft) return { update: await wizardCard(ctx, person, saved), send: [] };
    return { update: await immediateRiskCard(ctx, person, 'ask', saved.fields.procedureId), send: [] };
  }
  const procedure = ctx.procedureFor(saved.fields.procedureId) ?? (await defaultProcedure(ctx, person));
  const event = raiseEvent(person, { ...saved, fields: { ...saved.fields, procedureId: procedure.id } });
  const errors = raiseFieldErrors(event, procedure);
  // Only a partner the directory knows for this procedure can be routed to (card data is the client's).
  const partners = await partnersFor(ctx, person, procedure);
  if (
    !errors.counterpartOrganisationId &&
    !partners.some((p) => p.value === event.counterpartOrganisationId)
  ) {
    errors.counterpartOrganisationId = `Choose one of the partner organisations listed for ${procedure.shortName}.`;
  }
  await ctx.drafts.save(person.id, saved);
  if (Object.keys(errors).length > 0)
    return { update: await wizardCard(ctx, person, saved, errors), send: [] };
  const result = await ctx.disputes.apply(saved.draftId, event, { procedureId: procedure.id });
  if (!result.ok) {
    // Not about one field (a directory gap, a raise already made): say so beside the form.
    return { update: await wizardCard(ctx, person, saved), send: [card(errorCard(result.refusal))] };
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

/** A raise wizard verb (`RAISE_VERBS`). */
export async function onRaiseAction(
  ctx: BotContext,
  person: BotPerson,
  verb: string,
  data: Readonly<Record<string, unknown>>,
): Promise<Outgoing> {
  const procedureId = typeof data.procedureId === 'string' ? data.procedureId : undefined;
  switch (verb) {
    case UI_VERBS.raise:
      return { send: [card(await immediateRiskCard(ctx, person, 'ask', procedureId))] };
    case UI_VERBS.immediateRiskYes:
      return { update: await immediateRiskCard(ctx, person, 'contacts', procedureId), send: [] };
    case UI_VERBS.immediateRiskNo: {
      const draft = await currentDraft(ctx, person);
      const saved: SavedDraft = {
        ...draft,
        immediateRiskChecked: true,
        fields: { ...draft.fields, ...(procedureId && !draft.fields.procedureId ? { procedureId } : {}) },
      };
      await ctx.drafts.save(person.id, saved);
      return { update: await wizardCard(ctx, person, saved), send: [] };
    }
    case UI_VERBS.saveDraft:
    case UI_VERBS.submitRaise:
      return saveOrSubmit(ctx, person, verb, data);
  }
  return { send: [card(helpCard(ctx))] };
}
