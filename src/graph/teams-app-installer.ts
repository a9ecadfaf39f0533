/**
 * Installing Concord's Teams app for a person inside the host tenant, and finding the one-to-one
 * chat between the person and the bot, so the bot can message someone who has never chatted with it.
 *
 * Two ids name the app. The manifest's `id` (TEAMS_APP_ID, used to build the package) is the
 * catalog entry's `externalId`; the catalog generates its own `teamsApp.id` on upload. Concord keeps
 * the manifest id and resolves the catalog id at run time
 * (`GET /appCatalogs/teamsApps?$filter=externalId eq '{manifest id}'`), once.
 *
 * - `ensureInstalled`: finds the installation (`…/teamwork/installedApps?$expand=teamsApp&$filter=
 *   teamsApp/externalId eq '{manifest id}'`), else installs it (`POST …/installedApps` bound to the
 *   catalog id). Idempotent: already installed (found, or 409) counts as done.
 * - `chatOf`: `GET …/installedApps/{installation id}/chat`, the chat the bot can message at once,
 *   also when a setup policy installed the app and the person never opened it.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { filterParam, odataString, userPath } from './ids.ts';

export interface TeamsAppInstallation {
  readonly outcome: 'installed' | 'already-installed';
  /** The userScopeTeamsAppInstallation id. */
  readonly installationId: string;
}

export interface TeamsAppInstaller {
  ensureInstalled(user: string): Promise<TeamsAppInstallation>;
  /** The one-to-one chat between the user and the bot (`19:…@unq.gbl.spaces`). */
  chatOf(user: string, installationId: string): Promise<string>;
  /** The app's id in the tenant catalog, resolved from the manifest id. */
  catalogId(): Promise<string>;
}

export function createTeamsAppInstaller(options: {
  readonly client: Client;
  /** The manifest's `id` (TEAMS_APP_ID): the catalog entry's `externalId`. */
  readonly manifestId: string;
  readonly graphBaseUrl: string;
}): TeamsAppInstaller {
  const { client, manifestId } = options;
  let resolved: string | undefined;

  async function catalogId(): Promise<string> {
    if (resolved) return resolved;
    const found = (await client
      .api('/appCatalogs/teamsApps')
      .filter(filterParam(`externalId eq ${odataString(manifestId)}`))
      .get()) as { value?: { id: string }[] };
    const id = found.value?.[0]?.id;
    if (!id)
      throw new Error(
        `the Teams app ${manifestId} is not in the tenant app catalog; upload the package (npm run package) first`,
      );
    resolved = id;
    return id;
  }

  async function findInstallation(path: string): Promise<string | undefined> {
    const existing = (await client
      .api(path)
      .expand('teamsApp')
      .filter(filterParam(`teamsApp/externalId eq ${odataString(manifestId)}`))
      .get()) as { value?: { id: string }[] };
    return existing.value?.[0]?.id;
  }

  return {
    catalogId,
    async ensureInstalled(user) {
      const path = `${userPath(user)}/teamwork/installedApps`;
      const existing = await findInstallation(path);
      if (existing) return { outcome: 'already-installed', installationId: existing };
      const bind = `${options.graphBaseUrl.replace(/\/+$/, '')}/appCatalogs/teamsApps/${encodeURIComponent(await catalogId())}`;
      let outcome: TeamsAppInstallation['outcome'] = 'installed';
      try {
        await client.api(path).post({ 'teamsApp@odata.bind': bind });
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 409) throw error;
        outcome = 'already-installed';
      }
      // The POST answers 201 with no body: the installation's id comes from the list.
      const installationId = await findInstallation(path);
      if (!installationId)
        throw new Error(`the Teams app installation for ${user} was not found after installing`);
      return { outcome, installationId };
    },
    async chatOf(user, installationId) {
      const chat = (await client
        .api(`${userPath(user)}/teamwork/installedApps/${encodeURIComponent(installationId)}/chat`)
        .select('id')
        .get()) as { id: string };
      return chat.id;
    },
  };
}
