/**
 * Users: GET /users, /users/{id | userPrincipalName}, /users/{id}/manager, with $select, $filter, $top
 * and `$expand=manager($levels=max;$select=…)`. Only the caller's tenant is visible.
 */
import { notFound } from '../graph-error.ts';
import { applySelect, type ExpandItem, type Json, orderAndPage } from '../odata.ts';
import { type RouteContext, route } from '../router.ts';
import type { EmulatorState, Mailbox } from '../state.ts';
import { collection, entity, userOf } from './common.ts';

const DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

/** Every property the emulator knows for a user; $select picks from these. */
export function userJson(mailbox: Mailbox): Json {
  return {
    id: mailbox.id,
    businessPhones: [],
    displayName: mailbox.displayName,
    givenName: null,
    jobTitle: mailbox.jobTitle ?? null,
    mail: mailbox.mail ?? mailbox.email,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-GB',
    surname: null,
    userPrincipalName: mailbox.email,
    accountEnabled: true,
    companyName: mailbox.companyName ?? null,
    department: null,
    mailNickname: mailbox.email.slice(0, mailbox.email.indexOf('@')),
    userType: 'Member',
    usageLocation: 'GB',
  };
}

function renderUser(
  state: EmulatorState,
  mailbox: Mailbox,
  select: readonly string[] | undefined,
  expand: readonly ExpandItem[],
): Json {
  const full = userJson(mailbox);
  const out = select?.length
    ? applySelect(full, select)
    : Object.fromEntries(DEFAULT_PROPERTIES.map((k) => [k, full[k]]));
  const managerExpand = expand.find((e) => e.name.toLowerCase() === 'manager');
  if (managerExpand) {
    const levels = managerExpand.options.levels;
    const max =
      levels === undefined ? 1 : levels.toLowerCase() === 'max' ? Number.POSITIVE_INFINITY : Number(levels);
    const nestedSelect = managerExpand.options.select?.split(',').map((s) => s.trim());
    const chain = (m: Mailbox, depth: number, seen: Set<string>): Json | undefined => {
      const manager = m.managerId ? state.mailboxes.get(m.managerId) : undefined;
      if (!manager || seen.has(manager.id)) return undefined;
      const json: Json = {
        '@odata.type': '#microsoft.graph.user',
        ...(nestedSelect ? applySelect(userJson(manager), nestedSelect) : userJson(manager)),
      };
      if (depth + 1 < max) {
        const next = chain(manager, depth + 1, new Set(seen).add(manager.id));
        if (next) json.manager = next;
      }
      return json;
    };
    const manager = chain(mailbox, 0, new Set([mailbox.id]));
    if (manager) out.manager = manager;
  }
  return out;
}

export const userRoutes = [
  route('GET', 'users', (ctx: RouteContext) => {
    const q = ctx.query();
    const { state } = ctx.services;
    const all = state.listMailboxes().filter((m) => m.tenantId === ctx.claims.tid);
    const { page, more, nextSkip } = orderAndPage(
      all.map((m) => ({ ...userJson(m), __mailbox: m.id })),
      { ...q, select: undefined } as typeof q,
      q.top ?? 100,
    );
    const rendered = page.map((u) =>
      renderUser(state, state.mailboxes.get(String(u.__mailbox)) as Mailbox, q.select, q.expand),
    );
    return collection(ctx, 'users', rendered, more ? { skip: nextSkip } : undefined);
  }),
  route('GET', 'users/:user', (ctx) => {
    const q = ctx.query();
    return entity(ctx, 'users/$entity', renderUser(ctx.services.state, userOf(ctx), q.select, q.expand));
  }),
  route('GET', 'users/:user/manager', (ctx) => {
    const mailbox = userOf(ctx);
    const manager = mailbox.managerId ? ctx.services.state.mailboxes.get(mailbox.managerId) : undefined;
    if (!manager)
      throw notFound(
        "Resource 'manager' does not exist or one of its queried reference-property objects are not present.",
        'Request_ResourceNotFound',
      );
    const q = ctx.query();
    return entity(ctx, 'directoryObjects/$entity', {
      '@odata.type': '#microsoft.graph.user',
      ...renderUser(ctx.services.state, manager, q.select, q.expand),
    });
  }),
];
