import { describe, expect, it } from 'vitest';
import { isAutomatic } from '../../src/graph/reply-tracker.ts';

describe('automatic replies on a dispute thread', () => {
  it.each([
    [{ 'auto-submitted': 'auto-replied' }, true],
    [{ 'auto-submitted': 'auto-generated' }, true],
    [{ 'auto-submitted': 'no' }, false],
    [{ 'x-autoreply': 'yes' }, true],
    [{ precedence: 'auto_reply' }, true],
    [{ 'content-type': 'multipart/report; report-type=delivery-status' }, true],
    [{ 'content-type': 'text/plain' }, false],
    [{}, false],
  ])('%o is automatic: %s', (headers, expected) => {
    expect(isAutomatic(new Map(Object.entries(headers)))).toBe(expected);
  });
});
