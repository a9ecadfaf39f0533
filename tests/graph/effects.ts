/** Hand-built effects shaped like the ones decide() emits for the ANE journey. */
import type { Effect, EmailView, PersonRef } from '../../src/domain/dispute/types.ts';

export type SendEmail = Extract<Effect, { type: 'send-email' }>;
export type BookMeeting = Extract<Effect, { type: 'book-meeting' }>;

export function stage1View(disputeId: string, due: { due: string; dueDate: string }): EmailView {
  return {
    disputeId,
    caseReference: 'ANE-2026-0042',
    procedureName: 'Adopt North East Professional Dispute Resolution Procedure',
    stageName: 'Stage 1',
    subject: 'ANE dispute ANE-2026-0042: Stage 1',
    paragraphs: ['We disagree with the decision not to fund the placement.'],
    fields: [
      { label: 'The problem', value: '<script>alert(1)</script> Funding refused' },
      { label: 'Informal attempts', value: 'Discussed with the allocated social worker on 16 November' },
      { label: 'Resolution sought', value: 'Funding agreed' },
    ],
    responseDue: { due: due.due, dueDate: due.dueDate, workingDays: 5 },
  };
}

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
    view: stage1View(disputeId, due),
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
    view: {
      disputeId,
      caseReference: 'ANE-2026-0042',
      procedureName: 'Adopt North East Professional Dispute Resolution Procedure',
      stageName: 'Stage 1',
      subject: 'RE: ANE dispute ANE-2026-0042: Stage 1',
      paragraphs: ['The actions taken or proposed to resolve the problem are agreed and accepted.'],
      fields: [],
    },
  };
}
