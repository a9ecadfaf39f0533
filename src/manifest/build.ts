/**
 * Builds the Teams app package: fills `manifest/manifest.template.json` from values, validates the
 * manifest offline against the schema bundled in @microsoft/app-manifest, checks the icons, and
 * zips manifest.json + icons. Problems are returned as a list, never thrown one at a time.
 *
 * Template placeholders are `${{NAME}}`; every one must have a value.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { decodePng, readPngInfo } from './png.ts';

/** Teams' icon sizes: the colour icon is 192×192, the outline icon 32×32. */
export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

/** Used in local mode, where there is no Entra app: clearly not a real registration. */
export const LOCAL_PLACEHOLDER_BOT_ID = '00000000-0000-4000-8000-00000000c0de';
/** The Teams app id when TEAMS_APP_ID is not set: fixed so reinstalling updates the same app. */
export const DEFAULT_TEAMS_APP_ID = '3c0c0d00-5e11-4a1e-9d15-c0c0d0000001';

export interface PackageValues {
  readonly BOT_ID: string;
  readonly TEAMS_APP_ID: string;
  readonly APP_VERSION: string;
  /** PUBLIC_URL's host with its port, if any: validDomains and the SSO resource (`api://HOST/BOT_ID`). */
  readonly PUBLIC_HOST: string;
  /** The tab's content URL: PUBLIC_URL (scheme, port and any path) followed by `/tab/`. */
  readonly TAB_URL: string;
}

export interface ResolvedValues {
  readonly values: PackageValues;
  readonly mode: 'local' | 'cloud';
  readonly notes: readonly string[];
}

/**
 * Package values from an environment record (the caller passes `packagingEnvironment()`). `BOT_ID` (or its
 * alias `MicrosoftAppId`) is required for a real package; without it the package is built in
 * local mode with `LOCAL_PLACEHOLDER_BOT_ID`, and a note says so.
 */
export function packageValuesFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  appVersion: string,
): ResolvedValues {
  const notes: string[] = [];
  const botId = (env.BOT_ID ?? env.MicrosoftAppId ?? '').trim();
  const mode = botId ? 'cloud' : 'local';
  if (!botId)
    notes.push(
      `BOT_ID is not set: local mode, using the placeholder bot id ${LOCAL_PLACEHOLDER_BOT_ID}. This package cannot be installed in a real tenant.`,
    );
  const given = (env.PUBLIC_URL ?? '').trim();
  const publicUrl = given || `http://localhost:${(env.PORT ?? '').trim() || '3978'}`;
  let host: string;
  let protocol = '';
  try {
    const url = new URL(publicUrl);
    // host, not hostname: a port (a local or staging PUBLIC_URL) is part of where the tab is.
    host = url.host;
    protocol = url.protocol;
  } catch {
    host = publicUrl;
  }
  // A cloud package names the public host in validDomains and webApplicationInfo.resource, and Graph
  // calls PUBLIC_URL for notifications over HTTPS only: never localhost, never http.
  if (mode === 'cloud' && (!given || protocol !== 'https:' || /^(localhost|127\.|\[::1\])/i.test(host)))
    throw new Error(
      `PUBLIC_URL must be the public HTTPS address for a cloud package (BOT_ID is set); got ${given ? `"${given}"` : 'nothing'}`,
    );
  return {
    mode,
    notes,
    values: {
      BOT_ID: botId || LOCAL_PLACEHOLDER_BOT_ID,
      TEAMS_APP_ID: (env.TEAMS_APP_ID ?? '').trim() || DEFAULT_TEAMS_APP_ID,
      APP_VERSION: (env.APP_VERSION ?? '').trim() || appVersion,
      PUBLIC_HOST: host,
      TAB_URL: `${publicUrl.replace(/\/+$/, '')}/tab/`,
    },
  };
}

/** Replaces `${{NAME}}` in every string of the template. Unknown names are reported. */
export function fillTemplate(
  template: unknown,
  values: Readonly<Record<string, string>>,
): { manifest: unknown; missing: string[] } {
  const missing = new Set<string>();
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(/\$\{\{\s*([A-Z0-9_]+)\s*\}\}/g, (_m, name: string) => {
        const value = values[name];
        if (value === undefined) {
          missing.add(name);
          return '';
        }
        return value;
      });
    }
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return {
    manifest: fill(template),
    missing: [...missing].map((n) => `template placeholder \${{${n}}} has no value`),
  };
}

const require = createRequire(import.meta.url);
const SCHEMA_ROOT = path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build');

/**
 * The local copy of the manifest's `$schema`, or null when @microsoft/app-manifest does not bundle it.
 * Validation never goes to the network.
 */
