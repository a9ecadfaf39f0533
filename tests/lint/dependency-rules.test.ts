/**
 * The dependency rule (.dependency-cruiser.cjs, run by `npm run lint`) can fail, and says which rule
 * broke: dependency-cruiser runs with the repository's own config over a small fixture tree laid out
 * like src/, once with one forbidden import per rule and once with only allowed ones.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const run = promisify(execFile);
const made: string[] = [];

/** A fixture checkout: the given files, the repository's tsconfig, and its node_modules. */
function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'concord-depcruise-'));
  made.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), include: ['src'] }),
  );
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** Runs `depcruise src` with the repository's config in `dir`: exit code and report. */
async function depcruise(dir: string): Promise<{ code: number; report: string }> {
  const args = [DEPCRUISE, 'src', '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '-T', 'err'];
  try {
    const { stdout } = await run(process.execPath, args, { cwd: dir });
    return { code: 0, report: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, report: `${failed.stdout}${failed.stderr}` };
  }
}

/** The report's lines that name `rule`. */
const linesOf = (report: string, rule: string) => report.split('\n').filter((l) => l.includes(`${rule}:`));

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('the dependency rule', () => {
  it('names the rule each forbidden import breaks', async () => {
    const dir = fixture({
      'src/store/session.ts': "import { root } from '../app/root.ts';\nexport const session = root;\n",
      'src/app/root.ts': 'export const root = 1;\n',
      'src/domain/dispute/decide.ts':
        "import { session } from '../../store/session.ts';\nexport const d = session;\n",
      'src/domain/calendar/read.ts':
        "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
      'src/cards/render.ts': "import { reply } from '../bot/reply.ts';\nexport const card = reply;\n",
      'src/bot/reply.ts':
        "import { m365 } from '../../packages/m365-emulator/src/index.ts';\nexport const reply = m365;\n",
      'packages/m365-emulator/src/index.ts': 'export const m365 = 1;\n',
      'src/runtime/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'src/runtime/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
    });
    const { code, report } = await depcruise(dir);
    expect(code, report).not.toBe(0);
    expect(linesOf(report, 'domain-imports-only-domain').join('\n')).toMatch(
      /src\/domain\/dispute\/decide\.ts → src\/store\/session\.ts/,
    );
    expect(linesOf(report, 'domain-imports-only-domain').join('\n')).toMatch(
      /src\/domain\/calendar\/read\.ts → (node:)?fs/,
    );
    expect(linesOf(report, 'cards-and-email-import-only-domain').join('\n')).toMatch(
      /src\/cards\/render\.ts → src\/bot\/reply\.ts/,
    );
    expect(linesOf(report, 'adapters-never-import-composition-root').join('\n')).toMatch(
      /src\/store\/session\.ts → src\/app\/root\.ts/,
    );
    expect(linesOf(report, 'product-never-imports-emulator').join('\n')).toMatch(
      /src\/bot\/reply\.ts → packages\/m365-emulator\/src\/index\.ts/,
    );
    // A cycle is reported over several lines, starting at one of its modules.
    expect(linesOf(report, 'no-circular').join('\n')).toMatch(/error no-circular: src\/runtime\/(a|b)\.ts/);
  }, 60_000);

  it('passes a tree that keeps it', async () => {
    const dir = fixture({
      'data/holidays.json': '{"days":[]}\n',
      'adaptive-cards/welcome.json': '{"type":"AdaptiveCard"}\n',
      'src/domain/calendar/days.ts':
        "import { addDays } from 'date-fns';\nimport { z } from 'zod';\nimport holidays from '../../../data/holidays.json' with { type: 'json' };\nexport const days = { addDays, z, holidays };\n",
      'src/domain/dispute/decide.ts':
        "import { days } from '../calendar/days.ts';\nexport const decide = days;\n",
      'src/cards/render.ts':
        "import welcome from '../../adaptive-cards/welcome.json' with { type: 'json' };\nimport { decide } from '../domain/dispute/decide.ts';\nimport { esc } from './escape.ts';\nexport const card = { welcome, decide, esc };\n",
      'src/cards/escape.ts': 'export const esc = (s: string) => s;\n',
      'src/email/parse.ts':
        "import EmailReplyParser from 'email-reply-parser';\nimport { decide } from '../domain/dispute/decide.ts';\nexport const parse = { EmailReplyParser, decide };\n",
      'src/store/session.ts':
        "import { decide } from '../domain/dispute/decide.ts';\nexport const session = decide;\n",
      'src/app/root.ts':
        "import { card } from '../cards/render.ts';\nimport { session } from '../store/session.ts';\nexport const root = { card, session };\n",
    });
    const { code, report } = await depcruise(dir);
    expect(report).toMatch(/no dependency violations found/);
    expect(code).toBe(0);
  }, 60_000);
});
