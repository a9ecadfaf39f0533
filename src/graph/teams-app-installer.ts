/**
 * Installing Concord's Teams app for a person inside the host tenant, so the bot can message someone
 * who has never chatted with it (Graph: `POST /users/{id}/teamwork/installedApps`). Installing makes
 * Teams send the bot a conversationUpdate, from which the bot stores the conversation reference.
 * The composition root wires it into the bot's `ConversationOpener` (src/bot/ports.ts) for people
 * with no stored conversation reference.
 *
 * Idempotent: an app already installed (409, or found in the list) counts as done.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { filterParam, odataString, userPath } from './ids.ts';

export interface TeamsAppInstaller {
  /** `teamsAppId` is the app's id in the tenant app catalog (not the manifest id). */
  ensureInstalled(user: string): Promise<'installed' | 'already-installed'>;
}

export function createTeamsAppInstaller(options: {
  readonly client: Client;
  readonly teamsAppId: string;
  readonly graphBaseUrl: string;
}): TeamsAppInstaller {
  const { client, teamsAppId } = options;
  const bind = `${options.graphBaseUrl.replace(/\/+$/, '')}/appCatalogs/teamsApps/${encodeURIComponent(teamsAppId)}`;
  return {
    async ensureInstalled(user) {
      const path = `${userPath(user)}/teamwork/installedApps`;
      const existing = (await client
        .api(path)
        .expand('teamsApp')
        .filter(filterParam(`teamsApp/id eq ${odataString(teamsAppId)}`))
        .get()) as { value?: unknown[] };
      if ((existing.value ?? []).length > 0) return 'already-installed';
      try {
        await client.api(path).post({ 'teamsApp@odata.bind': bind });
        return 'installed';
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 409) return 'already-installed';
        throw error;
      }
    },
  };
}
