import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands/deadline.ts';
import { type CliIo, CliUsageError } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line) => out.push(line), err: (line) => err.push(line) }, out, err };
}

async function json(argv: string[]): Promise<unknown> {
  const { io, out, err } = capture();
  expect(await run([...argv, '--json'], io)).toBe(0);
  expect(err).toEqual([]);
  expect(out).toHaveLength(1);
  return JSON.parse(out[0] ?? '');
}

/** Runs through the dispatcher, as `concord deadline …` does, and returns the exit code and stderr. */
async function viaMain(argv: string[]): Promise<{ code: number; err: string[]; out: string[] }> {
  const { io, out, err } = capture();
  const code = await main(['deadline', ...argv], io);
  return { code, err, out };
}

describe('concord deadline --working-days', () => {
  it.each([
    {
      argv: ['--from', '2026-12-23T10:00:00Z', '--working-days', '5'],
      expected: { dueDate: '2027-01-04', due: '2027-01-04T23:59:59.999Z' },
    },
    {
      argv: ['--from', '2026-12-23T10:00:00Z', '--working-days', '5', '--division', 'scotland'],
      expected: { dueDate: '2027-01-05', due: '2027-01-05T23:59:59.999Z' },
    },
    {
      argv: ['--from', '2026-03-16T10:00:00Z', '--working-days', '1', '--division', 'northern-ireland'],
      expected: { dueDate: '2026-03-18', due: '2026-03-18T23:59:59.999Z' },
    },
    {
      // 23:30 UTC on 1 June is 2 June in London; the due instant is 23:59:59.999 BST.
      argv: ['--from', '2026-06-01T23:30:00Z', '--working-days', '1'],
      expected: { dueDate: '2026-06-03', due: '2026-06-03T22:59:59.999Z' },
    },
    {
      argv: ['--from', '2026-06-02T00:30:00+01:00', '--working-days', '1'],
      expected: { dueDate: '2026-06-03', due: '2026-06-03T22:59:59.999Z' },
    },
    {
      // A bare date is that London day (a Saturday: Monday is day 1).
      argv: ['--from', '2026-06-13', '--working-days', '1'],
      expected: { dueDate: '2026-06-15', due: '2026-06-15T22:59:59.999Z' },
    },
    {
      // N = 0 is the end of the start day itself.
      argv: ['--from', '2026-06-13T10:00:00Z', '--working-days', '0'],
      expected: { dueDate: '2026-06-13', due: '2026-06-13T22:59:59.999Z' },
    },
    {
      // A Saturday start: Monday 30 November is day 1, so day 5 is Friday 4 December.
      argv: ['--from', '2026-11-28T11:00:00Z', '--working-days', '5'],
      expected: { dueDate: '2026-12-04', due: '2026-12-04T23:59:59.999Z' },
    },
    {
      argv: ['--working-days=5', '--from=2026-12-23T10:00:00.000Z'],
      expected: { dueDate: '2027-01-04', due: '2027-01-04T23:59:59.999Z' },
    },
  ])('$argv → $expected.dueDate', async ({ argv, expected }) => {
    expect(await json(argv)).toEqual(expected);
  });

  it('prints a readable line without --json', async () => {
    const { io, out } = capture();
    expect(await run(['--from', '2026-12-23T10:00:00Z', '--working-days', '5'], io)).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('Monday 2027-01-04');
    expect(out[0]).toContain('2027-01-04T23:59:59.999Z');
    expect(out[0]).toContain('england-and-wales');
  });

  it('answers the Saturday-start example through the dispatcher, as `concord deadline` does', async () => {
    const { code, out, err } = await viaMain([
      '--from',
      '2026-11-28T11:00:00Z',
      '--working-days',
      '5',
      '--json',
    ]);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(JSON.parse(out[0] ?? '')).toEqual({ dueDate: '2026-12-04', due: '2026-12-04T23:59:59.999Z' });
  });

  it('prints usage for --help and exits 0', async () => {
    const { io, out } = capture();
    expect(await run(['--help'], io)).toBe(0);
    expect(out[0]).toMatch(/^usage: concord deadline --from ISO/);
  });
});

