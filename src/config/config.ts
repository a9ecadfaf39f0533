/**
 * Configuration: the environment names in CONTRACT.md, read once into a frozen, validated object.
 * Nothing else in Concord reads `process.env`; it takes a `Config` (or the piece it needs).
 *
 * @example
 * const config = loadConfig(); // throws ConfigError listing every problem at once
 * config.port; // 3978
 * config.mode; // 'local' (no BOT_ID) or 'cloud'
 */
import { z } from 'zod';

export type ClockMode = 'system' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The Entra app used by the bot and for app-only Graph. Absent in local mode. */
export interface BotCredentials {
  readonly id: string;
  readonly password: string | null;
  readonly tenantId: string | null;
  readonly type: string | null;
}

export interface Config {
  readonly port: number;
  /** PostgreSQL connection string; null means embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | null;
  /**
   * Send the hot write path as named prepared statements on PostgreSQL (the default). `false` for a
   * pooler in transaction mode that does not keep them (PgBouncer before 1.21).
   */
  readonly databasePreparedStatements?: boolean;
  readonly dataDir: string;
  /**
   * Let V8 also compile PGlite's hottest PostgreSQL functions with its optimising compiler
   * (TurboFan). Off by default in the server: about 80 MiB less memory, the same turns, heavy
   * reports on PGlite about 1.5× slower (`preparePglite`, issue 15). Has no effect on PostgreSQL.
   */
  readonly pgliteOptimisingCompiler?: boolean;
  readonly bot: BotCredentials | null;
  /** `local` when no BOT_ID is configured: inbound JWT checks are off only then. */
  readonly mode: 'local' | 'cloud';
  readonly graphBaseUrl: string;
  readonly authorityHost: string;
  readonly publicUrl: string;
  /** Null means the bundled sample directory (local mode only). */
  readonly directoryFile: string | null;
  readonly clock: ClockMode;
  readonly nodeEnv: string;
  readonly logLevel: LogLevel;
  /** The Teams app's id in the tenant app catalog, used to install Concord for people who never chatted with it. */
  readonly teamsAppId: string | null;
}

/** One or more configuration problems, each naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** CONTRACT.md names and their `MicrosoftApp*` aliases. The BOT_* name wins only if both agree. */
const BOT_ALIASES = {
  BOT_ID: 'MicrosoftAppId',
  BOT_PASSWORD: 'MicrosoftAppPassword',
  BOT_TENANT_ID: 'MicrosoftAppTenantId',
  BOT_TYPE: 'MicrosoftAppType',
} as const;

const optionalText = z
  .string()
  .transform((value) => value.trim())
  .optional()
  .transform((value) => (value === undefined || value === '' ? undefined : value));

const httpUrl = (name: string) =>
  z
    .string()
    .trim()
    .refine((value) => isUrl(value, ['http:', 'https:']), `${name} must be an http(s) URL`)
    .transform((value) => value.replace(/\/+$/, ''));

const envSchema = z.object({
  PORT: z
    .string()
    .trim()
    .regex(/^\d+$/, 'PORT must be a whole number')
    .transform(Number)
    .refine((port) => port >= 1 && port <= 65_535, 'PORT must be between 1 and 65535')
    .default(3978),
  DATABASE_URL: optionalText.refine(
    (value) => value === undefined || isUrl(value, ['postgres:', 'postgresql:']),
    'DATABASE_URL must be a postgres:// or postgresql:// URL',
  ),
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['on', 'off'], { message: 'DATABASE_PREPARED_STATEMENTS must be on or off' })
    .default('on'),
  DATA_DIR: optionalText.transform((value) => value ?? './.data'),
  PGLITE_OPTIMISING_COMPILER: z
    .enum(['on', 'off'], { message: 'PGLITE_OPTIMISING_COMPILER must be on or off' })
    .default('off'),
  BOT_ID: optionalText,
  BOT_PASSWORD: optionalText,
  BOT_TENANT_ID: optionalText,
  BOT_TYPE: optionalText,
  GRAPH_BASE_URL: httpUrl('GRAPH_BASE_URL').default('https://graph.microsoft.com/v1.0'),
  AUTHORITY_HOST: httpUrl('AUTHORITY_HOST').default('https://login.microsoftonline.com'),
  PUBLIC_URL: httpUrl('PUBLIC_URL').optional(),
  DIRECTORY_FILE: optionalText,
  CLOCK: optionalText.pipe(z.enum(['system', 'test'], 'CLOCK must be "test" or unset').optional()),
  NODE_ENV: optionalText.transform((value) => value ?? 'development'),
  TEAMS_APP_ID: optionalText,
  LOG_LEVEL: optionalText.pipe(
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'LOG_LEVEL must be a pino level')
      .optional(),
  ),
});

