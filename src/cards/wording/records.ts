/**
 * The words of the case record: each `RecordLine` the domain writes, and each `OutcomeText` (an
 * outcome, or why a stage ended), as the cards' timeline and the record export show them. Lines
 * stored before record lines were data carry their sentence (`summary`) and are shown as stored.
 *
 * @example recordLineText({ kind: 'chased', params: {} }) // 'Response chased.'
 */
import type { RecordEntry, RecordLine } from '../../domain/dispute/record-intents.ts';
import type { LearningOutcome } from '../../domain/dispute/types.ts';
import type { ProcedureDefinition } from '../../domain/procedure/schema.ts';
import { dateTimeInWords, dayInWords, limitInWords } from '../../wording/dates.ts';
import { outcomeText } from '../../wording/outcomes.ts';

/** What a record line may look up to name things (routes) instead of showing their ids. */
export type RecordNames = Pick<ProcedureDefinition, 'exceptionalRoutes'>;

/** How a meeting response reads. */
export const RESPONSE_WORDS: Readonly<Record<string, string>> = {
  accepted: 'accepted',
  tentativelyAccepted: 'tentatively accepted',
  declined: 'declined',
  notResponded: 'not yet responded',
  none: 'not yet responded',
  organizer: 'organiser',
};

export { outcomeText } from '../../wording/outcomes.ts';

function lineText(line: RecordLine, names?: RecordNames): string {
  switch (line.kind) {
    case 'dispute-raised':
      return `Dispute raised under ${line.params.procedureName} (${line.params.version}).`;
    case 'not-resolved-informally':
      return `${line.params.stageName}: not resolved informally.`;
    case 'stage-started': {
      const { stageName, parties, dueDate } = line.params;
      return `${stageName} started (${parties}).${dueDate ? ` Due by ${dayInWords(dueDate)}.` : ''}`;
    }
    case 'inform-unresolved':
      return `Could not find the ${line.params.role} to inform: ${line.params.quote}`;
    case 'consulted':
      return `No one found in the directory for ${line.params.about}, so ${line.params.name} was consulted, as the procedure says: “${line.params.quote}”`;
    case 'informed':
      return `${line.params.name} informed (${line.params.quote})`;
    case 'stage-email-sent':
      return `${line.params.stageName} email sent (High Importance).`;
    case 'reply-received':
      return `Reply received for ${line.params.stageName}.`;
    case 'chased':
      return 'Response chased.';
    case 'decided-escalate':
      return `${line.params.by} decided to raise ${line.params.stageName}.`;
    case 'referral-prepared':
      return `The ${line.params.routeName} referral to ${line.params.to} was prepared for sending as the procedure requires: “${line.params.means}”`;
    case 'referral-sent':
      return `${line.params.by} recorded that the ${line.params.routeName} referral was sent as the procedure requires: “${line.params.means}”`;
    case 'meeting-required':
      return `Guidance did not resolve it at ${line.params.stageName}, so the meeting the procedure requires is being booked: “${line.params.quote}”`;
    case 'handed-to-sender':
      return `${line.params.by} decided to raise ${line.params.stageName}; ${line.params.to} reviews and sends it.`;
    case 'advice-asked':
      return `${line.params.adviser} advises whether to escalate to ${line.params.stageName}: “${line.params.quote}”`;
    case 'advised-against':
      return `${line.params.by} advised against escalating to ${line.params.stageName}; the record returned to ${line.params.owner}.`;
    case 'decided-informal':
      return `${line.params.by} decided to ${line.params.quote}.`;
    case 'decision-accepted':
      return `${line.params.by} accepted the decision; the dispute ends here.`;
    case 'informal-contact':
      return 'Raised informally with the counterpart.';
    case 'bypassed': {
      const { stageName, skipped } = line.params;
      return `Moved to ${stageName}${skipped.length ? `, past ${skipped.join(', ')}` : ''}.`;
    }
    case 'parties-not-found':
      return `No one found in the directory for: ${line.params.parties.map((p) => `${p.role} (${p.side})`).join(', ')}.`;
    case 'meeting-booked':
      return `Meeting booked for ${dateTimeInWords(line.params.start)}.${line.params.endsAfterDeadline ? ' It ends after the stage deadline.' : ''}`;
    case 'meeting-unbookable':
      return `No meeting slot could be found: ${line.params.reason}`;
    case 'meeting-response':
      return `${line.params.name}: ${RESPONSE_WORDS[line.params.response] ?? line.params.response}.`;
    case 'meeting-moved':
      return `Meeting moved to ${dateTimeInWords(line.params.start)} by the convener.`;
    case 'meeting-held':
      return `${line.params.stageName} meeting held.`;
    case 'returned-to-owner':
      return `${line.params.by} recorded a response and returned the record to ${line.params.owner}.`;
    case 'referred':
      return `Referred: ${line.params.routeName}.`;
    case 'referral-outcome': {
      const route = names?.exceptionalRoutes.find((r) => r.id === line.params.routeId);
      return route ? `Outcome of the referral: ${route.name}.` : 'Outcome of the referral.';
    }
    case 'stage-unresolved':
      return `${line.params.stageName} not resolved.`;
    case 'resolved':
      return `Resolved at ${line.params.stageName}.`;
    case 'stage-overdue':
      return line.params.dueDate
        ? `${line.params.stageName} deadline (${dayInWords(line.params.dueDate)}) passed.`
        : `${line.params.stageName} deadline passed.`;
    case 'overall-limit-passed':
      return `${line.params.workingDays ? `The ${limitInWords(line.params.workingDays)}` : 'The overall time limit'} has passed.${line.params.quote ? ` ${line.params.quote}` : ''}`;
    case 'action-due':
      return `Agreed action due: ${line.params.description} (${line.params.owner}).`;
    case 'consultation-answered':
      return `${line.params.name}, consulted at ${line.params.stageName}, answered.`;
    case 'after-resolution-sent':
      return `${line.params.by} sent to ${line.params.name}, as the procedure asks: “${line.params.quote}”`;
    case 'note-recorded':
      return `${line.params.by} recorded: ${line.params.label} (“${line.params.quote}”).`;
    case 'learning-followed-up':
      return `What became of the learning (${line.params.itemId}): ${LEARNING_OUTCOME_WORDS[line.params.outcome as LearningOutcome] ?? line.params.outcome}; recorded by ${line.params.by}.`;
    case 'action-done':
      return `Agreed action done on ${dayInWords(line.params.doneOn)}: ${line.params.description} (${line.params.owner}); marked by ${line.params.by}.`;
    case 'withdrawn':
      return 'Dispute withdrawn.';
    case 'record-closed':
      return 'Record closed.';
  }
}

/** A case-record line in words; a line stored before lines were data is shown as its stored sentence. */
export function recordLineText(
  entry: RecordLine | { readonly kind?: undefined; readonly summary: string },
  names?: RecordNames,
): string {
  return entry.kind === undefined ? entry.summary : lineText(entry, names);
}

/** A record entry as people read it: its line and its outcome in words. */
export function recordEntryText(
  entry: RecordEntry,
  names?: RecordNames,
): { summary: string; outcome: string | null } {
  return {
    summary: recordLineText(entry, names),
    outcome: entry.outcome === undefined ? null : outcomeText(entry.outcome),
  };
}

/** What became of a learning item, in words (the record, the dashboard, the report). */
export const LEARNING_OUTCOME_WORDS: Readonly<Record<LearningOutcome, string>> = {
  'taken-to-board': 'Taken to the board',
  'policy-changed': 'Policy or procedure changed',
  'no-action': 'No action',
};