describe('concord deadline with bad arguments exits 2 with a one-line reason', () => {
  it.each([
    { why: 'no --from', argv: ['--working-days', '5'], reason: /--from ISO is required/ },
    {
      why: 'no timescale',
      argv: ['--from', '2026-12-23T10:00:00Z'],
      reason: /--working-days N, or --procedure/,
    },
    {
      why: 'a zone-less time',
      argv: ['--from', '2026-12-23T10:00', '--working-days', '1'],
      reason: /with a zone/,
    },
    { why: 'a non-date', argv: ['--from', 'tomorrow', '--working-days', '1'], reason: /--from must be/ },
    {
      why: 'an impossible date',
      argv: ['--from', '2026-02-30T10:00:00Z', '--working-days', '1'],
      reason: /--from/,
    },
    { why: 'negative days', argv: ['--from', '2026-06-01', '--working-days=-1'], reason: /whole number/ },
    {
      why: 'negative days, spaced',
      argv: ['--from', '2026-06-01', '--working-days', '-1'],
      reason: /ambiguous/,
    },
    {
      why: 'fractional days',
      argv: ['--from', '2026-06-01', '--working-days', '2.5'],
      reason: /whole number/,
    },
    {
      why: 'non-numeric days',
      argv: ['--from', '2026-06-01', '--working-days', 'five'],
      reason: /whole number/,
    },
    {
      why: 'an unknown division',
      argv: ['--from', '2026-06-01', '--working-days', '1', '--division', 'wales'],
      reason: /--division must be one of england-and-wales, scotland, northern-ireland/,
    },
    {
      why: 'an unknown option',
      argv: ['--from', '2026-06-01', '--days', '1'],
      reason: /Unknown option '--days'/,
    },
    { why: 'a stray argument', argv: ['2026-06-01', '--working-days', '1'], reason: /positional/ },
    {
      why: 'both timescales',
      argv: ['--from', '2026-06-01', '--working-days', '1', '--procedure', 'ane', '--stage', 'stage-1'],
      reason: /not both/,
    },
    {
      why: '--stage alone',
      argv: ['--from', '2026-06-01', '--stage', 'stage-1'],
      reason: /--stage needs --procedure/,
    },
    {
      why: '--procedure alone',
      argv: ['--from', '2026-06-01', '--procedure', 'ane'],
      reason: /needs --stage/,
    },
    {
      why: 'a date beyond the bank-holiday data',
      argv: ['--from', '2035-01-01T09:00:00Z', '--working-days', '1'],
      reason: /no england-and-wales bank-holiday data for 2035-01-01/,
    },
  ])('$why', async ({ argv, reason }) => {
    await expect(run(argv, capture().io)).rejects.toBeInstanceOf(CliUsageError);
    const { code, err, out } = await viaMain(argv);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).not.toContain('\n');
    expect(err[0]).toMatch(reason);
  });
});

describe('concord deadline --procedure --stage (stub catalogue)', () => {
  // Stands in for src/procedures/index.ts so the branch is tested whatever the catalogue holds.
  const stages = [
    { id: 'stage-1', name: 'Stage 1', timescale: { kind: 'working-days', workingDays: 5 } },
    { id: 'stage-4', name: 'Stage 4', timescale: { kind: 'none' } },
  ];
  afterEach(() => {
    vi.doUnmock('../../src/procedures/index.ts');
  });

  async function withStub<T>(body: () => Promise<T>): Promise<T> {
    vi.doMock('../../src/procedures/index.ts', () => ({
      getProcedure: (id: string) => (id === 'ane' ? { id, stages } : undefined),
      stageWorkingDays: (stage: (typeof stages)[number]) =>
        stage.timescale.kind === 'working-days' ? (stage.timescale.workingDays ?? null) : null,
    }));
    return body();
  }

  it('uses the stage working days', async () => {
    await withStub(async () => {
      expect(
        await json(['--from', '2026-12-23T10:00:00Z', '--procedure', 'ane', '--stage', 'stage-1']),
      ).toEqual({
        dueDate: '2027-01-04',
        due: '2027-01-04T23:59:59.999Z',
      });
    });
  });

  it.each([
    {
      why: 'an unknown procedure',
      argv: ['--procedure', 'nope', '--stage', 'stage-1'],
      reason: /unknown procedure "nope"/,
    },
    {
      why: 'an unknown stage',
      argv: ['--procedure', 'ane', '--stage', 'stage-9'],
      reason: /no stage "stage-9" \(stages: stage-1, stage-4\)/,
    },
    {
      why: 'a stage without a working-day timescale',
      argv: ['--procedure', 'ane', '--stage', 'stage-4'],
      reason: /has no working-day timescale/,
    },
  ])('exits 2 for $why', async ({ argv, reason }) => {
    await withStub(async () => {
      const { code, err } = await viaMain(['--from', '2026-12-23T10:00:00Z', ...argv]);
      expect(code).toBe(2);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(reason);
    });
  });
});

// The real catalogue: a procedure that fails to load must fail these tests, never skip them.
describe('concord deadline --procedure --stage (bundled catalogue)', () => {
  it("ANE's stage-1 is 5 working days", async () => {
    expect(
      await json(['--from', '2026-12-23T10:00:00Z', '--procedure', 'ane', '--stage', 'stage-1']),
    ).toEqual({
      dueDate: '2027-01-04',
      due: '2027-01-04T23:59:59.999Z',
    });
  });

  it('exits 2 for an unknown procedure', async () => {
    const { code, err } = await viaMain([
      '--from',
      '2026-12-23T10:00:00Z',
      '--procedure',
      'nope',
      '--stage',
      'x',
    ]);
    expect(code).toBe(2);
    expect(err[0]).toMatch(/unknown procedure "nope"/);
  });
});
