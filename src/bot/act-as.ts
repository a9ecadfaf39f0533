/**
 * Local mode's "act as": the Agents Playground has one user, so they choose which directory person
 * to play ("act as team-manager", "act as me"). Never available in the cloud or with
 * NODE_ENV=production; there the actor is always the authenticated Teams user's directory person.
 */
import { type BotContext, type LocalModePolicy, type Outgoing, text } from './context.ts';
import type { BotPerson, TeamsIdentity } from './ports.ts';

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

/** The directory person Teams says this is (before any local "act as"). */
export function realPerson(ctx: BotContext, identity: TeamsIdentity): Promise<BotPerson | null> {
  return ctx.people.byTeamsIdentity(identity);
}

/** The person acting: the real person, or in local mode whoever they chose to act as. */
export async function actingPerson(ctx: BotContext, identity: TeamsIdentity): Promise<BotPerson | null> {
  if (ctx.localMode.allowed && ctx.actingAs && identity.teamsUserId) {
    const chosen = ctx.actingAs.get(identity.teamsUserId);
    if (chosen) {
      const person = await ctx.people.person(chosen);
      if (person) return person;
    }
  }
  return realPerson(ctx, identity);
}

/** "act as <who>": a person id, a role (in the real person's organisation first) or a name's start. */
export async function actAs(
  ctx: BotContext,
  identity: TeamsIdentity,
  real: BotPerson | null,
  who: string,
): Promise<Outgoing> {
  if (!ctx.localMode.allowed || !ctx.actingAs)
    return { send: [text(ctx.localMode.refusal || 'Not available.')] };
  if (!identity.teamsUserId) return { send: [text('Acting as someone else needs a Teams user id.')] };
  const wanted = who.trim().toLowerCase();
  if (wanted === '' || wanted === 'me' || wanted === 'myself') {
    ctx.actingAs.set(identity.teamsUserId, null);
    return { send: [text(`You are yourself again${real ? `: ${real.name}` : ''}.`)] };
  }
  const everyone = await ctx.people.people();
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
  ctx.actingAs.set(identity.teamsUserId, match.id);
  return {
    send: [
      text(`Local mode: you are now acting as ${match.name} (${match.id}). Type "act as me" to go back.`),
    ],
  };
}
