/**
 * How a card reaches a person who has no conversation with the bot yet (the bot's
 * `ConversationOpener`), one way per deployment: the Agents Playground's chat in local mode, the
 * Teams app installed through Graph in the cloud, or waiting until the person opens a chat.
 */
import type { ConversationOpener, ConversationRefStore, PeopleDirectory } from '../bot/ports.ts';
import type { TeamsAppInstaller } from '../graph/teams-app-installer.ts';

/**
 * Local mode: every host-tenant person's cards go to the Agents Playground's personal chat (the
 * conversation of whoever the Playground user, `user-id-0`, is in the directory), since the
 * Playground has one signed-in user. The person then clicks them after "act as <role>".
 */
export function playgroundOpener(deps: {
  refs: ConversationRefStore;
  people: PeopleDirectory;
}): ConversationOpener {
  return {
    async open(person) {
      const playgroundUser = await deps.people.byTeamsIdentity({ teamsUserId: 'user-id-0' });
      const reference = playgroundUser ? await deps.refs.get(playgroundUser.id) : null;
      if (!reference) return { ok: false, error: 'the Agents Playground has not opened the chat yet' };
      await deps.refs.save({ personId: person.id, aadObjectId: null, reference });
      return { ok: true };
    },
  };
}

/**
 * Teams' global endpoint for a bot's first proactive message when no activity has told it the
 * tenant's regional one (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages).
 */
export const TEAMS_GLOBAL_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

/**
 * In the cloud: install Concord's Teams app for the person through Graph (or find it installed, as a
 * setup policy leaves it), then fetch the one-to-one chat of that installation and keep it as the
 * person's conversation, so the card goes at once, also to someone who never opened the app. The
 * reference is replaced by the one Teams sends with the person's first activity.
 */
export function openByInstallingTheApp(
  appInstaller: TeamsAppInstaller,
  bot: { readonly id: string; readonly tenantId: string | null; readonly serviceUrl?: string | undefined },
) {
  return (deps: { refs: ConversationRefStore }): ConversationOpener => ({
    async open(person) {
      let installationId: string;
      try {
        ({ installationId } = await appInstaller.ensureInstalled(person.email));
      } catch (error) {
        // 403: the tenant refuses the install (an app permission policy blocks Concord for the
        // person, or the install permission is not consented). Retrying cannot help until someone
        // acts, so the card is set aside at once and its owner told who to ask.
        if ((error as { statusCode?: number }).statusCode !== 403) throw error;
        return {
          ok: false,
          retryable: false,
          error: 'installing the Teams app was refused (403)',
          notice: `Concord could not reach ${person.name} in Teams: Concord is not installed for them, and your organisation's Teams settings do not let Concord install it. Ask ${person.name} to add Concord in Teams (Apps, then search for Concord), or ask your Teams administrator to allow Concord for them. Then your administrator can send the card again (concord parked --retry).`,
        };
      }
      const chatId = await appInstaller.chatOf(person.email, installationId);
      await deps.refs.save({
        personId: person.id,
        aadObjectId: null,
        reference: {
          channelId: 'msteams',
          serviceUrl: bot.serviceUrl ?? TEAMS_GLOBAL_SERVICE_URL,
          bot: { id: `28:${bot.id}` },
          conversation: {
            id: chatId,
            conversationType: 'personal',
            ...(bot.tenantId ? { tenantId: bot.tenantId } : {}),
          },
        },
      });
      return { ok: true };
    },
  });
}

/** Without an app installer: wait (retryable) until the person opens a chat with the bot. */
export function waitForConversation(): ConversationOpener {
  return { open: async () => ({ ok: false, error: 'no Teams app installer is configured' }) };
}
