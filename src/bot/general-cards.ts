/**
 * The cards that are not a dispute step: welcome, help, an error, "my disputes" and a dispute's
 * detail (shown only to the people taking part in it).
 */

import {
  type AdaptiveCardJson,
  disputeDetailModel,
  errorFromRefusal,
  renderCard,
  summaryOf,
} from '../cards/index.ts';
import { anytimeNotesFor } from '../domain/dispute/anytime-notes.ts';
import { bypassFor } from '../domain/dispute/bypass-offer.ts';
import type { PersonRef, Refusal } from '../domain/dispute/types.ts';
import { type BotContext, isParty, NO_SUCH_DISPUTE, NOT_YOURS } from './context.ts';
import type { BotPerson } from './ports.ts';
import { viewerOf } from './step-cards.ts';

export function welcomeCard(person: BotPerson | null, userName?: string | null): AdaptiveCardJson {
  // The directory's display name, whole: a display name may be a role ("Allocated Social Worker,
  // Gateshead"), so its first word is not a first name.
  const name = (person?.name ?? userName ?? '').trim();
  return renderCard('welcome', { userName: name || null });
}

export function helpCard(ctx: BotContext): AdaptiveCardJson {
  return renderCard('help', {
    procedures: [...ctx.procedures.values()].map((p) => ({
      shortName: p.shortName,
      name: p.name,
      overallWorkingDays: p.overall?.workingDays ?? null,
    })),
  });
}

export function errorCard(refusal: Refusal, disputeId: string | null = null): AdaptiveCardJson {
  return renderCard('error', errorFromRefusal(refusal, disputeId));
}

/**
 * What a person who does not take part in a dispute is told about it: that it is not theirs and
 * nothing else (no case reference, procedure, stage, phase or dates, not even a way to open it).
 */
export function notYoursCard(): AdaptiveCardJson {
  return errorCard(NOT_YOURS);
}

export async function myDisputesCard(ctx: BotContext, person: BotPerson): Promise<AdaptiveCardJson> {
  const list = await ctx.disputes.listFor(person.id);
  return renderCard('my-disputes', {
    now: ctx.now(),
    viewer: viewerOf(person.id),
    disputes: list.flatMap((s) => {
      const p = ctx.procedureFor(s.procedureId);
      return p ? [summaryOf(s, p)] : [];
    }),
  });
}

/** A bot person as the dispute names them. */
const personRefOf = (p: BotPerson): PersonRef => ({
  id: p.id,
  name: p.name,
  email: p.email,
  organisationId: p.organisationId,
});

export async function detailCard(
  ctx: BotContext,
  person: BotPerson,
  disputeId: string,
): Promise<AdaptiveCardJson> {
  const state = await ctx.disputes.get(disputeId);
  const procedure = state ? ctx.procedureFor(state.procedureId) : undefined;
  if (!state || !procedure) return errorCard(NO_SUCH_DISPUTE);
  // Case content is for the people taking part, not for anyone who learns a dispute id.
  if (!isParty(state, person.id)) return notYoursCard();
  const partner = await ctx.people.organisation(state.counterpartOrganisationId);
  const resolver = await ctx.disputes.resolverFor(disputeId);
  return renderCard(
    'dispute-detail',
    disputeDetailModel({
      state,
      procedure,
      records: await ctx.disputes.records(disputeId),
      partnerOrganisation: partner?.name ?? state.counterpartOrganisationId,
      now: ctx.now(),
      viewer: viewerOf(person.id),
      notes: resolver ? anytimeNotesFor({ state, procedure, person: personRefOf(person), resolver }) : [],
      bypass: resolver ? bypassFor({ state, procedure, person: personRefOf(person), resolver }) : null,
    }),
  );
}
