import { describe, expect, it } from 'vitest';
import type { EmailView } from '../../src/domain/dispute/types.ts';
import { dateInWords, instantDateInWords } from '../../src/email/dates.ts';
import { renderEmail, responseDeadline } from '../../src/email/render.ts';

const view: EmailView = {
  disputeId: 'd-1',
  caseReference: 'ANE-2026-0042',
  procedureName: 'Adopt North East Professional Dispute Resolution Procedure',
  stageName: 'Stage 1',
  subject: 'ANE dispute ANE-2026-0042: Stage 1',
  paragraphs: ['We disagree with the decision.\nSecond line.'],
  fields: [
    { label: 'The problem', value: '<script>alert("x")</script> & more' },
    { label: 'Informal attempts <b>', value: "It's been tried" },
    { label: 'Resolution sought', value: 'A review' },
  ],
  responseDue: { due: '2026-11-30T23:59:59.999Z', dueDate: '2026-11-30', workingDays: 5 },
  overallDue: '2026-12-21T23:59:59.999Z',
};

describe('renderEmail', () => {
  const { subject, html } = renderEmail({ template: 'stage-statement', view });

  it('escapes every value, labels included', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(html).toContain('Informal attempts &lt;b&gt;');
    expect(html).toContain('It&#39;s been tried');
  });

  it('states the response deadline as a date in words with the timescale', () => {
    expect(html).toContain('Please respond by Monday 30 November 2026 (within 5 working days).');
    expect(html).toContain('The whole formal process should be completed by Monday 21 December 2026.');
  });

  it('quotes the required content labels and keeps line breaks', () => {
    for (const label of ['The problem', 'Resolution sought']) expect(html).toContain(label);
    expect(html).toContain('We disagree with the decision.<br>Second line.');
  });

  it('identifies the case by reference only', () => {
    expect(html).toContain('ANE-2026-0042');
    expect(subject).toBe('ANE dispute ANE-2026-0042: Stage 1');
  });

  it('keeps subjects on one line', () => {
    expect(renderEmail({ template: 'chase', view: { ...view, subject: 'a\r\nBcc: x' } }).subject).toBe(
      'a Bcc: x',
    );
  });

  it('says nothing about a deadline when no response is due', () => {
    const { responseDue: _r, ...rest } = view;
    expect(responseDeadline(rest as Pick<EmailView, 'responseDue'>)).toBeNull();
    expect(responseDeadline({ responseDue: { ...view.responseDue!, workingDays: null } })).toBe(
      'Please respond by Monday 30 November 2026.',
    );
    // An hours timescale (Dudley: "resolved immediately", "within 24 hours") states the time of day.
    expect(
      responseDeadline({
        responseDue: { due: '2027-01-11T10:30:00.000Z', dueDate: '2027-01-11', workingDays: null, hours: 1 },
      }),
    ).toBe('Please respond by 10:30 on Monday 11 January 2027 (within 1 hour).');
    expect(responseDeadline({ responseDue: { ...view.responseDue!, workingDays: 1 } })).toContain(
      '(within 1 working day)',
    );
  });
});

describe('dates in words', () => {
  it.each([
    ['2026-11-30', 'Monday 30 November 2026'],
    ['2027-01-01', 'Friday 1 January 2027'],
  ])('%s', (day, words) => expect(dateInWords(day)).toBe(words));
  it('reads instants in London time', () => {
    expect(instantDateInWords('2026-06-01T23:30:00Z')).toBe('Tuesday 2 June 2026');
  });
});
