/**
 * `npm run package`: builds build/appPackage.zip from manifest/manifest.template.json and the
 * environment (BOT_ID or MicrosoftAppId, PUBLIC_URL, TEAMS_APP_ID, APP_VERSION), validating it
 * offline. Exits 1 and lists every problem when the manifest or icons are invalid.
 *
 * Flags: `--template FILE` (default manifest/manifest.template.json), `--out FILE` (default
 * build/appPackage.zip).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packagingEnvironment } from '../config/index.ts';
import { buildAppPackage, packageValuesFromEnv } from './build.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const templatePath = path.resolve(flag('--template') ?? path.join(root, 'manifest/manifest.template.json'));
  const outPath = path.resolve(flag('--out') ?? path.join(root, 'build/appPackage.zip'));
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const { values, mode, notes } = packageValuesFromEnv(packagingEnvironment(), pkg.version);
  for (const note of notes) console.warn(`note: ${note}`);

  let template: unknown;
  try {
    template = JSON.parse(await readFile(templatePath, 'utf8'));
  } catch (e) {
    console.error(`package: cannot read the manifest template ${templatePath}: ${(e as Error).message}`);
    return 1;
  }
  const result = await buildAppPackage({
    template,
    values,
    readFile: (p) => readFile(p),
    manifestDir: path.dirname(templatePath),
  });
  if (!result.ok) {
    console.error(
      `package: the app manifest is invalid (${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}):`,
    );
    for (const e of result.errors) console.error(`  - ${e}`);
    return 1;
  }
  await mkdir(path.dirname(outPath), { recursive: true });
  await writeFile(outPath, result.zip);
  console.log(
    `package: wrote ${path.relative(process.cwd(), outPath) || outPath} (${mode} mode, bot ${values.BOT_ID}, manifest ${String(result.manifest.manifestVersion)}, validated offline)`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`package: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
