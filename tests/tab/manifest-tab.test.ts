/**
 * Issue 13: the app package carries the personal tab ("Disputes") beside the bot's chat, with SSO
 * (`webApplicationInfo`) and the tab's host in `validDomains`, and validates offline against the
 * bundled Teams schema (@microsoft/app-manifest).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { buildAppPackage, packageValuesFromEnv } from '../../src/manifest/build.ts';

const manifestDir = fileURLToPath(new URL('../../manifest/', import.meta.url));
const BOT = '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

describe('the Teams app package with the tab', () => {
  it('has the Disputes personal tab, keeps the chat, and validates offline', async () => {
    const template = JSON.parse(await readFile(path.join(manifestDir, 'manifest.template.json'), 'utf8'));
    const { values } = packageValuesFromEnv({ BOT_ID: BOT, PUBLIC_URL: 'https://concord.example' }, '0.1.0');
    const result = await buildAppPackage({ template, values, readFile: (p) => readFile(p), manifestDir });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const zip = await JSZip.loadAsync(result.zip);
    const manifest = JSON.parse((await zip.file('manifest.json')?.async('string')) ?? '{}');
    expect(manifest.staticTabs).toEqual([
      { entityId: 'conversations', scopes: ['personal'] },
      {
        entityId: 'disputes',
        name: 'Disputes',
        contentUrl: 'https://concord.example/tab/',
        websiteUrl: 'https://concord.example/tab/',
        scopes: ['personal'],
      },
    ]);
    // The tab's SSO token is for this resource; the server accepts it as the audience.
    expect(manifest.webApplicationInfo).toEqual({ id: BOT, resource: `api://concord.example/${BOT}` });
    expect(manifest.validDomains).toContain('concord.example');
  });

  it('keeps the port of PUBLIC_URL in the tab URL, validDomains and the SSO resource', async () => {
    const template = JSON.parse(await readFile(path.join(manifestDir, 'manifest.template.json'), 'utf8'));
    const { values } = packageValuesFromEnv(
      { BOT_ID: BOT, PUBLIC_URL: 'https://concord.example:8443/' },
      '0.1.0',
    );
    const result = await buildAppPackage({ template, values, readFile: (p) => readFile(p), manifestDir });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const zip = await JSZip.loadAsync(result.zip);
    const manifest = JSON.parse((await zip.file('manifest.json')?.async('string')) ?? '{}');
    expect(manifest.staticTabs[1].contentUrl).toBe('https://concord.example:8443/tab/');
    expect(manifest.staticTabs[1].websiteUrl).toBe('https://concord.example:8443/tab/');
    expect(manifest.validDomains).toContain('concord.example:8443');
    expect(manifest.webApplicationInfo.resource).toBe(`api://concord.example:8443/${BOT}`);
    // Local mode: the tab is where npm start serves it.
    expect(packageValuesFromEnv({ PORT: '4100' }, '0.1.0').values.TAB_URL).toBe('http://localhost:4100/tab/');
  });

  it('a tab with a content URL that is not a URL is refused by the schema', async () => {
    const template = JSON.parse(await readFile(path.join(manifestDir, 'manifest.template.json'), 'utf8'));
    template.staticTabs[1].contentUrl = 'not a url';
    const { values } = packageValuesFromEnv({ BOT_ID: BOT, PUBLIC_URL: 'https://concord.example' }, '0.1.0');
    const result = await buildAppPackage({ template, values, readFile: (p) => readFile(p), manifestDir });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(/contentUrl/);
  });
});
