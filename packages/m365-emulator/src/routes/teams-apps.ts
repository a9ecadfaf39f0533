/**
 * Teams apps: the tenant catalog (GET /appCatalogs/teamsApps?$filter=externalId eq '…') and per-user
 * installation (GET|POST /users/{id}/teamwork/installedApps, GET|DELETE …/{id}, GET …/{id}/chat),
 * which is how a bot reaches someone who never chatted with it.
 */
import { createHash } from 'node:crypto';
import { GraphError, notFound } from '../graph-error.ts';
import { type Json, orderAndPage } from '../odata.ts';
import { type Route, type RouteContext, route } from '../router.ts';
import type { CatalogApp, InstalledApp, Mailbox } from '../state.ts';
import { collection, entity, mailboxOf, objectBody } from './common.ts';

const catalogJson = (app: CatalogApp): Json => ({
  id: app.id,
  externalId: app.externalId,
  displayName: app.displayName,
  distributionMethod: 'organization',
});

const definitionJson = (app: CatalogApp): Json => ({
  id: Buffer.from(`${app.id}##${app.version}`).toString('base64'),
  teamsAppId: app.id,
  displayName: app.displayName,
  version: app.version,
  externalId: app.externalId,
});

function installedJson(ctx: RouteContext, installed: InstalledApp): Json {
  const app = ctx.services.state.catalog.get(installed.teamsAppId);
  const expand = ctx.query().expand.map((e) => e.name.toLowerCase());
  const out: Json = { id: installed.id };
  if (app && expand.includes('teamsapp')) out.teamsApp = catalogJson(app);
  if (app && expand.includes('teamsappdefinition')) out.teamsAppDefinition = definitionJson(app);
  return out;
}

function installed(ctx: RouteContext, mailbox: Mailbox): InstalledApp {
  const app = mailbox.installedApps.get(ctx.params.id ?? '');
  if (!app) throw notFound('The requested app installation was not found.', 'NotFound');
  return app;
}

export const teamsAppRoutes: Route[] = [
  route('GET', 'appCatalogs/teamsApps', (ctx) => {
    const apps = [...ctx.services.state.catalog.values()].map(catalogJson);
    const { page } = orderAndPage(apps, ctx.query(), 100);
    return collection(ctx, 'appCatalogs/teamsApps', page);
  }),
  route('GET', 'users/:user/teamwork/installedApps', (ctx) => {
    const mailbox = mailboxOf(ctx);
    // Filters such as teamsApp/externalId eq '…' need the expanded shape to evaluate against.
    const full = [...mailbox.installedApps.values()].map((i) => {
      const app = ctx.services.state.catalog.get(i.teamsAppId);
      return {
        id: i.id,
        ...(app ? { teamsApp: catalogJson(app), teamsAppDefinition: definitionJson(app) } : {}),
      };
    });
    const { page } = orderAndPage(full, ctx.query(), 100);
    const byId = new Map([...mailbox.installedApps.values()].map((i) => [i.id, i]));
    return collection(
      ctx,
      `users('${mailbox.id}')/teamwork/installedApps`,
      page.map((p) => installedJson(ctx, byId.get(String(p.id)) as InstalledApp)),
    );
  }),
  route('POST', 'users/:user/teamwork/installedApps', (ctx) => {
    const mailbox = mailboxOf(ctx);
    const body = objectBody(ctx);
    const bind = body['teamsApp@odata.bind'];
    const unknownKey = Object.keys(body).find(
      (k) => k !== 'teamsApp@odata.bind' && k !== 'consentedPermissionSet',
    );
    if (unknownKey)
      throw new GraphError(
        400,
        'BadRequest',
        `The property '${unknownKey}' does not exist on type 'microsoft.graph.userScopeTeamsAppInstallation'.`,
      );
    if (typeof bind !== 'string')
      throw new GraphError(400, 'BadRequest', "'teamsApp@odata.bind' is required.");
    const appId = decodeURIComponent(/teamsApps(?:\/|\(')([^/')]+)/i.exec(bind)?.[1] ?? '');
    const app = ctx.services.state.catalog.get(appId);
    if (!app) throw notFound(`App with id '${appId}' was not found in the app catalog.`, 'NotFound');
    // Microsoft documents no body for this refusal; 403 is what an app permission policy that blocks
    // the app for the user answers (the installation is refused, nothing is installed).
    const blocked = app.blockedFor ?? [];
    if (blocked.includes(mailbox.email.toLowerCase()) || blocked.includes(mailbox.id.toLowerCase()))
      throw new GraphError(
        403,
        'Forbidden',
        "The app is blocked for this user by the tenant's Teams app permission policy.",
      );
    for (const existing of mailbox.installedApps.values())
      if (existing.teamsAppId === app.id) throw new GraphError(409, 'Conflict', 'App is already installed.');
    const id = Buffer.from(`${mailbox.id}##${app.id}`).toString('base64');
    mailbox.installedApps.set(id, {
      id,
      teamsAppId: app.id,
      installedAt: ctx.services.state.clock.now().toISOString(),
    });
    return { status: 201 };
  }),
  route('GET', 'users/:user/teamwork/installedApps/:id', (ctx) => {
    const mailbox = mailboxOf(ctx);
    return entity(
      ctx,
      `users('${mailbox.id}')/teamwork/installedApps/$entity`,
      installedJson(ctx, installed(ctx, mailbox)),
    );
  }),
  route('DELETE', 'users/:user/teamwork/installedApps/:id', (ctx) => {
    const mailbox = mailboxOf(ctx);
    mailbox.installedApps.delete(installed(ctx, mailbox).id);
    return { status: 204 };
  }),
  route('GET', 'users/:user/teamwork/installedApps/:id/chat', (ctx) => {
    const mailbox = mailboxOf(ctx);
    const app = installed(ctx, mailbox);
    const hash = createHash('sha1').update(`${mailbox.id}:${app.teamsAppId}`).digest('hex').slice(0, 24);
    return entity(ctx, 'chats/$entity', {
      id: `19:${mailbox.id}_${hash}@unq.gbl.spaces`,
      chatType: 'oneOnOne',
      createdDateTime: app.installedAt,
      tenantId: mailbox.tenantId,
    });
  }),
];
