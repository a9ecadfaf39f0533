import { describe, expect, it } from 'vitest';
import { meetingSubject } from '../../src/email/wording.ts';

describe('a meeting invitation’s subject', () => {
  it('names the procedure, the case and the stage', () => {
    const title = { procedureShortName: 'ANE', caseReference: 'ANE-2026-0042', stageName: 'Stage 3' };
    expect(meetingSubject({ title })).toBe('ANE dispute ANE-2026-0042: Stage 3 meeting');
  });

  it('keeps the worded subject of a booking queued before titles were data', () => {
    expect(meetingSubject({ subject: 'ANE dispute ANE-2026-0042: Stage 3 meeting' })).toBe(
      'ANE dispute ANE-2026-0042: Stage 3 meeting',
    );
  });
});
