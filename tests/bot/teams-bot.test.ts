/**
 * The turn handler when the Bot Connector refuses a reply (src/bot/teams-bot.ts). A reply is sent
 * after the turn's work is done; Teams can refuse it (413 when too large, 429 when throttled, 5xx).
 * The person must be told that what they did is done and where to see it, never the turn-error
 * apology ("may not have been saved"), which would send them to do it twice. Anything that is not the
 * Connector answering still goes to the adapter's turn error.
 */
import { type Activity, ActivityTypes, type TurnContext } from 'botbuilder';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPLY_NOT_DELIVERED, REPLY_TOO_LARGE } from '../../src/bot/teams-bot.ts';
import { cardOf, createHarness, type Harness, openWizard } from './harness.ts';

let h: Harness;
/** Messages to refuse next, with the status and code the Connector answers. */
let refusals: { status: number; code: string }[] = [];
/** An error that is not the Connector's, thrown on the next message. */
let breakNext: Error | null = null;

beforeAll(async () => {
  h = await createHarness();
  const send = h.adapter.sendActivities.bind(h.adapter);
  h.adapter.sendActivities = async (context: TurnContext, activities: Partial<Activity>[]) => {
    if (activities.some((a) => a.type === ActivityTypes.Message)) {
      if (breakNext) {
        const error = breakNext;
        breakNext = null;
        throw error;
      }
      const refusal = refusals.shift();
      if (refusal)
        // As botframework-connector throws it: a RestError with the HTTP status and Teams' code.
        throw Object.assign(new Error(refusal.code), { statusCode: refusal.status, code: refusal.code });
    }
    return send(context, activities);
  };
});
beforeEach(async () => {
  await h.reset();
  refusals = [];
  breakNext = null;
});
afterAll(async () => {
  await h.close();
});

const texts = (sent: readonly Partial<Activity>[]) =>
  sent.filter((a) => a.type === ActivityTypes.Message && a.text).map((a) => a.text);

describe('a reply the Bot Connector refuses', () => {
  it('as too large (413): the person is told it is done and where to see it, and nothing else', async () => {
    refusals = [{ status: 413, code: 'MessageSizeTooBig' }];
    const sent = await h.say('practitioner', 'my disputes');
    expect(texts(sent)).toEqual([REPLY_TOO_LARGE]);
    expect(cardOf(sent)).toBeNull();
    expect(REPLY_TOO_LARGE).not.toMatch(/may not have been saved/);
  });

  it('throttled or unavailable (429, 503): told it is done, with what to type', async () => {
    for (const refusal of [
      { status: 429, code: 'Throttled' },
      { status: 503, code: 'ServiceUnavailable' },
    ]) {
      refusals = [refusal];
      expect(texts(await h.say('practitioner', 'my disputes'))).toEqual([REPLY_NOT_DELIVERED]);
    }
  });

  it('whose work was a write: the work stands, and the person is not sent to do it again', async () => {
    await openWizard(h);
    expect(await h.ports.drafts.get('ane-practitioner')).not.toBeNull();
    // "cancel" discards the draft, then says so; that message is refused.
    refusals = [{ status: 503, code: 'ServiceUnavailable' }];
    expect(texts(await h.say('practitioner', 'cancel'))).toEqual([REPLY_NOT_DELIVERED]);
    expect(await h.ports.drafts.get('ane-practitioner')).toBeNull();
    // Asked again, the answer is that there is nothing left to discard.
    expect(texts(await h.say('practitioner', 'cancel'))).toEqual([
      'You have no draft to discard. Type "raise a dispute" to start one.',
    ]);
  });

  it('in a card click: the click is still answered (the invoke response), and the person told', async () => {
    // "My disputes" on a card brings the list into the chat as a new message; that message is refused.
    refusals = [{ status: 413, code: 'MessageSizeTooBig' }];
    const { body, sent } = await h.click('practitioner', 'my-disputes', { disputeId: null, seq: 0 });
    expect(body.statusCode).toBe(200);
    expect(texts(sent)).toEqual([REPLY_TOO_LARGE]);
    expect(cardOf(sent)).toBeNull();
  });

  it('a failure that is not the Connector answering still goes to the turn error', async () => {
    breakNext = new TypeError('a bug');
    await expect(h.say('practitioner', 'my disputes')).rejects.toThrow('a bug');
  });
});
