import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/procedures.ts';
import { type CliIo, CliUsageError } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

async function json(): Promise<unknown> {
  const io = capture();
  expect(await run(['--json'], io)).toBe(0);
  expect(io.stdout).toHaveLength(1);
  return JSON.parse(io.stdout[0] ?? '');
}

describe('concord procedures --json', () => {
  it('lists every procedure in the contract order with exactly the contract fields', async () => {
    const list = (await json()) as Record<string, unknown>[];
    expect(list.map((p) => p.id)).toEqual(['ane', 'dudley-dscb', 'iro-drp', 'nel-lscb-sab', 'solihull-ssab']);
    for (const p of list) {
      expect(Object.keys(p).sort()).toEqual([
        'id',
        'name',
        'overallWorkingDays',
        'source',
        'stages',
        'version',
      ]);
      expect(typeof p.name).toBe('string');
      expect(typeof p.version).toBe('string');
      expect(typeof p.source).toBe('string');
      expect(p.overallWorkingDays === null || Number.isInteger(p.overallWorkingDays)).toBe(true);
      const stages = p.stages as Record<string, unknown>[];
      expect(stages.length).toBeGreaterThan(0);
      for (const s of stages) {
        expect(Object.keys(s).sort()).toEqual(['channel', 'id', 'name', 'workingDays']);
        expect(['email', 'meeting', 'discussion', 'reassignment', 'written']).toContain(s.channel);
        expect(s.workingDays === null || Number.isInteger(s.workingDays)).toBe(true);
      }
    }
  });

  it('gives each procedure its stages, timescales and overall cap', async () => {
    const list = (await json()) as {
      id: string;
      overallWorkingDays: number | null;
      stages: { id: string; workingDays: number | null; channel: string }[];
    }[];
    const view = Object.fromEntries(
      list.map((p) => [
        p.id,
        {
          overall: p.overallWorkingDays,
          stages: p.stages.map((s) => `${s.id}:${s.channel}:${s.workingDays}`),
        },
      ]),
    );
    expect(view).toEqual({
      ane: {
        overall: 20,
        stages: [
          'informal:discussion:null',
          'stage-1:email:5',
          'stage-2:email:5',
          'stage-3:meeting:5',
          'stage-4:meeting:5',
        ],
      },
      'dudley-dscb': {
        overall: null,
        stages: [
          'stage-1:discussion:null',
          'stage-2:discussion:null',
          'stage-3a:meeting:null',
          'stage-3b:written:null',
        ],
      },
      'iro-drp': {
        overall: 20,
        stages: [
          'stage-1:discussion:5',
          'stage-2:reassignment:5',
          'stage-3:reassignment:5',
          'stage-4:reassignment:5',
          'stage-5:written:5',
          'stage-6:written:null',
        ],
      },
      'nel-lscb-sab': {
        overall: 25,
        stages: [
          'informal:discussion:null',
          'stage-1:discussion:null',
          'stage-2:discussion:15',
          'stage-3:discussion:null',
          'stage-4:meeting:null',
        ],
      },
      'solihull-ssab': {
        overall: null,
        stages: [
          'stage-1:discussion:5',
          'stage-2:discussion:5',
          'stage-3:discussion:null',
          'stage-4:meeting:null',
        ],
      },
    });
  });
});

describe('concord procedures (table)', () => {
  it('prints a readable listing naming every procedure and stage', async () => {
    const io = capture();
    expect(await run([], io)).toBe(0);
    const text = io.stdout.join('\n');
    for (const id of [
      'ane',
      'dudley-dscb',
      'iro-drp',
      'nel-lscb-sab',
      'solihull-ssab',
      'stage-3a',
      'stage-3b',
    ]) {
      expect(text).toContain(id);
    }
    expect(text).toContain('overall 25 working days');
    expect(() => JSON.parse(text)).toThrow();
    expect(io.stderr).toEqual([]);
  });
});

describe('concord procedures: bad arguments', () => {
  it('throws CliUsageError for an unknown flag or a positional', async () => {
    await expect(run(['--bogus'], capture())).rejects.toBeInstanceOf(CliUsageError);
    await expect(run(['ane'], capture())).rejects.toBeInstanceOf(CliUsageError);
    await expect(run(['--json=yes'], capture())).rejects.toBeInstanceOf(CliUsageError);
  });

  it('exits 2 with a one-line reason through main', async () => {
    const io = capture();
    expect(await main(['procedures', '--bogus'], io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^concord procedures: .*--bogus/);
  });

  it('exits 0 through main', async () => {
    const io = capture();
    expect(await main(['procedures', '--json'], io)).toBe(0);
    expect(io.stderr).toEqual([]);
  });
});

describe('the concord binary', () => {
  const bin = fileURLToPath(new URL('../../bin/concord.mjs', import.meta.url));
  const exec = promisify(execFile);

  it('prints the JSON list and exits 0', async () => {
    const { stdout } = await exec(process.execPath, [bin, 'procedures', '--json']);
    const list = JSON.parse(stdout) as { id: string }[];
    expect(list.map((p) => p.id)).toEqual(['ane', 'dudley-dscb', 'iro-drp', 'nel-lscb-sab', 'solihull-ssab']);
  });

  it('exits 2 on an unknown flag', async () => {
    const failure = await exec(process.execPath, [bin, 'procedures', '--nope']).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
  });
});
