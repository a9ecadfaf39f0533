import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import {
  buildAppPackage,
  checkIcon,
  fillTemplate,
  LOCAL_PLACEHOLDER_BOT_ID,
  packageValuesFromEnv,
  validateManifest,
} from '../../src/manifest/build.ts';
import { decodePng, readPngInfo } from '../../src/manifest/png.ts';
import { encodePng } from '../../tools/icons/encode-png.ts';
import { drawColorIcon, drawOutlineIcon } from '../../tools/icons/icons.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifestDir = path.join(root, 'manifest');
const templatePath = path.join(manifestDir, 'manifest.template.json');
const run = promisify(execFile);
const BOT = '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

async function template(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(templatePath, 'utf8'));
}

const readText = async (p: string) => readFile(p, 'utf8');

describe('manifest template', () => {
  it('uses the newest GA Teams schema bundled with @microsoft/app-manifest', async () => {
    const t = await template();
    expect(t.$schema).toBe(
      'https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json',
    );
    expect(t.manifestVersion).toBe('1.30');
  });

  it('has the bot in personal scope with the three commands, SSO placeholder and valid domains', async () => {
    const { values } = packageValuesFromEnv({ BOT_ID: BOT, PUBLIC_URL: 'https://concord.example' }, '0.1.0');
    const { manifest, missing } = fillTemplate(await template(), values as unknown as Record<string, string>);
    expect(missing).toEqual([]);
    const m = manifest as {
      bots: { botId: string; scopes: string[]; commandLists: { commands: { title: string }[] }[] }[];
      webApplicationInfo: { id: string; resource: string };
      validDomains: string[];
    };
    expect(m.bots[0]?.botId).toBe(BOT);
    expect(m.bots[0]?.scopes).toEqual(['personal']);
    expect(m.bots[0]?.commandLists[0]?.commands.map((c) => c.title)).toEqual([
      'raise a dispute',
      'my disputes',
      'help',
    ]);
    expect(m.webApplicationInfo).toEqual({ id: BOT, resource: `api://concord.example/${BOT}` });
    expect(m.validDomains).toEqual(['concord.example']);
    expect(await validateManifest(manifest, readText)).toEqual([]);
  });
});

describe('package values', () => {
  it('falls back to local mode with a fixed placeholder bot id, and says so', () => {
    const r = packageValuesFromEnv({}, '0.1.0');
    expect(r.mode).toBe('local');
    expect(r.values.BOT_ID).toBe(LOCAL_PLACEHOLDER_BOT_ID);
    expect(r.values.PUBLIC_HOST).toBe('localhost:3978');
    expect(r.values.TAB_URL).toBe('http://localhost:3978/tab/');
    expect(r.notes.join()).toMatch(/BOT_ID is not set/);
  });

  it('accepts the MicrosoftAppId alias', () => {
    expect(
      packageValuesFromEnv({ MicrosoftAppId: BOT, PUBLIC_URL: 'https://concord.example' }, '1.2.3').values,
    ).toMatchObject({
      BOT_ID: BOT,
      APP_VERSION: '1.2.3',
    });
  });
});

describe('icons', () => {
  it('the committed icons are 192x192 colour and 32x32 white-on-transparent outline', async () => {
    const color = await readFile(path.join(manifestDir, 'color.png'));
    const outline = await readFile(path.join(manifestDir, 'outline.png'));
    expect(readPngInfo(color)).toMatchObject({ width: 192, height: 192 });
    expect(readPngInfo(outline)).toMatchObject({ width: 32, height: 32, colorType: 6 });
    expect(checkIcon('color.png', color, 'color')).toEqual([]);
    expect(checkIcon('outline.png', outline, 'outline')).toEqual([]);
  });

  it('the committed icons are what the drawing code makes', async () => {
    expect(await readFile(path.join(manifestDir, 'color.png'))).toEqual(encodePng(drawColorIcon()));
    expect(await readFile(path.join(manifestDir, 'outline.png'))).toEqual(encodePng(drawOutlineIcon()));
  });

  it('PNG encode/decode round-trips', () => {
    const img = drawOutlineIcon();
    expect(decodePng(encodePng(img)).pixels).toEqual(img.pixels);
  });

  it('rejects a wrong size and a coloured or opaque outline', () => {
    expect(checkIcon('color.png', encodePng(drawColorIcon(96)), 'color')).toEqual([
      'icon color.png must be 192x192 pixels (it is 96x96)',
    ]);
    const opaque = encodePng(drawColorIcon(32));
    const problems = checkIcon('outline.png', opaque, 'outline');
    expect(problems).toContain('icon outline.png must have a transparent background');
    expect(problems.some((p) => /must be white only/.test(p))).toBe(true);
    expect(checkIcon('x.png', Buffer.from('not a png'), 'color')).toEqual(['icon x.png: not a PNG file']);
  });
});

