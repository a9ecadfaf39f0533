/**
 * The words on a step card: title, text, buttons and facts for each `CardIntent` the domain emits.
 * `cardViewOf(effect)` is the one place a `send-card` effect becomes something a person reads.
 *
 * @example cardViewOf({ intent: { kind: 'chased', on: '2026-11-30' }, frame }).title // 'Response chased'
 */
import type { CardFrame, CardIntent, DecisionOption } from '../../domain/dispute/card-intents.ts';
import type { CardAction, CardView } from '../../domain/dispute/types.ts';
import { referVerb, VERBS } from '../../domain/dispute/verbs.ts';
import { dateTimeInWords, dayInWords, limitInWords } from '../../wording/dates.ts';
import { stageSoFarName } from '../../wording/outcomes.ts';
import { outcomeText, RESPONSE_WORDS } from './records.ts';

/** A due day in words, or what stands for it when there is none. */
const dueDay = (day: string | null, none = 'the deadline') => (day ? dayInWords(day) : none);

type Fact = { label: string; value: string };
interface Words {
  readonly title: string;
  readonly text: readonly string[];
  readonly actions?: readonly CardAction[];
  readonly facts?: readonly Fact[];
  readonly input?: { readonly label: string };
}

/** "Formal Resolution Process – Stage 1" → "Stage 1"; other names as they are (buttons stay short). */
export function shortStageName(stage: { readonly name: string }): string {
  return /(Stage\s+\S+)$/i.exec(stage.name)?.[1] ?? stage.name;
}

/**
 * The label of a decision option's button: a verb first, short enough for a card in a Teams chat
 * (480 px holds three buttons of about 18 characters). A referral button says "Refer" and the
 * card's facts name the route; where several routes are offered, each button names its own.
 */
export function optionAction(option: DecisionOption, routes = 1): CardAction {
  switch (option.verb) {
    case 'escalate': {
      const stage = option.stageName ? shortStageName({ name: option.stageName }) : 'the next stage';
      return { verb: VERBS.escalate, title: option.asEscalation ? `Escalate to ${stage}` : `Raise ${stage}` };
    }
    case 'informal':
      return { verb: VERBS.informal, title: 'Raise informally' };
    case 'accept':
      return {
        verb: VERBS.accept,
        title: option.advice
          ? 'Advise against'
          : option.ending
            ? 'End without referral'
            : 'Accept the decision',
      };
    case 'refer':
      return { verb: referVerb(option.routeId), title: routes > 1 ? `Refer: ${option.routeName}` : 'Refer' };
    case 'resolve':
      return { verb: VERBS.resolve, title: 'Authorise as resolved' };
  }
}

/** The buttons for a decision's options, and a fact naming each route a "Refer" button takes. */
function optionsOf(options: readonly DecisionOption[]): { actions: CardAction[]; facts: Fact[] } {
  const routes = options.filter((o) => o.verb === 'refer');
  return {
    actions: options.map((o) => optionAction(o, routes.length)),
    facts: routes.map((r) => ({ label: 'Refer', value: r.routeName })),
  };
}

/** What a parked action was to do, for whom: "send the email to A and B". */
function parkedWhat(intent: Extract<CardIntent, { kind: 'action-parked' }>, people: string | null): string {
  switch (intent.action) {
    case 'send-email':
      return people ? `send the email to ${people}` : 'send an email';
    case 'send-card':
      return people ? `send a Teams card to ${people}` : 'send a Teams card';
    case 'book-meeting':
      return intent.calendarOf ? `book the meeting on ${intent.calendarOf}'s calendar` : 'book the meeting';
    case 'cancel-meeting':
      return intent.calendarOf
        ? `cancel the meeting on ${intent.calendarOf}'s calendar`
        : 'cancel the meeting';
    default:
      return 'complete an action';
  }
}

function listOfNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

const OUTCOME: CardAction = { verb: VERBS.outcome, title: 'Record the outcome' };
const mustInclude = (labels: readonly string[]): Fact[] =>
  labels.map((value) => ({ label: 'Must include', value }));

