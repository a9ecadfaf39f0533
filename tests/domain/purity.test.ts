/**
 * The functional core stays pure: nothing under src/domain reads the environment, the wall clock,
 * or reaches for I/O or an SDK. Time, people and calendars are passed in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../src/domain/', import.meta.url).pathname;
const FORBIDDEN: [RegExp, string][] = [
  [/process\.env/, 'reads the environment'],
  [/Date\.now\(/, 'reads the wall clock'],
  [/new Date\(\)/, 'reads the wall clock'],
  [/Math\.random\(/, 'is not deterministic'],
  [/from ['"](node:)?(fs|http|https|net|child_process|dgram|dns|tls)['"]/, 'imports I/O'],
  [
    /from ['"](pg|kysely|@electric-sql\/pglite|botbuilder|@microsoft\/microsoft-graph-client|@azure\/msal-node|pino)['"]/,
    'imports an adapter SDK',
  ],
  [/\bfetch\(/, 'does network I/O'],
  [/setTimeout|setInterval/, 'schedules work outside the runtime'],
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('src/domain is pure', () => {
  const all = files(ROOT);
  it('has files to check', () => expect(all.length).toBeGreaterThan(5));
  it.each(all.map((f) => [f.slice(ROOT.length), f]))('%s', (_name, file) => {
    const text = readFileSync(file as string, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/)/.test(line))
      .join('\n');
    const found = FORBIDDEN.filter(([re]) => re.test(text)).map(([, why]) => why);
    expect(found).toEqual([]);
  });
});