describe('PUBLIC_URL for a cloud package', () => {
  it('is required, HTTPS and not localhost; the host goes into validDomains and webApplicationInfo', () => {
    for (const PUBLIC_URL of [
      undefined,
      'http://concord.example',
      'https://localhost:3978',
      'https://127.0.0.1',
    ]) {
      expect(() =>
        packageValuesFromEnv({ BOT_ID: BOT, ...(PUBLIC_URL ? { PUBLIC_URL } : {}) }, '0.1.0'),
      ).toThrow(/PUBLIC_URL must be the public HTTPS address/);
    }
    expect(
      packageValuesFromEnv({ BOT_ID: BOT, PUBLIC_URL: 'https://concord.council.example' }, '0.1.0').values
        .PUBLIC_HOST,
    ).toBe('concord.council.example');
    // Local mode keeps localhost and its port.
    expect(packageValuesFromEnv({}, '0.1.0').values.PUBLIC_HOST).toBe('localhost:3978');
  });
});

describe('buildAppPackage', () => {
  const readFileBuf = (p: string) => readFile(p);

  it('builds a zip with manifest.json and both icons', async () => {
    const { values } = packageValuesFromEnv({ BOT_ID: BOT, PUBLIC_URL: 'https://concord.example' }, '0.1.0');
    const result = await buildAppPackage({
      template: await template(),
      values,
      readFile: readFileBuf,
      manifestDir,
    });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const zip = await JSZip.loadAsync(result.zip);
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse((await zip.file('manifest.json')?.async('string')) ?? '{}');
    expect(manifest.bots[0].botId).toBe(BOT);
  });

  it('a bad bot id fails with the schema error listed', async () => {
    const result = await buildAppPackage({
      template: await template(),
      values: {
        BOT_ID: 'not-a-guid',
        TEAMS_APP_ID: BOT,
        APP_VERSION: '0.1.0',
        PUBLIC_HOST: 'concord.example',
        TAB_URL: 'https://concord.example/tab/',
      },
      readFile: readFileBuf,
      manifestDir,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContain(
      'schema: /bots/0/botId must match pattern "^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$". Details: {"pattern":"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"}',
    );
  });

  it('a missing required field fails with the schema error listed', async () => {
    const t = await template();
    delete t.developer;
    const { values } = packageValuesFromEnv({ BOT_ID: BOT, PUBLIC_URL: 'https://concord.example' }, '0.1.0');
    const result = await buildAppPackage({ template: t, values, readFile: readFileBuf, manifestDir });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(/must have required property 'developer'/);
  });

  it('an unbundled $schema is refused rather than fetched', async () => {
    const t = { ...(await template()), $schema: 'https://evil.example/schema.json' };
    const { values } = packageValuesFromEnv({ BOT_ID: BOT, PUBLIC_URL: 'https://concord.example' }, '0.1.0');
    const result = await buildAppPackage({ template: t, values, readFile: readFileBuf, manifestDir });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(/not one of the Teams schemas bundled/);
  });

  it('an unknown placeholder is reported', async () => {
    const placeholder = ['$', '{{NO_SUCH_VALUE}}'].join('');
    const t = { ...(await template()), version: placeholder };
    const { values } = packageValuesFromEnv({ BOT_ID: BOT, PUBLIC_URL: 'https://concord.example' }, '0.1.0');
    const result = await buildAppPackage({ template: t, values, readFile: readFileBuf, manifestDir });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContain(`template placeholder ${placeholder} has no value`);
  });
});

describe('npm run package (the script)', () => {
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  const script = path.join(root, 'src/manifest/package.ts');
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

  it('writes the zip in local mode and says it used the placeholder bot id', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'concord-pkg-')), 'appPackage.zip');
    const { stdout, stderr } = await run(tsx, [script, '--out', out], { env, cwd: root });
    expect(stderr).toMatch(/BOT_ID is not set: local mode/);
    expect(stdout).toMatch(/wrote .*appPackage\.zip \(local mode/);
    const zip = await JSZip.loadAsync(await readFile(out));
    expect(zip.file('manifest.json')).not.toBeNull();
  });

  it('exits non-zero and lists the errors for an invalid manifest', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'concord-pkg-'));
    const t = await template();
    delete t.name;
    const bad = path.join(dir, 'manifest.template.json');
    await writeFile(bad, JSON.stringify(t));
    const err = await run(tsx, [script, '--template', bad, '--out', path.join(dir, 'x.zip')], {
      env: { ...env, BOT_ID: 'nope', PUBLIC_URL: 'https://concord.example' },
      cwd: root,
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toMatch(/the app manifest is invalid/);
    expect(err?.stderr).toMatch(/- schema: .*must have required property 'name'/);
    expect(err?.stderr).toMatch(/- schema: \/bots\/0\/botId must match pattern/);
    expect(err?.stderr).toMatch(/icon color\.png is missing/);
  });
});