function words(intent: CardIntent): Words {
  switch (intent.kind) {
    case 'ask-decision': {
      const { actions, facts } = optionsOf(intent.options);
      if (intent.after === 'raise')
        return { title: `Decide on ${intent.nextStageName}`, text: [intent.quote ?? ''], actions, facts };
      if (intent.after === 'handover')
        return {
          title: `${intent.nextStageName}: review and send`,
          text: [
            `${intent.decidedBy ?? 'The person who decides'} has decided to take this to ${intent.nextStageName}. It goes out in your name: review what the other agency will read, change it if you need to, and send it.`,
            intent.quote ?? '',
          ],
          actions: [{ verb: VERBS.escalate, title: 'Send' }],
        };
      if (intent.after === 'advice')
        return {
          title: `Advise whether to escalate to ${intent.nextStageName}`,
          text: [
            intent.reason === undefined ? '' : outcomeText(intent.reason),
            intent.quote ?? '',
            ...(intent.returnsTo
              ? [`If you advise against it, the record returns to ${intent.returnsTo}, who authorises it.`]
              : []),
          ],
          actions,
          facts,
        };
      if (intent.after === 'informal')
        return {
          title: 'The informal approach did not resolve it',
          text: [intent.reason === undefined ? '' : outcomeText(intent.reason)],
          actions,
          facts,
        };
      return {
        title: `Decide whether to raise ${intent.nextStageName}`,
        text: [intent.reason === undefined ? '' : outcomeText(intent.reason), intent.quote ?? ''],
        actions,
        facts,
      };
    }
    case 'ask-final-referral':
      return {
        title: `${intent.stageName} was the final stage`,
        text: [outcomeText(intent.reason), ...intent.routes.map((r) => r.quote)],
        ...optionsOf(intent.options),
      };
    case 'ask-owner-decision':
      return {
        title: intent.advisedAgainst
          ? `${intent.advisedAgainst.by} advised against ${intent.advisedAgainst.stageName}`
          : 'A response has been returned to you',
        text: [
          ...(intent.advisedAgainst
            ? [
                `${intent.advisedAgainst.by} advised against escalating to ${intent.advisedAgainst.stageName}; the record is back with you to authorise.`,
              ]
            : []),
          intent.summary,
        ],
        ...optionsOf(intent.options),
      };
    case 'informal-contact':
      return {
        title: 'Raise it informally',
        text: [
          // The outcome card shows no facts, so the address is in the sentence: how to reach them.
          `Contact ${intent.counterpart ? `${intent.counterpart.name} (${intent.counterpart.email})` : 'your counterpart'} informally, then record what happened.`,
          intent.quote,
        ],
        actions: [{ verb: VERBS.informalOutcome, title: 'Record what happened' }],
        facts: intent.counterpart
          ? [{ label: 'Counterpart', value: `${intent.counterpart.name} <${intent.counterpart.email}>` }]
          : [],
      };
    case 'record-outcome':
      if (intent.after === 'meeting')
        return {
          title: 'Record the minutes and the outcome',
          text: [
            intent.quote,
            ...(intent.onBehalfOf
              ? [`Record the outcome of the meeting ${intent.onBehalfOf} convened.`]
              : []),
            ...intent.mustNotRecord,
          ],
          actions: [OUTCOME],
          facts: mustInclude(intent.mustInclude),
        };
      if (intent.after === 'referral')
        return { title: `${intent.name}: record the outcome`, text: [intent.quote], actions: [OUTCOME] };
      return {
        title: intent.reassigned
          ? `${intent.name}: the record is reassigned to you`
          : `${intent.name}: your step`,
        text: [
          intent.quote,
          ...(intent.reassigned
            ? [
                `“${intent.reassigned.quote}”`,
                ...(intent.reassigned.returnsTo
                  ? [`When you record your response, the record returns to ${intent.reassigned.returnsTo}.`]
                  : []),
              ]
            : []),
          ...(intent.onBehalfOf ? [`Record the outcome as ${intent.onBehalfOf} gave it.`] : []),
          ...(intent.with.length ? [`With: ${intent.with.join(', ')}`] : []),
          ...(intent.byEmail?.length
            ? [
                `Concord has emailed ${intent.byEmail.join(', ')} with the case details and what the procedure asks of them; their replies are kept here and on the record.`,
              ]
            : []),
          ...(intent.consulted ?? []).map(
            (c) =>
              `Concord could not find ${c.about} in the directory, so, as the procedure says, it has consulted ${c.name}.`,
          ),
          ...(intent.replies ?? []).map((r) => `Reply from ${r.from}: ${r.text}`),
          ...intent.mustNotRecord,
        ],
        actions: [
          OUTCOME,
          ...(intent.canRequestMeeting ? [{ verb: VERBS.requestMeeting, title: 'Book a meeting' }] : []),
        ],
        facts: mustInclude(intent.mustInclude),
      };
    case 'review-reply':
      return {
        title: 'Reply received: is it agreed?',
        text: [intent.text, ...(intent.acknowledgementQuote ? [intent.acknowledgementQuote] : [])],
        actions: [
          { verb: VERBS.agreed, title: 'Agreed' },
          { verb: VERBS.notAgreed, title: 'Not agreed' },
        ],
        facts: [{ label: 'From', value: intent.from }],
      };
    case 'chased':
      if (intent.discussion)
        return {
          title: 'Response chased',
          text: [
            `Chased on ${dueDay(intent.on, 'today')}, on the same email thread. Their reply will show on your step card; record the outcome there.`,
          ],
          actions: [{ verb: VERBS.chase, title: 'Chase again' }],
        };
      return {
        title: 'Response chased',
        text: [
          `Chased on ${dueDay(intent.on, 'today')}. If no reply comes, treat it as not agreed so the next stage can be considered.`,
        ],
        actions: [
          { verb: VERBS.chase, title: 'Chase again' },
          { verb: VERBS.notAgreed, title: 'Not agreed: escalate' },
        ],
      };
    case 'no-response':
      if (intent.discussion)
        return {
          title: `${intent.discussion.stageName} is overdue: no reply from ${intent.discussion.with.join(', ')}`,
          text: [
            `It was due by ${dueDay(intent.dueDate)}, and ${intent.discussion.with.join(', ')} ${intent.discussion.with.length === 1 ? 'has' : 'have'} not answered Concord's email. Chase them on the same email thread, or record the outcome of the discussion on your step card.`,
          ],
          actions: [{ verb: VERBS.chase, title: 'Chase' }],
        };
      return {
        title: 'No response by the deadline',
        text: [
          `No reply was received by ${dueDay(intent.dueDate)}. Chase the counterpart, or treat it as not agreed so the next stage can be considered.`,
        ],
        actions: [
          { verb: VERBS.chase, title: 'Chase' },
          { verb: VERBS.notAgreed, title: 'Not agreed: escalate' },
        ],
      };
    case 'meeting':
      return {
        title: `${intent.stageName} meeting`,
        text: [
          intent.start ? `Booked for ${dateTimeInWords(intent.start)}.` : 'Booking…',
          ...(intent.joinUrl ? ['Join the meeting from the invitation in your calendar.'] : []),
          ...(intent.onlineLinkMissing
            ? [
                'The invitation went without a Microsoft Teams link: Microsoft 365 booked it as an ordinary meeting, which happens when the calendar it is on cannot hold Teams meetings. Open the meeting in your Outlook calendar, turn on "Teams meeting" and send the update, or tell everyone where it will be held. If this keeps happening, ask your IT team to enable Teams for that calendar.',
              ]
            : []),
        ],
        actions: [{ verb: VERBS.moveMeeting, title: 'Move to another slot' }],
        facts: intent.attendees.map((a) => ({
          label: a.name,
          value: RESPONSE_WORDS[a.response] ?? 'not yet responded',
        })),
      };
    case 'meeting-unbookable':
      return {
        title: 'No meeting slot found',
        text: [intent.reason, 'Choose a time and Concord will book it.'],
        actions: [{ verb: VERBS.moveMeeting, title: 'Choose a time' }],
      };
    case 'meeting-rebooking':
      return {
        title: 'Re-booking the meeting',
        text: [`${intent.declinedBy} declined. Concord is booking the next viable slot.`],
      };
    case 'stage-warning':
      return {
        title: `${intent.stageName}: ${intent.percent === 75 ? 'three quarters' : 'half'} of the time has gone`,
        text: [`Due by ${dueDay(intent.dueDate)}.`],
      };
    case 'reply-waiting':
      return {
        title: `${intent.stageName}: the reply is waiting for you`,
        text: [
          'The response arrived within the timescale. Say whether it is agreed so the counterpart has your acknowledgement.',
        ],
      };
    case 'stage-overdue':
      return {
        title: `${intent.stageName} is overdue`,
        text: [
          intent.with
            ? `It was due by ${dueDay(intent.dueDate)}, with ${intent.with}.`
            : `It was due by ${dueDay(intent.dueDate)}.`,
        ],
      };
    case 'overall-timescale':
      return { title: 'Overall timescale', text: [overallTimescaleText(intent)] };
    case 'action-due':
      return {
        title: 'An agreed action is due today',
        text: [`${intent.description} (${intent.owner}), due ${dayInWords(intent.dueDate)}.`],
      };
    case 'feedback':
      return { title: 'Update on the dispute you raised', text: [feedbackText(intent.update), intent.quote] };
    case 'decision-accepted':
      return {
        title: 'Decision accepted',
        text: [`${intent.by} accepted the decision. The dispute has ended.`],
      };
    case 'ended-unresolved':
      return { title: 'Dispute ended unresolved', text: [outcomeText(intent.reason)] };
    case 'send-referral-securely': {
      const d = intent.document;
      return {
        title: `${intent.routeName}: send the referral securely`,
        text: [
          `The procedure says how this referral is sent: “${intent.means}” Concord has not sent it. Send the text below to ${intent.to.name} (${intent.to.email}) that way, then record that it went.`,
          `${d.procedureName}: case ${d.caseReference}`,
          `“${d.quote}”`,
          ...(d.condition ? [d.condition] : []),
          `Reason for the referral: ${d.reason}`,
          `Category: ${d.category}`,
          `The problem identified: ${d.issue}`,
          `Resolution sought: ${d.resolutionSought}`,
          ...d.outcomes.map((o) => `${stageSoFarName(o, o.stageName)}: ${outcomeText(o.summary)}`),
        ],
        actions: [{ verb: VERBS.referralSent, title: 'I have sent it as the procedure requires' }],
      };
    }
    case 'consulted':
      return {
        title: `${intent.stageName}: who should ${intent.actor} contact?`,
        text: [
          `${intent.actor} is holding ${intent.stageName} with ${intent.about}, and Concord's directory does not say who that is.`,
          `The procedure says: “${intent.quote}”`,
          `Write who it is below and Concord will give it to ${intent.actor} and keep it on the record.`,
        ],
        input: { label: `Who ${intent.about} is, and how to reach them (up to 4,000 characters)` },
        actions: [{ verb: VERBS.answerConsultation, title: `Answer ${intent.actor}` }],
      };
    case 'stage-involves-you':
      return {
        title: `${intent.stageName}: this involves you`,
        text: [
          intent.quote,
          `${intent.actor} will hold this step with you and record its outcome${intent.dueDate ? ` by ${dueDay(intent.dueDate)}` : ''}.`,
        ],
      };
    case 'after-resolution':
      return {
        title: intent.reminder
          ? `Reminder: due by ${dueDay(intent.dueDate ?? null)}`
          : 'After the resolution',
        ...(intent.sendTo
          ? {
              input: {
                label: `What to bring to the attention of ${intent.sendTo.name} (up to 4,000 characters)`,
              },
              actions: [
                {
                  verb: VERBS.sendAfterResolution,
                  title: `Send to ${intent.sendTo.name}`,
                  data: { itemId: intent.sendTo.itemId },
                },
              ],
            }
          : {}),
        text: [
          intent.quote,
          ...(intent.sendTo
            ? [
                `${intent.sendTo.name} (${intent.sendTo.email}) is outside your organisation's Teams. If it applies, write it here and Concord will email it to them, High Importance, with the case details, and keep it on the record.`,
              ]
            : []),
          ...(intent.dueDate && !intent.reminder
            ? [
                `If it applies, it is due by ${dueDay(intent.dueDate)}; Concord will remind you a week before.`,
              ]
            : []),
        ],
      };
    case 'withdrawn':
      return {
        title: 'Dispute withdrawn',
        text: [
          `${intent.by} has withdrawn this dispute, so there is nothing more to do on it.`,
          `Their reason: ${intent.reason}`,
        ],
      };
    case 'action-parked': {
      const people = intent.for?.length ? listOfNames(intent.for) : null;
      const what = parkedWhat(intent, people);
      if (intent.why)
        return {
          title: `Concord could not ${what}`,
          text: [
            intent.why,
            'If the deadline is near, act by other means meanwhile, and give your administrator the case reference.',
          ],
          facts: people ? [{ label: 'Who it was for', value: people }] : [],
        };
      return {
        title: `Concord could not ${what}`,
        text: [
          `Concord tried ${intent.attempts} ${intent.attempts === 1 ? 'time' : 'times'} to ${what} and has stopped trying, so this step waits on it.`,
          people
            ? `What to do: if the deadline is near, reach ${people} another way (by telephone or your own email), and ask your Concord administrator to put it right ("concord parked"), giving them the case reference. Once they have, Concord sends it again and the step goes on.`
            : 'What to do: ask your Concord administrator to put it right ("concord parked"), giving them the case reference. Once they have, Concord tries again and the step goes on.',
        ],
        facts: people ? [{ label: 'Who it was for', value: people }] : [],
      };
    }
    case 'resolved':
      return {
        title: 'Dispute resolved',
        text: [outcomeText(intent.summary)],
        actions: [{ verb: VERBS.close, title: 'Close the record' }],
      };
  }
}

