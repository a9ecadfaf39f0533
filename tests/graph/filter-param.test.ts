/** `$filter` literals survive the query string (graph-client puts `.filter()` in the URL as it is). */
import { describe, expect, it } from 'vitest';
import { extendedPropertyFilter, filterParam, odataString } from '../../src/graph/ids.ts';

describe('filterParam', () => {
  it.each([
    `internetMessageId eq ${odataString('<CAJ+x9Fq=abc@mail.gmail.com>')}`,
    `internetMessageId eq ${odataString("<a&b#c%20d's@example.com>")}`,
    extendedPropertyFilter('String {6f1e4c2a-9b3d-4e5f-8a7b-2c1d0e9f8a71} Name ConcordEffectKey', 'd1:s+1'),
  ])('%s reads back the same from a query string', (expression) => {
    const url = new URL(
      `https://graph.example/v1.0/users/x/messages?$filter=${filterParam(expression)}&$top=1`,
    );
    expect(url.searchParams.get('$filter')).toBe(expression);
    expect(url.searchParams.get('$top')).toBe('1');
  });
});
