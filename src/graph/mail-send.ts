/**
 * Sending a draft `mail.ts` made (`POST …/send`), and tagging a reply draft then sending it in one
 * sequential `$batch` (the send only once the tag is on; neither the send nor the batch is sent again
 * after a 504, which can come after Exchange accepted it).
 *
 * It remembers the drafts whose last `send` Graph refused outright (429, 503 or 401, answered before
 * Exchange acts): nothing of those can be on its way, so `mail.ts` sends them again at once instead
 * of waiting the settle time.
 */
import { type Client, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { type BatchResponse, type GraphBatch, sequence } from './batch.ts';
import { GraphStatusError } from './errors.ts';
import { IMMUTABLE_IDS, userPath } from './ids.ts';

const PREFER = { Prefer: IMMUTABLE_IDS };
/** Answers Graph gives before Exchange acts on a `send`: nothing of that send is on its way. */
const SEND_REFUSED = new Set([401, 429, 503]);
/** How many refused sends are remembered (the oldest are forgotten: they then wait the settle time). */
const REFUSED_SENDS_KEPT = 1000;
/**
 * `send` is retried in-process on 429 and 503 (refused before Exchange acted) but not on 504: a
 * gateway timeout can come after the send was accepted, and sending the draft again would be a
 * second email. The outbox's retry, which looks before it sends, takes a 504 instead.
 */
const SEND_RETRY = new RetryHandlerOptions(
  3,
  3,
  (_delay, _attempt, _request, _options, response) => response.status !== 504,
);

/** Creating a draft: retried in-process on 429 and 503, not on 504 (the draft may exist). */
export const CREATE_RETRY = new RetryHandlerOptions(
  3,
  3,
  (_delay, _attempt, _request, _options, response) => response.status !== 504,
);

/**
 * `send` inside a batch as on its own (`SEND_RETRY`): retried on 429 and 503, never on 504 (it may
 * have been accepted), 4 attempts at most; then the outbox's retry, which looks first, takes it.
 */
const SEND_RETRY_ON: ReadonlySet<number> = new Set([429, 503]);
const SEND_ATTEMPTS = 4;

export interface DraftSender {
  sendDraft(mailbox: string, draftId: string): Promise<void>;
  /** Tags a reply draft (PATCH `tags`) and sends it. */
  tagAndSend(mailbox: string, draftId: string, tags: unknown): Promise<void>;
  /** Whether this draft's last send was refused before Exchange acted. */
  wasRefused(mailbox: string, draftId: string): boolean;
}

export function createDraftSender(options: {
  readonly client: Client;
  /** With a batch, the tag and the send go in one sequential `$batch`. */
  readonly batch?: GraphBatch | undefined;
}): DraftSender {
  const { client } = options;

  /** Drafts (by mailbox and id) whose last `send` was refused before Exchange acted. */
  const refusedSends = new Set<string>();
  const draftKey = (mailbox: string, id: string) => `${mailbox}\n${id}`;
  function noteSend(mailbox: string, id: string, status: number | undefined) {
    const k = draftKey(mailbox, id);
    refusedSends.delete(k);
    if (status === undefined || !SEND_REFUSED.has(status)) return;
    refusedSends.add(k);
    if (refusedSends.size > REFUSED_SENDS_KEPT)
      refusedSends.delete(refusedSends.values().next().value as string);
  }

  /**
   * Tags a reply draft and sends it: one sequential `$batch` when there is a batch (the send runs only
   * after the tag is on, is retried on 429 and 503 but never after a 504, and the batch itself is not
   * sent again after a 504), else a PATCH and a send.
   */
  async function tagAndSend(mailbox: string, draftId: string, tags: unknown): Promise<void> {
    const item = `${userPath(mailbox)}/messages/${encodeURIComponent(draftId)}`;
    if (!options.batch) {
      await client.api(item).headers(PREFER).patch(tags);
      await sendDraft(mailbox, draftId);
      return;
    }
    const answers = await options.batch.run(
      sequence([
        { id: 'tag', method: 'PATCH', url: item, body: tags, headers: PREFER },
        {
          id: 'send',
          method: 'POST',
          url: `${item}/send`,
          body: {},
          headers: PREFER,
          retryOn: SEND_RETRY_ON,
          maxAttempts: SEND_ATTEMPTS,
        },
      ]),
      { retryGatewayTimeout: false },
    );
    const tag = answers.get('tag');
    if (!tag || tag.status >= 400) throw statusError(tag, 'tagging the reply draft failed');
    const send = answers.get('send');
    // 424: the tag's first attempt failed and was retried alone; the send has not run.
    if (send?.status === 424) await sendDraft(mailbox, draftId);
    else {
      noteSend(mailbox, draftId, send?.status);
      if (!send || send.status >= 400) throw statusError(send, 'sending the reply failed');
    }
  }

  async function sendDraft(mailbox: string, draftId: string) {
    try {
      await client
        .api(`${userPath(mailbox)}/messages/${encodeURIComponent(draftId)}/send`)
        .headers(PREFER)
        .middlewareOptions([SEND_RETRY])
        .post({});
      noteSend(mailbox, draftId, 202);
    } catch (error) {
      const status = (error as { statusCode?: unknown }).statusCode;
      noteSend(mailbox, draftId, typeof status === 'number' ? status : undefined);
      throw error;
    }
  }

  return {
    sendDraft,
    tagAndSend,
    wasRefused: (mailbox, draftId) => refusedSends.has(draftKey(mailbox, draftId)),
  };
}

function statusError(response: BatchResponse | undefined, what: string): GraphStatusError {
  const error = (response?.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return new GraphStatusError(
    response?.status ?? 502,
    error?.code ?? null,
    `${what}: ${error?.message ?? 'no answer in the batch'}`,
    response?.headers as Record<string, string> | undefined,
  );
}
