/**
 * The conversation in personal chat, independent of botbuilder: an incoming turn (install, a
 * typed command, a card action) in, the cards to show out. The botbuilder glue (`teams-bot.ts`)
 * turns activities into `Incoming` and `Outgoing` back into activities and invoke responses.
 *
 * - Commands: "raise a dispute", "my disputes", "help"; in local mode also "act as …".
 * - Raising: the first question is immediate risk; then the raise wizard, validated field by field
 *   with the domain's own messages; the draft is kept between turns.
 * - Card verbs become dispute events; the actor is the authenticated Teams user's directory person,
 *   never anything in the card data. Refusals are shown on the card.
 *
 * @example
 * const conversation = createConversation(deps);
 * const out = await conversation.handle({ kind: 'message', identity: { teamsUserId: 'user-id-0' }, text: 'help' });
 */
import { randomUUID } from 'node:crypto';
import {
  type AdaptiveCardJson,
  disputeDetailModel,
  EMPTY_RAISE_DRAFT,
  errorFromRefusal,
  immediateRiskModel,
  parseVerb,
  RAISE_FIELDS,
  type RaiseDraft,
  type RaiseField,
  raiseDisputeModel,
  refusalText,
  renderCard,
  summaryOf,
  UI_VERBS,
} from '../cards/index.ts';
import type { AgreedAction, DisputeEvent, DisputeState, Refusal } from '../domain/dispute/types.ts';
import { validateRaise } from '../domain/dispute/validate.ts';
import { VERBS } from '../domain/dispute/verbs.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import type { Logger } from '../log/index.ts';
import { silentLogger } from '../log/index.ts';
import type {
  ActingAs,
  BotClock,
  BotPerson,
  CardStateStore,
  DisputeGateway,
  DraftStore,
  PeopleDirectory,
  SavedDraft,
  TeamsIdentity,
} from './ports.ts';
import { cardForEffect, statusCard, stepKey, viewerOf } from './step-cards.ts';

export type Incoming =
  | { readonly kind: 'install'; readonly identity: TeamsIdentity; readonly userName?: string | null }
  | { readonly kind: 'message'; readonly identity: TeamsIdentity; readonly text: string }
  | {
      readonly kind: 'action';
      readonly identity: TeamsIdentity;
      readonly verb: string;
      /** The action's data merged with the card's input values. */
      readonly data: Readonly<Record<string, unknown>>;
    };

export interface Outgoing {
  /** Replaces the card that was clicked (the invoke response, or an update of the Submit's card). */
  readonly update?: AdaptiveCardJson;
  /** New messages, in order. */
  readonly send: readonly ({ readonly text: string } | { readonly card: AdaptiveCardJson })[];
}

/** Whether "act as" may be used: only in local mode (no BOT_ID) and never with NODE_ENV=production. */
export interface LocalModePolicy {
  readonly allowed: boolean;
  /** Said to the person when it is not. */
  readonly refusal: string;
}

export interface ConversationDeps {
  readonly people: PeopleDirectory;
  readonly disputes: DisputeGateway;
  readonly drafts: DraftStore;
  readonly cards: CardStateStore;
  readonly procedures: ReadonlyMap<string, ProcedureDefinition>;
  readonly clock: BotClock;
  /** Present only in local mode. */
  readonly actingAs?: ActingAs | null;
  readonly localMode: LocalModePolicy;
  readonly newId?: () => string;
  readonly log?: Logger;
}

export interface Conversation {
  handle(incoming: Incoming): Promise<Outgoing>;
  /** The directory person Teams says this is (before any local "act as"). */
  realPerson(identity: TeamsIdentity): Promise<BotPerson | null>;
  /** The person acting: the real person, or in local mode whoever they chose to act as. */
  actingPerson(identity: TeamsIdentity): Promise<BotPerson | null>;
}

/** Refuses "act as" unless local mode; the composition root builds it from the config. */
export function localModePolicy(config: { mode: 'local' | 'cloud'; nodeEnv: string }): LocalModePolicy {
  if (config.mode !== 'local')
    return {
      allowed: false,
      refusal: 'Acting as someone else is only possible in local mode (BOT_ID is set).',
    };
  if (config.nodeEnv === 'production')
    return { allowed: false, refusal: 'Acting as someone else is never possible with NODE_ENV=production.' };
  return { allowed: true, refusal: '' };
}

