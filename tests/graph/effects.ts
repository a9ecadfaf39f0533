/** Hand-built effects shaped like the ones decide() emits for the ANE journey. */
import type { Effect, PersonRef } from '../../src/domain/dispute/types.ts';

export type SendEmail = Extract<Effect, { type: 'send-email' }>;
export type BookMeeting = Extract<Effect, { type: 'book-meeting' }>;

const FRAME = {
  caseReference: 'ANE-2026-0042',
  procedureName: 'Adopt North East Professional Dispute Resolution Procedure',
  procedureShortName: 'ANE',
  stageName: 'Stage 1',
};

export function stage1Email(
  disputeId: string,
  from: PersonRef,
  to: PersonRef,
  due: { due: string; dueDate: string },
): SendEmail {
  return {
    type: 'send-email',
    key: `${disputeId}:stage-1:email:1`,
    from,
    to: [to],
    cc: [],
    importance: 'high',
    template: 'stage-statement',
    kind: 'statement',
    message: {
      kind: 'stage-statement',
      request: 'We disagree with the decision not to fund the placement.',
      stageQuote: 'Stage 1',
      details: {
        category: 'Funding',
        issue: '<script>alert(1)</script> Funding refused',
        informalAttempts: 'Discussed with the allocated social worker on 16 November',
        resolutionSought: 'Funding agreed',
      },
    },
    frame: {
      disputeId,
      ...FRAME,
      responseDue: { due: due.due, dueDate: due.dueDate, workingDays: 5 },
      overallDue: null,
    },
  };
}

export function acknowledgement(
  disputeId: string,
  from: PersonRef,
  to: PersonRef,
  reply: { internetMessageId: string; conversationId?: string },
): SendEmail {
  return {
    type: 'send-email',
    key: `${disputeId}:stage-1:ack:1`,
    from,
    to: [to],
    cc: [],
    importance: 'high',
    template: 'acknowledgement',
    kind: 'acknowledgement',
    inReplyTo: reply,
    message: { kind: 'acknowledgement', agreed: true, note: null },
    frame: { disputeId, ...FRAME, overallDue: null },
  };
}
