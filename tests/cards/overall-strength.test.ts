/** `overall.strength` is read: a maximum reads as a limit, a usual or expected time as a guide. */
import { describe, expect, it } from 'vitest';
import { overallTimescaleText } from '../../src/cards/wording/cards.ts';

describe('the overall timescale says how firm it is', () => {
  it('a maximum (ANE: no more than 20 working days)', () => {
    expect(
      overallTimescaleText({
        kind: 'overall-timescale',
        percent: 75,
        workingDays: 20,
        quote: null,
        strength: 'maximum',
      }),
    ).toMatch(/Three quarters of .* has been used\. The procedure sets this as a maximum\./);
  });
  it('a usual time (NEL: usually within 25 working days) is a guide, not a limit', () => {
    expect(
      overallTimescaleText({
        kind: 'overall-timescale',
        percent: 100,
        workingDays: 25,
        quote: null,
        strength: 'usual',
      }),
    ).toMatch(/has passed\. The procedure gives this as the usual time, not a fixed limit\./);
  });
});