const text = (t: string) => ({ text: t });
const card = (c: AdaptiveCardJson) => ({ card: c });

export function createConversation(deps: ConversationDeps): Conversation {
  const { people, disputes, drafts, cards, procedures, clock } = deps;
  const newId = deps.newId ?? randomUUID;
  const log = (deps.log ?? silentLogger()).child({ component: 'bot-conversation' });
  const now = () => clock.now().toISOString();

  async function realPerson(identity: TeamsIdentity): Promise<BotPerson | null> {
    return people.byTeamsIdentity(identity);
  }

  async function actingPerson(identity: TeamsIdentity): Promise<BotPerson | null> {
    if (deps.localMode.allowed && deps.actingAs && identity.teamsUserId) {
      const chosen = deps.actingAs.get(identity.teamsUserId);
      if (chosen) {
        const person = await people.person(chosen);
        if (person) return person;
      }
    }
    return realPerson(identity);
  }

  function procedureFor(id: string | undefined): ProcedureDefinition | undefined {
    return id ? procedures.get(id) : undefined;
  }

  async function defaultProcedure(person: BotPerson): Promise<ProcedureDefinition> {
    const org = await people.organisation(person.organisationId);
    const first = org?.procedures.map((id) => procedures.get(id)).find((p) => p);
    const fallback = procedures.values().next().value;
    if (!first && !fallback) throw new Error('no procedures are loaded');
    return (first ?? fallback) as ProcedureDefinition;
  }

  // ---- general cards ------------------------------------------------------------------------

  function welcomeCard(person: BotPerson | null, userName?: string | null): AdaptiveCardJson {
    const name = userName ?? person?.name ?? null;
    return renderCard('welcome', { userName: name ? (name.split(/[\s,]/)[0] ?? null) : null });
  }

  function helpCard(): AdaptiveCardJson {
    return renderCard('help', {
      procedures: [...procedures.values()].map((p) => ({
        shortName: p.shortName,
        name: p.name,
        overallWorkingDays: p.overall?.workingDays ?? null,
      })),
    });
  }

  function errorCard(refusal: Refusal, disputeId: string | null = null): AdaptiveCardJson {
    return renderCard('error', errorFromRefusal(refusal, disputeId));
  }

  const UNKNOWN_PERSON: Refusal = { reason: 'role-unresolved', code: 'unknown-person', params: {} };

  async function myDisputesCard(person: BotPerson): Promise<AdaptiveCardJson> {
    const list = await disputes.listFor(person.id);
    return renderCard('my-disputes', {
      now: now(),
      viewer: viewerOf(person.id),
      disputes: list.flatMap((s) => {
        const p = procedureFor(s.procedureId);
        return p ? [summaryOf(s, p)] : [];
      }),
    });
  }

  async function detailCard(person: BotPerson, disputeId: string): Promise<AdaptiveCardJson> {
    const state = await disputes.get(disputeId);
    const procedure = state ? procedureFor(state.procedureId) : undefined;
    if (!state || !procedure) return errorCard({ reason: 'not-raised', code: 'not-raised', params: {} });
    // Case content is for the people taking part, not for anyone who learns a dispute id.
    const involved = [state.raisedBy, state.owner, state.stage.awaiting, ...state.participants].some(
      (p) => p?.id === person.id,
    );
    if (!involved) {
      return errorCard({ reason: 'not-your-step', code: 'not-involved', params: {} }, disputeId);
    }
    const partner = await people.organisation(state.counterpartOrganisationId);
    return renderCard(
      'dispute-detail',
      disputeDetailModel({
        state,
        procedure,
        records: await disputes.records(disputeId),
        partnerOrganisation: partner?.name ?? state.counterpartOrganisationId,
        now: now(),
        viewer: viewerOf(person.id),
      }),
    );
  }

  // ---- raising --------------------------------------------------------------------------------

  async function immediateRiskCard(person: BotPerson, mode: 'ask' | 'contacts', procedureId?: string) {
    const procedure = procedureFor(procedureId) ?? (await defaultProcedure(person));
    return renderCard('immediate-risk', immediateRiskModel(procedure, mode));
  }

  async function partnersFor(person: BotPerson, procedure: ProcedureDefinition) {
    const orgs = await people.organisations();
    return orgs
      .filter(
        (o) =>
          o.id !== person.organisationId &&
          (o.procedures.length === 0 || o.procedures.includes(procedure.id)),
      )
      .map((o) => ({ value: o.id, title: o.name }));
  }

  async function wizardCard(
    person: BotPerson,
    draft: SavedDraft,
    errors: Partial<Record<RaiseField, string>> = {},
  ): Promise<AdaptiveCardJson> {
    const procedure = procedureFor(draft.fields.procedureId) ?? (await defaultProcedure(person));
    return renderCard(
      'raise-dispute',
      raiseDisputeModel({
        draftId: draft.draftId,
        seq: draft.seq,
        procedure,
        procedures: [...procedures.values()],
        partners: await partnersFor(person, procedure),
        draft: { ...draft.fields, procedureId: procedure.id },
        errors,
        savedAt: draft.savedAt,
        viewer: viewerOf(person.id),
      }),
    );
  }

  async function currentDraft(person: BotPerson): Promise<SavedDraft> {
    return (
      (await drafts.get(person.id)) ?? {
        draftId: newId(),
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

  function raiseEvent(person: BotPerson, draft: SavedDraft): Extract<DisputeEvent, { type: 'raised' }> {
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

  /** Every field's problem, in the domain's own words: `validateRaise` reports them all at once. */
  function fieldErrors(
    procedure: ProcedureDefinition,
    event: Extract<DisputeEvent, { type: 'raised' }>,
  ): Partial<Record<RaiseField, string>> {
    const checked = validateRaise(event, procedure);
    const errors: Partial<Record<RaiseField, string>> = {};
    if (checked.ok) return errors;
    for (const error of checked.errors) {
      const field = error.field as RaiseField | undefined;
      if (field && (RAISE_FIELDS as readonly string[]).includes(field) && !errors[field])
        errors[field] = refusalText(error);
    }
    return errors;
  }

  async function onRaiseAction(
    person: BotPerson,
    verb: string,
    data: Readonly<Record<string, unknown>>,
  ): Promise<Outgoing> {
    const procedureId = typeof data.procedureId === 'string' ? data.procedureId : undefined;
    switch (verb) {
      case UI_VERBS.raise:
        return { send: [card(await immediateRiskCard(person, 'ask', procedureId))] };
      case UI_VERBS.immediateRiskYes:
        return { update: await immediateRiskCard(person, 'contacts', procedureId), send: [] };
      case UI_VERBS.immediateRiskNo: {
        const draft = await currentDraft(person);
        const saved: SavedDraft = {
          ...draft,
          immediateRiskChecked: true,
          fields: { ...draft.fields, ...(procedureId && !draft.fields.procedureId ? { procedureId } : {}) },
        };
        await drafts.save(person.id, saved);
        return { update: await wizardCard(person, saved), send: [] };
      }
      case UI_VERBS.saveDraft:
      case UI_VERBS.submitRaise: {
        const draft = await currentDraft(person);
        const submittedFor = typeof data.disputeId === 'string' ? data.disputeId : null;
        if (submittedFor && submittedFor !== draft.draftId) {
          return {
            update: errorCard({ reason: 'wrong-phase', code: 'draft-out-of-date', params: {} }),
            send: [],
          };
        }
        const saved: SavedDraft = {
          ...draft,
          seq: draft.seq + 1,
          fields: fieldsFrom(data, draft.fields),
          savedAt: now(),
        };
        await drafts.save(person.id, saved);
        if (verb === UI_VERBS.saveDraft) return { update: await wizardCard(person, saved), send: [] };
        if (!saved.immediateRiskChecked) {
          return { update: await immediateRiskCard(person, 'ask', saved.fields.procedureId), send: [] };
        }
        const procedure = procedureFor(saved.fields.procedureId) ?? (await defaultProcedure(person));
        const event = raiseEvent(person, {
          ...saved,
          fields: { ...saved.fields, procedureId: procedure.id },
        });
        const errors = fieldErrors(procedure, event);
        // Only a partner the directory knows for this procedure can be routed to (card data is the client's).
        const partners = await partnersFor(person, procedure);
        if (
          !errors.counterpartOrganisationId &&
          !partners.some((p) => p.value === event.counterpartOrganisationId)
        ) {
          errors.counterpartOrganisationId = `Choose one of the partner organisations listed for ${procedure.shortName}.`;
        }
        if (Object.keys(errors).length > 0)
          return { update: await wizardCard(person, saved, errors), send: [] };
        const result = await disputes.apply(saved.draftId, event, { procedureId: procedure.id });
        if (!result.ok) {
          // Not about one field (a directory gap, a raise already made): say so beside the form.
          return {
            update: await wizardCard(person, saved),
            send: [card(errorCard(result.refusal))],
          };
        }
        await drafts.remove(person.id);
        log.info({ disputeId: saved.draftId, procedureId: procedure.id }, 'dispute raised');
        return {
          update: statusCard({
            state: result.state,
            procedure,
            viewerId: person.id,
            now: now(),
            title: 'Dispute raised',
            text: ['Concord has recorded the dispute and will keep you informed here.'],
          }),
          send: [],
        };
      }
    }
    return { send: [card(helpCard())] };
  }

  // ---- dispute steps --------------------------------------------------------------------------

  const str = (data: Readonly<Record<string, unknown>>, key: string): string | undefined => {
    const v = data[key];
    return typeof v === 'string' && v.trim() !== '' ? v : undefined;
  };

  function outcomeActions(data: Readonly<Record<string, unknown>>): AgreedAction[] {
    const out: AgreedAction[] = [];
    for (let n = 1; n <= 30; n += 1) {
      const description = str(data, `action${n}Description`);
      const owner = str(data, `action${n}Owner`);
      const dueDate = str(data, `action${n}Due`);
      if (!description && !owner && !dueDate) {
        if (data[`action${n}Description`] === undefined) break;
        continue;
      }
      out.push({ description: description ?? '', owner: owner ?? '', dueDate: dueDate ?? '' });
    }
    return out;
  }

  /** The event a card verb means, with the acting person and the card's inputs. */
  function eventFor(
    verb: string,
    routeId: string | null,
    by: BotPerson,
    state: DisputeState,
    data: Readonly<Record<string, unknown>>,
  ): DisputeEvent | null {
    const actor = { id: by.id, name: by.name, email: by.email, organisationId: by.organisationId };
    const note = str(data, 'note');
    if (routeId) {
      return {
        type: 'exceptional-referral',
        by: actor,
        routeId,
        reason: str(data, 'reason') ?? `Referred by ${by.name} from the Concord card.`,
      };
    }
    switch (verb) {
      case VERBS.escalate:
      case VERBS.informal:
      case VERBS.accept: {
        const statement: Record<string, string> = {};
        for (const k of ['issue', 'informalAttempts', 'resolutionSought'] as const) {
          if (typeof data[k] === 'string') statement[k] = data[k] as string;
        }
        return {
          type: 'decision',
          by: actor,
          choice: verb,
          ...(verb === VERBS.escalate && Object.keys(statement).length > 0 ? { statement } : {}),
          ...(str(data, 'reason') ? { reason: str(data, 'reason') } : {}),
        };
      }
      case VERBS.agreed:
      case VERBS.notAgreed:
        return { type: 'acknowledged', by: actor, agreed: verb === VERBS.agreed, ...(note ? { note } : {}) };
      case VERBS.chase:
        return { type: 'chase', by: actor, ...(note ? { note } : {}) };
      case VERBS.outcome:
      case VERBS.informalOutcome: {
        const resolved = data.resolved === 'resolved';
        const summary = typeof data.summary === 'string' ? data.summary : '';
        if (state.stage.phase === 'informal-contact')
          return { type: 'informal-outcome', by: actor, resolved, summary };
        const minutes = str(data, 'minutes');
        return {
          type: 'outcome-recorded',
          by: actor,
          resolved,
          summary,
          actions: outcomeActions(data),
          ...(minutes ? { minutes } : {}),
        };
      }
      case VERBS.moveMeeting:
        return { type: 'meeting-move', by: actor, start: str(data, 'start') ?? '' };
      case VERBS.requestMeeting:
        return { type: 'meeting-requested', by: actor };
      case VERBS.resolve:
        return {
          type: 'resolved',
          by: actor,
          summary: str(data, 'summary') ?? `Resolved, authorised by ${by.name}.`,
        };
      case VERBS.close:
        return { type: 'closed', by: actor, ...(note ? { note } : {}) };
      case VERBS.withdraw:
        return {
          type: 'withdrawn',
          by: actor,
          reason: str(data, 'reason') ?? `Withdrawn by ${by.name} from the Concord card.`,
        };
    }
    return null;
  }

  /** Which field a domain refusal about input is about, from the label it starts with. */
  const KIND_FOR_VERB: Partial<Record<string, 'decision' | 'review-reply' | 'meeting' | 'outcome'>> = {
    [VERBS.escalate]: 'decision',
    [VERBS.agreed]: 'review-reply',
    [VERBS.notAgreed]: 'review-reply',
    [VERBS.moveMeeting]: 'meeting',
    [VERBS.outcome]: 'outcome',
    [VERBS.informalOutcome]: 'outcome',
  };

  async function onStepAction(
    person: BotPerson,
    verb: string,
    routeId: string | null,
    data: Readonly<Record<string, unknown>>,
  ): Promise<Outgoing> {
    const disputeId = typeof data.disputeId === 'string' ? data.disputeId : null;
    const state = disputeId ? await disputes.get(disputeId) : null;
    const procedure = state ? procedureFor(state.procedureId) : undefined;
    if (!disputeId || !state || !procedure) {
      return { update: errorCard({ reason: 'not-raised', code: 'not-raised', params: {} }), send: [] };
    }
    const base = { state, procedure, viewerId: person.id, now: now() };
    const cardSeq = typeof data.seq === 'number' ? data.seq : Number(data.seq);
    if (!(await isCurrent(state, cardSeq))) {
      return {
        update: statusCard({
          ...base,
          stale: true,
          title: 'This card is out of date',
          text: ['The dispute has moved on since this card was sent, so it can no longer be used.'],
        }),
        send: [],
      };
    }
    const event = eventFor(verb, routeId, person, state, data);
    if (!event)
      return {
        update: errorCard({ reason: 'invalid-input', code: 'unknown-button', params: {} }, disputeId),
        send: [],
      };
    const result = await disputes.apply(disputeId, event, { expectedSeq: state.seq });
    if (!result.ok) {
      const kind = KIND_FOR_VERB[verb];
      const field = result.refusal.reason === 'invalid-input' ? (result.refusal.field ?? null) : null;
      if (kind && field) {
        // Show the same card again with the message beside the field. The step has not moved.
        const view = {
          disputeId,
          caseReference: state.caseReference,
          procedureName: procedure.name,
          stageName: procedure.stages.find((s) => s.id === state.stage.id)?.name ?? state.stage.id,
          title: 'Please correct the highlighted answer',
          text: [refusalText(result.refusal)],
          due: state.stage.due,
          dueDate: state.stage.dueDate,
          overallDue: state.overallDue,
          overallWorkingDays: procedure.overall?.workingDays ?? null,
          actions: [{ verb, title: 'Try again' }],
          facts: [],
        };
        await cards.rememberStep(disputeId, state.seq, stepKey(state));
        return {
          update: cardForEffect({
            ...base,
            kind,
            intent: { kind: 'retry', verb },
            view,
            errors: { [field]: refusalText(result.refusal) },
          }),
          send: [],
        };
      }
      return { update: errorCard(result.refusal, disputeId), send: [] };
    }
    log.info({ disputeId, verb, seq: result.state.seq }, 'card action applied');
    const done = statusCard({
      ...base,
      state: result.state,
      title: `Done: ${titleOf(verb, routeId)}`,
      text: ['Concord has recorded your choice.'],
    });
    // When the next card takes this step's slot, the card just used turns into this record of it.
    const slotKey = `${disputeId}:step`;
    const slot = await cards.getSlot(slotKey);
    if (slot && slot.stepKey === stepKey(state)) {
      await cards.setSlot(slotKey, { ...slot, readOnlyCard: done, card: undefined, stepKey: undefined });
    }
    return { update: done, send: [] };
  }

  /**
   * Universal Actions refresh of a step card: the viewer's own view. While the step is still the one
   * the card was sent for and it is theirs, the actionable card; otherwise a read-only card that
   * says where the dispute is (and carries no refresh, so the client stops asking).
   */
  async function refreshedStepCard(
    person: BotPerson,
    disputeId: string,
    seq: number,
  ): Promise<AdaptiveCardJson> {
    const state = await disputes.get(disputeId);
    const procedure = state ? procedureFor(state.procedureId) : undefined;
    if (!state || !procedure) return errorCard({ reason: 'not-raised', code: 'not-raised', params: {} });
    const involved = [state.raisedBy, state.owner, state.stage.awaiting, ...state.participants].some(
      (p) => p?.id === person.id,
    );
    if (!involved) return detailCard(person, disputeId);
    const base = { state, procedure, viewerId: person.id, now: now() };
    if (!(await isCurrent(state, seq))) {
      return statusCard({
        ...base,
        stale: true,
        title: 'This card is out of date',
        text: ['The dispute has moved on since this card was sent, so it can no longer be used.'],
      });
    }
    const pending = await pendingStepCard(person, disputeId);
    return pending ?? statusCard({ ...base, title: 'Where this dispute is' });
  }

  /** The step card last delivered to `person` for this dispute, while that step is still theirs. */
  async function pendingStepCard(person: BotPerson, disputeId: string): Promise<AdaptiveCardJson | null> {
    const state = await disputes.get(disputeId);
    if (!state || state.stage.awaiting?.id !== person.id) return null;
    const slot = await cards.getSlot(`${disputeId}:step`);
    if (!slot?.card || slot.personId !== person.id || slot.stepKey !== stepKey(state)) return null;
    return slot.card as AdaptiveCardJson;
  }

  /** Whether a card rendered at `seq` is still for the dispute's current step. */
  async function isCurrent(state: DisputeState, seq: number): Promise<boolean> {
    if (!Number.isInteger(seq)) return false;
    if (seq === state.seq) return true;
    if (seq > state.seq) return false;
    return (await cards.stepAt(state.id, seq)) === stepKey(state);
  }

  // ---- local mode: act as ---------------------------------------------------------------------

  async function actAs(identity: TeamsIdentity, real: BotPerson | null, who: string): Promise<Outgoing> {
    if (!deps.localMode.allowed || !deps.actingAs)
      return { send: [text(deps.localMode.refusal || 'Not available.')] };
    if (!identity.teamsUserId) return { send: [text('Acting as someone else needs a Teams user id.')] };
    const wanted = who.trim().toLowerCase();
    if (wanted === '' || wanted === 'me' || wanted === 'myself') {
      deps.actingAs.set(identity.teamsUserId, null);
      return { send: [text(`You are yourself again${real ? `: ${real.name}` : ''}.`)] };
    }
    const everyone = await people.people();
    const org = real?.organisationId;
    const match =
      everyone.find((p) => p.id === wanted) ??
      everyone.find((p) => p.organisationId === org && p.roles.includes(wanted)) ??
      everyone.find((p) => p.roles.includes(wanted)) ??
      everyone.find((p) => p.name.toLowerCase().startsWith(wanted));
    if (!match) {
      const roles = [...new Set(everyone.flatMap((p) => p.roles))].join(', ');
      return {
        send: [text(`No one in the directory matches "${who}". Try a person id or a role: ${roles}.`)],
      };
    }
    deps.actingAs.set(identity.teamsUserId, match.id);
    return {
      send: [
        text(`Local mode: you are now acting as ${match.name} (${match.id}). Type "act as me" to go back.`),
      ],
    };
  }

  // ---- dispatch -------------------------------------------------------------------------------

  async function handle(incoming: Incoming): Promise<Outgoing> {
    const real = await realPerson(incoming.identity);
    const person = await actingPerson(incoming.identity);
    if (incoming.kind === 'install') return { send: [card(welcomeCard(person, incoming.userName))] };

    if (incoming.kind === 'message') {
      const command = normalise(incoming.text);
      const act = /^act as\s*(.*)$/.exec(command);
      if (act) return actAs(incoming.identity, real, act[1] ?? '');
      if (command === 'help' || command === '?' || command === '') return { send: [card(helpCard())] };
      if (!person) return { send: [card(errorCard(UNKNOWN_PERSON))] };
      if (command === 'whoami' || command === 'who am i')
        return { send: [text(`You are ${person.name} (${person.id}).`)] };
      if (/^(raise|raise a dispute|new dispute|start)$/.test(command))
        return { send: [card(await immediateRiskCard(person, 'ask'))] };
      if (/^(my disputes|disputes|list)$/.test(command))
        return { send: [card(await myDisputesCard(person))] };
      return { send: [text('Sorry, I did not understand that. Here is what I can do.'), card(helpCard())] };
    }

    const parsed = parseVerb(incoming.verb);
    if (parsed.kind === 'ui' && parsed.verb === UI_VERBS.help) return { send: [card(helpCard())] };
    if (!person) return { update: errorCard(UNKNOWN_PERSON), send: [] };
    switch (parsed.kind) {
      case 'ui': {
        if (parsed.verb === UI_VERBS.myDisputes) return { send: [card(await myDisputesCard(person))] };
        if (parsed.verb === UI_VERBS.refresh && incoming.data.view === 'step') {
          const id = typeof incoming.data.disputeId === 'string' ? incoming.data.disputeId : '';
          return { update: await refreshedStepCard(person, id, Number(incoming.data.seq)), send: [] };
        }
        if (parsed.verb === UI_VERBS.openDispute || parsed.verb === UI_VERBS.refresh) {
          const id = typeof incoming.data.disputeId === 'string' ? incoming.data.disputeId : '';
          const detail = await detailCard(person, id);
          if (parsed.verb === UI_VERBS.refresh) return { update: detail, send: [] };
          const pending = await pendingStepCard(person, id);
          return { send: [card(detail), ...(pending ? [card(pending)] : [])] };
        }
        return onRaiseAction(person, parsed.verb, incoming.data);
      }
      case 'domain':
        return onStepAction(person, parsed.verb, null, incoming.data);
      case 'refer':
        return onStepAction(person, parsed.verb, parsed.routeId, incoming.data);
      default:
        return { send: [text('Sorry, that button is not known.'), card(helpCard())] };
    }
  }

  return { handle, realPerson, actingPerson };
}

/** "<at>Concord</at> Raise a dispute!" → "raise a dispute". */
export function normalise(input: string): string {
  return input
    .replace(/<at>[^<]*<\/at>/gi, '')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, '')
    .replace(/\s+/g, ' ');
}

function titleOf(verb: string, routeId: string | null): string {
  if (routeId) return `referred (${routeId})`;
  const titles: Record<string, string> = {
    [VERBS.escalate]: 'raised the next stage',
    [VERBS.informal]: 'raising it informally',
    [VERBS.accept]: 'decision accepted',
    [VERBS.agreed]: 'marked agreed',
    [VERBS.notAgreed]: 'marked not agreed',
    [VERBS.chase]: 'chased',
    [VERBS.outcome]: 'outcome recorded',
    [VERBS.informalOutcome]: 'outcome recorded',
    [VERBS.moveMeeting]: 'meeting moved',
    [VERBS.requestMeeting]: 'meeting requested',
    [VERBS.resolve]: 'resolved',
    [VERBS.close]: 'record closed',
    [VERBS.withdraw]: 'withdrawn',
  };
  return titles[verb] ?? verb;
}
