/**
 * What a person may raise: their organisation's procedures that have at least one partner
 * organisation in the directory, each with those partners. A partner is another organisation using
 * the procedure that is not an independent body (a safeguarding board, an independent chair's
 * office, CAFCASS: they are reached through the procedure's stages and routes, never raised
 * against). A procedure without a partner is never offered (its partner list would be empty), and
 * when none is left Concord says so plainly.
 */
import type { Option } from '../cards/view-models.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import type { BotContext } from './context.ts';
import type { BotOrganisation, BotPerson } from './ports.ts';

export interface RaiseOption {
  readonly procedure: ProcedureDefinition;
  /** The partner organisations the directory knows for this procedure; never empty. */
  readonly partners: readonly Option[];
}

/** Organisations a person in `organisationId` can raise against under `procedureId`. */
function partnersFor(
  orgs: readonly BotOrganisation[],
  organisationId: string,
  procedureId: string,
): Option[] {
  return orgs
    .filter(
      (o) =>
        o.id !== organisationId &&
        !o.independent &&
        (o.procedures.length === 0 || o.procedures.includes(procedureId)),
    )
    .map((o) => ({ value: o.id, title: o.name }));
}

/** The procedures `person` can raise under, in their organisation's order. */
export async function raiseOptions(ctx: BotContext, person: BotPerson): Promise<readonly RaiseOption[]> {
  const org = await ctx.people.organisation(person.organisationId);
  const orgs = await ctx.people.organisations();
  return (org?.procedures ?? []).flatMap((id) => {
    const procedure = ctx.procedures.get(id);
    const partners = procedure ? partnersFor(orgs, person.organisationId, procedure.id) : [];
    return procedure && partners.length > 0 ? [{ procedure, partners }] : [];
  });
}

/** The option for `procedureId`, when it is one of `options`. */
export function optionFor(
  options: readonly RaiseOption[],
  procedureId: string | undefined,
): RaiseOption | undefined {
  return procedureId ? options.find((o) => o.procedure.id === procedureId) : undefined;
}

/** What Concord says when the person has no procedure to raise under. */
export async function nothingToRaise(ctx: BotContext, person: BotPerson): Promise<string> {
  const org = await ctx.people.organisation(person.organisationId);
  const names = (org?.procedures ?? []).map((id) => ctx.procedures.get(id)?.shortName ?? id);
  const under = names.length > 0 ? ` under ${names.join(', ')}` : '';
  return `Concord cannot raise a dispute for you yet: the partnership directory lists no partner organisation you could raise one with${under}. Ask your Concord administrator to add the partner organisations to the directory. If anyone is at immediate risk, do not wait: contact the emergency services (999) or your local safeguarding team now.`;
}
