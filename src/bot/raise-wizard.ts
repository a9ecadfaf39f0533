/**
 * Raising a dispute: the immediate-risk question first, then the raise wizard card, kept as a draft
 * between turns (one per person; its id becomes the dispute id on submit). A submit is checked
 * field by field with the domain's own messages before the dispute service is asked to raise it.
 */
import {
  type AdaptiveCardJson,
  EMPTY_RAISE_DRAFT,
  immediateRiskModel,
  RAISE_FIELDS,
  type RaiseDraft,
  type RaiseField,
  raiseDisputeModel,
  renderCard,
  UI_VERBS,
} from '../cards/index.ts';
import type { DisputeEvent } from '../domain/dispute/types.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import { type BotContext, card, type Outgoing } from './context.ts';
import { errorCard, helpCard } from './general-cards.ts';
import type { BotPerson, SavedDraft } from './ports.ts';
import { raiseFieldErrors } from './refusal-field.ts';
import { statusCard, viewerOf } from './step-cards.ts';

type RaisedEvent = Extract<DisputeEvent, { type: 'raised' }>;
type FieldErrors = Partial<Record<RaiseField, string>>;

/** The UI verbs this module answers. */
export const RAISE_VERBS: ReadonlySet<string> = new Set([
  UI_VERBS.raise,
  UI_VERBS.immediateRiskYes,
  UI_VERBS.immediateRiskNo,
  UI_VERBS.saveDraft,
  UI_VERBS.submitRaise,
]);

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

function fieldsFrom(
  data: Readonly<Record<string, unknown>>,
  previous: Partial<RaiseDraft>,
): Partial<RaiseDraft> {
  const out: Record<string, string> = { ...previous };
  for (const f of RAISE_FIELDS) {
    const v = data[f];
    if (typeof v === 'string') out[f] = v;
  }
  return out as Partial<RaiseDraft>;
}

function raiseEvent(person: BotPerson, draft: SavedDraft): RaisedEvent {
  const f = { ...EMPTY_RAISE_DRAFT, ...draft.fields };
  return {
    type: 'raised',
    disputeId: draft.draftId,
    by: { id: person.id, name: person.name, email: person.email, organisationId: person.organisationId },
    immediateRiskChecked: draft.immediateRiskChecked as true,
    caseReference: f.caseReference,
    raisingOrganisationId: person.organisationId,
    counterpartOrganisationId: f.counterpartOrganisationId,
    category: f.category,
    ...(f.urgency ? { urgency: f.urgency } : {}),
    details: { issue: f.issue, informalAttempts: f.informalAttempts, resolutionSought: f.resolutionSought },
  };
}

const outOfDateForm = (): Outgoing => ({
  update: errorCard({
    reason: 'wrong-phase',
    message:
      'This form is out of date: that draft was already submitted or replaced. Type "raise a dispute" to start again.',
  }),
  send: [],
});

async function submit(ctx: BotContext, person: BotPerson, saved: SavedDraft): Promise<Outgoing> {
  if (!saved.immediateRiskChecked) {
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
    case UI_VERBS.submitRaise: {
      const draft = await currentDraft(ctx, person);
      const submittedFor = typeof data.disputeId === 'string' ? data.disputeId : null;
      if (submittedFor && submittedFor !== draft.draftId) return outOfDateForm();
      const saved: SavedDraft = {
        ...draft,
        seq: draft.seq + 1,
        fields: fieldsFrom(data, draft.fields),
        savedAt: ctx.now(),
      };
      await ctx.drafts.save(person.id, saved);
      if (verb === UI_VERBS.saveDraft) return { update: await wizardCard(ctx, person, saved), send: [] };
      return submit(ctx, person, saved);
    }
  }
  return { send: [card(helpCard(ctx))] };
}
