/**
 * A short seeded run of the fuzzer (tools/fuzz/fuzz.ts) against local mode: no 5xx, no hang, no
 * crash, no partial write in the store, nothing about a dispute told to a non-party. `npm run fuzz
 * -- --count 10000` is the long run.
 */
import { expect, it } from 'vitest';
import { describeFigures, runFuzz } from '../../tools/fuzz/fuzz.ts';

it('200 seeded hostile requests: 0 5xx, 0 hangs, 0 crashes, 0 partial writes, 0 disclosures', async () => {
  const figures = await runFuzz({ count: 200, seed: 14 });
  const report = describeFigures(figures);
  expect(figures.requests, report).toBe(200);
  expect(
    {
      fiveHundreds: figures.fiveHundreds,
      hangs: figures.hangs,
      crashes: figures.crashes,
      partialWrites: figures.partialWrites,
      disclosures: figures.disclosures,
    },
    report,
  ).toEqual({ fiveHundreds: 0, hangs: 0, crashes: 0, partialWrites: 0, disclosures: 0 });
  // It reached the bot and the webhook, not only the refusals.
  expect(figures.byStatus['200'] ?? 0, report).toBeGreaterThan(50);
  expect(figures.byStatus['202'] ?? 0, report).toBeGreaterThan(20);
}, 240_000);