/**
 * Reads and validates the configuration from `env` (default `process.env`). Call it once at start
 * and pass the result down. Throws `ConfigError` naming every bad variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const problems: string[] = [];
  const merged: Record<string, string | undefined> = { ...env };
  for (const [name, alias] of Object.entries(BOT_ALIASES)) {
    const primary = env[name]?.trim() || undefined;
    const secondary = env[alias]?.trim() || undefined;
    if (primary && secondary && primary !== secondary) {
      problems.push(`${name} and its alias ${alias} are both set, to different values; set only one`);
    }
    merged[name] = primary ?? secondary;
  }

  const parsed = envSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.') || 'environment';
      problems.push(issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.BOT_ID) {
    problems.push('NODE_ENV=production needs BOT_ID (or MicrosoftAppId): local mode is for development only');
  }
  if (production && !e.DATABASE_URL) {
    problems.push('NODE_ENV=production needs DATABASE_URL: embedded PGlite is for development only');
  }
  if (production && e.CLOCK === 'test') {
    problems.push('CLOCK=test is refused when NODE_ENV=production');
  } else if (e.BOT_ID && e.CLOCK === 'test') {
    // /dev/clock has no authentication: anyone who reaches it can fire every deadline. The test
    // clock is for local mode only, whatever NODE_ENV says.
    problems.push(
      'CLOCK=test is refused with BOT_ID (or MicrosoftAppId) set: the test clock is for local mode only, because /dev/clock has no authentication',
    );
  }
  if (e.BOT_ID === undefined && (e.BOT_PASSWORD || e.BOT_TENANT_ID)) {
    problems.push('BOT_PASSWORD or BOT_TENANT_ID is set without BOT_ID');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const config: Config = {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL ?? null,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS === 'on',
    dataDir: e.DATA_DIR,
    pgliteOptimisingCompiler: e.PGLITE_OPTIMISING_COMPILER === 'on',
    bot: e.BOT_ID
      ? Object.freeze({
          id: e.BOT_ID,
          password: e.BOT_PASSWORD ?? null,
          tenantId: e.BOT_TENANT_ID ?? null,
          type: e.BOT_TYPE ?? null,
        })
      : null,
    mode: e.BOT_ID ? 'cloud' : 'local',
    graphBaseUrl: e.GRAPH_BASE_URL,
    authorityHost: e.AUTHORITY_HOST,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    directoryFile: e.DIRECTORY_FILE ?? null,
    clock: e.CLOCK ?? 'system',
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL ?? 'info',
    teamsAppId: e.TEAMS_APP_ID || null,
  };
  return Object.freeze(config);
}

function isUrl(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * For entry points: the configuration, or a clear message on stderr and exit code 2.
 *
 * @example const config = loadConfigOrExit(); // in src/app/main.ts and tools/local/start.ts
 */
export function loadConfigOrExit(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

/** The variables `npm run package` builds the Teams app package from. */
const PACKAGING_VARIABLES = [
  'BOT_ID',
  'MicrosoftAppId',
  'PUBLIC_URL',
  'PORT',
  'TEAMS_APP_ID',
  'APP_VERSION',
] as const;

/**
 * The packaging variables from `env` (default `process.env`), so the packager, like everything
 * else, reads the environment only through this module.
 */
export function packagingEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<Record<(typeof PACKAGING_VARIABLES)[number], string | undefined>> {
  return Object.fromEntries(PACKAGING_VARIABLES.map((name) => [name, env[name]])) as Record<
    (typeof PACKAGING_VARIABLES)[number],
    string | undefined
  >;
}