export function bundledSchemaPath(schemaUrl: string): string | null {
  const m =
    /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?(json-schemas\/teams\/v[0-9.]+\/MicrosoftTeams\.schema\.json)$/i.exec(
      schemaUrl,
    );
  if (!m?.[1]) return null;
  return path.join(SCHEMA_ROOT, m[1]);
}

/** Validates against the bundled schema. Returns the errors (empty when valid). */
export async function validateManifest(
  manifest: unknown,
  readFile: (p: string) => Promise<string>,
): Promise<string[]> {
  if (!manifest || typeof manifest !== 'object') return ['manifest is not a JSON object'];
  const schemaUrl = (manifest as { $schema?: unknown }).$schema;
  if (typeof schemaUrl !== 'string') return ['manifest has no $schema'];
  const file = bundledSchemaPath(schemaUrl);
  let schemaText: string;
  try {
    if (!file) throw new Error('not bundled');
    schemaText = await readFile(file);
  } catch {
    return [
      `$schema ${schemaUrl} is not one of the Teams schemas bundled with @microsoft/app-manifest; validation is offline only`,
    ];
  }
  const schema = JSON.parse(schemaText.replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b'));
  const errors = await AppManifestUtils.validateAgainstSchema(manifest as never, schema);
  return errors.map((e) => `schema: ${e.trim()}`);
}

/** Checks an icon's size (and, for the outline, that it is white on transparent). */
export function checkIcon(name: string, png: Buffer, kind: 'color' | 'outline'): string[] {
  const expected = kind === 'color' ? COLOR_ICON_SIZE : OUTLINE_ICON_SIZE;
  let info: ReturnType<typeof readPngInfo>;
  try {
    info = readPngInfo(png);
  } catch (e) {
    return [`icon ${name}: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  if (info.width !== expected || info.height !== expected) {
    problems.push(`icon ${name} must be ${expected}x${expected} pixels (it is ${info.width}x${info.height})`);
  }
  if (kind === 'outline') {
    if (info.colorType !== 6)
      return [...problems, `icon ${name} must have an alpha channel (transparent background)`];
    const { pixels } = decodePng(png);
    let opaque = 0;
    let transparent = 0;
    let coloured = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const a = pixels[i + 3] as number;
      if (a === 0) transparent++;
      else {
        opaque++;
        if (pixels[i] !== 255 || pixels[i + 1] !== 255 || pixels[i + 2] !== 255) coloured++;
      }
    }
    if (transparent === 0) problems.push(`icon ${name} must have a transparent background`);
    if (opaque === 0) problems.push(`icon ${name} is empty`);
    if (coloured > 0)
      problems.push(`icon ${name} must be white only (${coloured} visible pixels are not white)`);
  }
  return problems;
}

export interface BuildInput {
  readonly template: unknown;
  readonly values: PackageValues;
  /** Reads a file next to the template (icons) or a bundled schema. */
  readonly readFile: (p: string) => Promise<Buffer>;
  /** The folder of the template, for resolving icon paths. */
  readonly manifestDir: string;
}

export type BuildResult =
  | { readonly ok: true; readonly manifest: Record<string, unknown>; readonly zip: Buffer }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Fills, validates and zips. Deterministic: the zip's entry dates are fixed. */
export async function buildAppPackage(input: BuildInput): Promise<BuildResult> {
  const { manifest, missing } = fillTemplate(
    input.template,
    input.values as unknown as Record<string, string>,
  );
  const errors = [
    ...missing,
    ...(await validateManifest(manifest, async (p) => (await input.readFile(p)).toString('utf8'))),
  ];
  const icons = ((manifest ?? {}) as { icons?: { color?: unknown; outline?: unknown } }).icons ?? {};
  const files: [string, Buffer][] = [];
  for (const kind of ['color', 'outline'] as const) {
    const rel = icons[kind];
    if (typeof rel !== 'string' || !rel) continue;
    if (rel.includes('/') || rel.includes('\\')) {
      errors.push(`icon ${rel} must sit beside manifest.json (no folders)`);
      continue;
    }
    try {
      const png = await input.readFile(path.join(input.manifestDir, rel));
      errors.push(...checkIcon(rel, png, kind));
      files.push([rel, png]);
    } catch {
      errors.push(`icon ${rel} is missing from ${input.manifestDir}`);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const zip = new JSZip();
  const date = new Date('2026-01-01T00:00:00Z');
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`, { date });
  for (const [name, png] of files) zip.file(name, png, { date });
  const buffer = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  return { ok: true, manifest: manifest as Record<string, unknown>, zip: buffer };
}
