import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the CONTRACT.md defaults in local mode', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 3978,
      databaseUrl: null,
      databasePreparedStatements: true,
      dataDir: './.data',
      pgliteOptimisingCompiler: false,
      bot: null,
      mode: 'local',
      graphBaseUrl: 'https://graph.microsoft.com/v1.0',
      authorityHost: 'https://login.microsoftonline.com',
      publicUrl: 'http://localhost:3978',
      directoryFile: null,
      clock: 'system',
      nodeEnv: 'development',
      logLevel: 'info',
      teamsAppId: null,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads DATABASE_PREPARED_STATEMENTS (on by default; off for a pooler that drops named statements)', () => {
    expect(loadConfig({}).databasePreparedStatements).toBe(true);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'off' }).databasePreparedStatements).toBe(false);
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'no' })).toThrow(
      /DATABASE_PREPARED_STATEMENTS must be on or off/,
    );
  });

  it('reads PGLITE_OPTIMISING_COMPILER (off by default: PGlite on the baseline compiler, for memory)', () => {
    expect(loadConfig({}).pgliteOptimisingCompiler).toBe(false);
    expect(loadConfig({ PGLITE_OPTIMISING_COMPILER: 'on' }).pgliteOptimisingCompiler).toBe(true);
    expect(problemsOf({ PGLITE_OPTIMISING_COMPILER: 'yes' })).toEqual([
      'PGLITE_OPTIMISING_COMPILER must be on or off',
    ]);
  });

  it('derives PUBLIC_URL from PORT and reads every named variable', () => {
    const config = loadConfig({
      PORT: '4000',
      DATABASE_URL: 'postgres://u@db:5432/concord',
      DATA_DIR: '/var/concord',
      GRAPH_BASE_URL: 'https://localhost:8443/v1.0/',
      AUTHORITY_HOST: 'https://localhost:8443',
      DIRECTORY_FILE: 'dir.json',
      CLOCK: 'test',
    });
    expect(config.port).toBe(4000);
    expect(config.publicUrl).toBe('http://localhost:4000');
    expect(config.databaseUrl).toBe('postgres://u@db:5432/concord');
    expect(config.dataDir).toBe('/var/concord');
    expect(config.graphBaseUrl).toBe('https://localhost:8443/v1.0');
    expect(config.directoryFile).toBe('dir.json');
    expect(config.clock).toBe('test');
  });

  it('accepts the MicrosoftApp* aliases', () => {
    const config = loadConfig({
      MicrosoftAppId: 'app-id',
      MicrosoftAppPassword: 'secret',
      MicrosoftAppTenantId: 'tenant',
      MicrosoftAppType: 'SingleTenant',
    });
    expect(config.mode).toBe('cloud');
    expect(config.bot).toEqual({
      id: 'app-id',
      password: 'secret',
      tenantId: 'tenant',
      type: 'SingleTenant',
    });
    expect(Object.isFrozen(config.bot)).toBe(true);
  });

  it('prefers nothing silently: BOT_ID and a different MicrosoftAppId is an error', () => {
    expect(problemsOf({ BOT_ID: 'a', MicrosoftAppId: 'b' })[0]).toMatch(
      /BOT_ID and its alias MicrosoftAppId/,
    );
    expect(loadConfig({ BOT_ID: 'a', MicrosoftAppId: 'a' }).bot?.id).toBe('a');
  });

  it('refuses production without BOT_ID or DATABASE_URL, naming both', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/needs BOT_ID/);
    expect(problems.join('\n')).toMatch(/needs DATABASE_URL/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', BOT_ID: 'x', DATABASE_URL: 'postgres://h/db' }),
    ).not.toThrow();
  });

  it('refuses CLOCK=test in production', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      BOT_ID: 'x',
      DATABASE_URL: 'postgres://h/db',
      CLOCK: 'test',
    });
    expect(problems).toEqual(['CLOCK=test is refused when NODE_ENV=production']);
  });

  it('refuses CLOCK=test beside BOT_ID outside production too: /dev/clock is for local mode only', () => {
    const envs: Record<string, string>[] = [
      { BOT_ID: 'x', CLOCK: 'test' },
      { MicrosoftAppId: 'x', CLOCK: 'test', NODE_ENV: 'test' },
      { BOT_ID: 'x', CLOCK: 'test', NODE_ENV: 'development', DATABASE_URL: 'postgres://h/db' },
    ];
    for (const env of envs) {
      const problems = problemsOf(env);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/CLOCK=test is refused with BOT_ID .*local mode only/);
    }
    expect(loadConfig({ CLOCK: 'test' }).clock).toBe('test');
    expect(loadConfig({ BOT_ID: 'x' }).clock).toBe('system');
  });

  it('explains malformed values by variable name', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      CLOCK: 'fast',
      PUBLIC_URL: 'nope',
    });
    const text = problems.join('\n');
    expect(text).toMatch(/PORT must be a whole number/);
    expect(text).toMatch(/DATABASE_URL must be a postgres/);
    expect(text).toMatch(/CLOCK must be "test" or unset/);
    expect(text).toMatch(/PUBLIC_URL must be an http\(s\) URL/);
    expect(problemsOf({ PORT: '70000' }).join()).toMatch(/between 1 and 65535/);
  });
});