/** The overall-timescale warning (or the limit passing), with the procedure's words. */
export function overallTimescaleText(intent: Extract<CardIntent, { kind: 'overall-timescale' }>): string {
  const quote = intent.quote ?? '';
  const limit = intent.workingDays ? `the ${limitInWords(intent.workingDays)}` : 'the overall limit';
  const said =
    intent.percent === 100
      ? `${limit.charAt(0).toUpperCase()}${limit.slice(1)} has passed.`
      : `${intent.percent === 75 ? 'Three quarters' : 'Half'} of ${limit} has been used.`;
  // A maximum is a limit the procedure sets; a usual or expected time is a guide (NEL: "usually").
  const firmness =
    intent.strength === 'maximum'
      ? ' The procedure sets this as a maximum.'
      : intent.strength === 'usual' || intent.strength === 'expected'
        ? ` The procedure gives this as the ${intent.strength} time, not a fixed limit.`
        : '';
  return quote ? `${said}${firmness} ${quote}` : `${said}${firmness}`;
}

function feedbackText(update: Extract<CardIntent, { kind: 'feedback' }>['update']): string {
  switch (update.kind) {
    case 'with-decider':
      return `Your dispute has gone to ${update.decider} to decide on ${update.stageName}.`;
    case 'stage-started':
      return `${update.stageName} has started with ${update.actor}.`;
    case 'stage-unresolved':
      return `${update.stageName} did not resolve the disagreement.`;
    case 'resolved':
      return `The disagreement was resolved at ${update.stageName}.`;
  }
}

/** The card a `send-card` effect shows: its intent worded, in its frame. */
export function cardViewOf(effect: { readonly intent: CardIntent; readonly frame: CardFrame }): CardView {
  const w = words(effect.intent);
  return {
    ...effect.frame,
    title: w.title,
    text: [...w.text],
    actions: [...(w.actions ?? [])],
    facts: [
      { label: 'Case reference', value: effect.frame.caseReference },
      { label: 'Stage', value: effect.frame.stageName },
      ...(w.facts ?? []),
    ],
    ...(w.input ? { input: w.input } : {}),
  };
}
