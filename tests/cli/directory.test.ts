import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { SAMPLE_DIRECTORIES } from '../../src/directory/samples.ts';
import { sixthProcedureJson } from '../directory/sixth-procedure.ts';

async function concord(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

/** Writes `data` (the ANE sample, edited by `edit`) to a temporary file and returns its path. */
// biome-ignore lint/suspicious/noExplicitAny: raw directory JSON, broken on purpose.
async function brokenSample(edit: (data: Record<string, any>) => void): Promise<string> {
  const data = JSON.parse(await readFile(SAMPLE_DIRECTORIES.ane, 'utf8'));
  edit(data);
  const file = join(await mkdtemp(join(tmpdir(), 'concord-directory-')), 'directory.json');
  await writeFile(file, JSON.stringify(data));
  return file;
}

describe('concord directory check FILE', () => {
  it('the samples checked below are every directory file the repository bundles', () => {
    const bundled = readdirSync('directory')
      .filter((f) => f.endsWith('.json'))
      .map((f) => `directory/${f}`)
      .sort();
    expect(Object.values(SAMPLE_DIRECTORIES).sort()).toEqual(bundled);
  });

  it.each(Object.values(SAMPLE_DIRECTORIES))('%s is valid: exit 0 with a one-line summary', async (file) => {
    const { code, out, err } = await concord('directory', 'check', file);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      new RegExp(
        `^${file}: valid: .*fictional sample.*\\d+ organisations \\(\\d in the host tenant\\), \\d+ people`,
      ),
    );
  });

  it('--json summarises a valid file', async () => {
    const { code, out } = await concord('directory', 'check', SAMPLE_DIRECTORIES['iro-drp'], '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out[0] ?? '')).toEqual({
      valid: true,
      file: SAMPLE_DIRECTORIES['iro-drp'],
      partnership: expect.stringMatching(/fictional/),
      organisations: 3,
      hostOrganisations: 2,
      people: expect.any(Number),
      counterparts: 0,
      procedures: ['iro-drp'],
    });
  });

  it('reports every bad value by its path and exits 2', async () => {
    const file = await brokenSample((data) => {
      data.people[0].email = 'practitioner at ane';
      data.people[2].roles = ['boss'];
      data.organisations[1].kind = 'charity';
    });
    const { code, out, err } = await concord('directory', 'check', file);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err[0]).toBe(`${file}: invalid directory (3 problems)`);
    expect(err).toContainEqual(
      expect.stringMatching(new RegExp(`^${file}: people\\[0\\]\\.email: must be an email address`)),
    );
    expect(err).toContainEqual(expect.stringMatching(new RegExp(`^${file}: organisations\\[1\\]\\.kind: `)));
    // The unknown role is reported beside the shape problems, not only once they are fixed.
    expect(err).toContainEqual(
      expect.stringMatching(new RegExp(`^${file}: people\\[2\\]\\.roles\\[0\\]: unknown role "boss"`)),
    );
    for (const line of err) expect(line).not.toContain('\n');
  });

  it('reports an unknown role by path once the shape is sound (exit 2), and --json lists the issues', async () => {
    const file = await brokenSample((data) => {
      data.people[2].roles = ['boss'];
    });
    const { code, out } = await concord('directory', 'check', file, '--json');
    expect(code).toBe(2);
    expect(JSON.parse(out[0] ?? '')).toEqual({
      valid: false,
      file,
      issues: [{ path: 'people[2].roles[0]', message: expect.stringContaining('unknown role "boss"') }],
    });
  });

  it('checks cross-references (domains, managers, counterparts) once the shape is sound', async () => {
    const file = await brokenSample((data) => {
      data.people[0].email = 'practitioner@elsewhere.example';
      data.people[1].manager = 'nobody';
    });
    const { code, err } = await concord('directory', 'check', file);
    expect(code).toBe(2);
    expect(err.slice(1)).toEqual([
      `${file}: people[0].email: must be an address in ane.example (organisation "ane")`,
      `${file}: people[1].manager: unknown person "nobody"`,
    ]);
  });

  it('a file that cannot be read or parsed is invalid (exit 2)', async () => {
    expect((await concord('directory', 'check', '/nonexistent/directory.json')).err[1]).toMatch(
      /cannot read/,
    );
    const file = join(await mkdtemp(join(tmpdir(), 'concord-directory-')), 'bad.json');
    await writeFile(file, '{ nope');
    const { code, err } = await concord('directory', 'check', file);
    expect(code).toBe(2);
    expect(err[1]).toMatch(/not valid JSON/);
  });

  it('--procedure FILE adds a procedure whose new role the directory may then use', async () => {
    const file = await brokenSample((data) => {
      data.organisations[1].procedures.push('kinship-care');
      data.people.push({
        id: 'gateshead-kinship-navigator',
        displayName: 'Kinship Navigator, Gateshead',
        email: 'kinship.navigator@gateshead.example',
        organisation: 'gateshead',
        jobTitle: 'Kinship Navigator',
        roles: ['kinship-navigator'],
      });
    });
    expect((await concord('directory', 'check', file)).code).toBe(2);
    const procedure = join(await mkdtemp(join(tmpdir(), 'concord-procedure-')), 'kinship-care.json');
    await writeFile(procedure, JSON.stringify(sixthProcedureJson()));
    const { code, out, err } = await concord('directory', 'check', file, '--procedure', procedure);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out[0]).toContain('procedures: ane, kinship-care');
  });

  it.each([
    { argv: [], reason: /a subcommand is required/ },
    { argv: ['lint', 'x.json'], reason: /unknown subcommand "lint"/ },
    { argv: ['check'], reason: /FILE is required/ },
    { argv: ['check', 'a.json', 'b.json'], reason: /unexpected argument "b.json"/ },
    { argv: ['check', 'a.json', '--strict'], reason: /Unknown option '--strict'/ },
    {
      argv: ['check', 'a.json', '--procedure', '/nonexistent.json'],
      reason: /--procedure \/nonexistent.json: /,
    },
  ])('bad arguments $argv exit 2 with a one-line reason', async ({ argv, reason }) => {
    const { code, out, err } = await concord('directory', ...argv);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^concord directory: /);
    expect(err[0]).toMatch(reason);
  });

  it('--help prints usage and exits 0', async () => {
    const { code, out } = await concord('directory', '--help');
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^usage: concord directory check FILE/);
  });
});
