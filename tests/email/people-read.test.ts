/**
 * Every email body Concord sends reads as a letter: dates in words, names not ids, no raw URL. And a
 * later stage's email tells the other agency what happened before: their answer, and why it was
 * not agreed.
 */
import { describe, expect, it } from 'vitest';
import type { EmailFrame, EmailIntent } from '../../src/domain/dispute/email-intents.ts';
import type { EmailTemplate } from '../../src/domain/dispute/types.ts';
import { renderEmail } from '../../src/email/render.ts';
import { emailViewOf } from '../../src/email/wording.ts';
import { loadProcedures } from '../../src/procedures/index.ts';
import { hasMachineDate } from '../../src/wording/dates.ts';

const RAW_IDS = (() => {
  const ids = new Set<string>(['d-0001']);
  for (const p of loadProcedures().values())
    for (const list of [p.categories, p.stages, p.exceptionalRoutes, p.roles])
      for (const x of list) if (x.id.includes('-')) ids.add(x.id);
  return [...ids];
})();

const details = {
  category: 'Drift and delay in care planning',
  issue: 'The agreed plan for life-story work has not been acted upon.',
  informalAttempts: 'Discussed with the allocated social worker on 2 November; no change.',
  resolutionSought: 'Life-story work started within two weeks.',
};

const frame: EmailFrame = {
  disputeId: 'd-0001',
  caseReference: 'ANE-2026-0042',
  procedureName: 'Adopt North East Professional Dispute Resolution Procedure',
  procedureShortName: 'ANE',
  stageName: 'Formal Resolution Process – Stage 2',
  responseDue: { due: '2026-12-14T23:59:59.999Z', dueDate: '2026-12-14', workingDays: 5 },
  overallDue: '2027-01-04T23:59:59.999Z',
  storySoFar: [
    {
      stageName: 'Formal Resolution Process – Stage 1',
      answer: {
        from: 'Team Manager, Gateshead',
        text: 'We will review the plan at the next looked-after review in January.',
        at: '2026-12-03T14:05:00.000Z',
      },
      outcome: 'A review in January is too late: the work was due in October.',
      resolved: false,
    },
  ],
};

const EMAILS: readonly [EmailTemplate, EmailIntent][] = [
  [
    'stage-statement',
    {
      kind: 'stage-statement',
      request: 'Please respond with SMART actions.',
      stageQuote: 'Stage 2 quote',
      details,
    },
  ],
  ['letter', { kind: 'letter', stageQuote: 'The Director writes to the Director.', details }],
  ['inform', { kind: 'copy', quotes: ['The Head of Safeguarding is copied.'], details }],
  ['inform', { kind: 'inform', quote: 'The CSSU service manager is informed.', details }],
  [
    'inform',
    {
      kind: 'consultation',
      quote: 'the Safeguarding Adults Board Business Team should be consulted via ssab@solihull.gov.uk.',
      about: 'their opposite number in the other agency',
      actor: 'Line Manager, Solihull Adult Social Care',
      details,
    },
  ],
  ['chase', { kind: 'chase', dueDate: '2026-12-07', note: 'Please reply this week.' }],
  ['acknowledgement', { kind: 'acknowledgement', agreed: false, note: 'The actions are not time-limited.' }],
  [
    'referral',
    {
      kind: 'referral',
      routeName: 'Consideration by the DSCB Independent Chair',
      quote: 'Exceptionally, the matter may be referred to the DSCB Independent Chair.',
      condition: null,
      reason: 'No agreement at Stage 3b.',
      means: null,
      outcomes: [
        { stageId: 'stage-1', stageName: 'Stage 1', summary: { kind: 'not-agreed' } },
        {
          stageId: 'stage-2',
          stageName: 'Stage 2',
          summary: { kind: 'stage-no-response', stageName: 'Stage 2', dueDate: '2026-12-07' },
        },
      ],
    },
  ],
  [
    'written-confirmation',
    {
      kind: 'written-confirmation',
      confirms: { kind: 'resolved', summary: 'Agreed at the Stage 3 meeting.' },
      procedureQuote: 'The outcome will be confirmed in writing.',
      actions: [
        { description: 'Start life-story work', owner: 'Team Manager, Gateshead', dueDate: '2026-12-18' },
      ],
    },
  ],
  ['inform', { kind: 'withdrawn', reason: 'The child has moved out of the area.' }],
];

/** The body as a person reads it: tags dropped, entities decoded. */
function bodyText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

function problems(text: string): string[] {
  const bad: string[] = [];
  if (hasMachineDate(text)) bad.push(`machine date in: ${text}`);
  if (/https?:\/\/|\bwww\./i.test(text)) bad.push('raw URL');
  for (const id of RAW_IDS)
    if (new RegExp(`(^|[^\\w-])${id}($|[^\\w-])`).test(text)) bad.push(`raw id ${id}`);
  return bad;
}

describe('email bodies carry no machine text', () => {
  it.each(EMAILS.map(([t, m]) => [m.kind, t, m] as const))('%s', (_kind, template, message) => {
    const view = emailViewOf({ message, frame });
    const { subject, html } = renderEmail({ template, view });
    expect(problems(`${subject} ${bodyText(html)}`)).toEqual([]);
  });

  it('the checker catches what the issue saw in emails', () => {
    expect(problems('Stages so far stage-1: Not agreed.')).not.toEqual([]);
    expect(problems('Please act by 2026-12-18')).not.toEqual([]);
  });
});

describe('a later stage tells the story so far', () => {
  it('the Stage 2 email says what the other agency answered at Stage 1 and why it was not agreed', () => {
    const [template, message] = EMAILS[0] ?? ['stage-statement', EMAILS[0]];
    const view = emailViewOf({ message: message as EmailIntent, frame });
    const text = bodyText(renderEmail({ template: template as EmailTemplate, view }).html);
    expect(text).toContain('What has happened so far:');
    expect(text).toContain(
      'Formal Resolution Process – Stage 1. Team Manager, Gateshead answered on Thursday 3 December 2026: “We will review the plan at the next looked-after review in January.”',
    );
    expect(text).toContain(
      'It was not agreed: A review in January is too late: the work was due in October.',
    );
  });

  it('a first stage has no story, and a referral lists the stages by name', () => {
    const { storySoFar: _none, ...first } = frame;
    const view = emailViewOf({ message: (EMAILS[0] as [EmailTemplate, EmailIntent])[1], frame: first });
    expect(view.paragraphs.join(' ')).not.toContain('What has happened so far');
    const referral = emailViewOf({ message: EMAILS.find(([, m]) => m.kind === 'referral')![1], frame });
    expect(referral.fields.find((f) => f.label === 'Stages so far')?.value).toBe(
      'Stage 1: Not agreed.\nStage 2: No response was received at Stage 2 by Monday 7 December 2026.',
    );
  });
});
