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
 * In the cloud: install Concord's Teams app for the person through Graph. Teams then sends the bot a
 * conversationUpdate, which stores their conversation reference; until it arrives the delivery is
 * reported as not yet possible, so the outbox retries it.
 */
export function openByInstallingTheApp(appInstaller: TeamsAppInstaller) {
  return (): ConversationOpener => ({
    async open(person) {
      const outcome = await appInstaller.ensureInstalled(person.email);
      return { ok: false, error: `Teams app ${outcome}; waiting for Teams to open the chat` };
    },
  });
}

/** Without an app installer: wait (retryable) until the person opens a chat with the bot. */
export function waitForConversation(): ConversationOpener {
  return { open: async () => ({ ok: false, error: 'no Teams app installer is configured' }) };
}
