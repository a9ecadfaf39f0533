import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, describeEvent } from '../../src/log/index.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: createLogger({ level: 'debug', destination }) };
}

describe('logger', () => {
  it('never writes case content, at any depth up to four levels', () => {
    const { lines, log } = capture();
    const secret = 'Child at 12 Acacia Avenue disclosed';
    log.info(
      {
        disputeId: 'd-1',
        details: { issue: secret },
        event: { type: 'reply-received', text: secret, fromEmail: 'x@y.org' },
        person: { id: 'p1', name: 'Jane Practitioner' },
        effect: { type: 'send-email', key: 'k', view: { paragraphs: [secret], subject: secret } },
        deep: { a: { b: { summary: secret, minutes: secret } } },
        caseReference: 'CR-123',
      },
      'applied',
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain('Acacia');
    expect(text).not.toContain('CR-123');
    expect(text).not.toContain('x@y.org');
    expect(text).not.toContain('Jane');
    expect(lines[0]).toMatchObject({ disputeId: 'd-1', msg: 'applied', event: { type: 'reply-received' } });
    expect(lines[0]?.details).toBe('[redacted]');
    expect(lines[0]?.name).toBe('concord');
  });

  it('summarises events by type and ids only', () => {
    expect(
      describeEvent({ type: 'timer-fired', key: 'd1:t1', kind: 'stage-deadline', stageId: 'stage-1' }),
    ).toEqual({ type: 'timer-fired', key: 'd1:t1', kind: 'stage-deadline' });
  });
});
