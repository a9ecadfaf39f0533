import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Output port for CLI commands, so tests can capture what a command prints. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A bad argument. `main` prints its message on one line and exits 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** An error's message on one line: the contract wants a one-line reason. */
export function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}

/**
 * node:util `parseArgs`, strict, with its complaints (unknown option, missing value, stray word)
 * turned into a one-line `CliUsageError`, so the command exits 2.
 */
export function parseCliArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>({ strict: true, ...config });
  } catch (error) {
    throw new CliUsageError(oneLine(error));
  }
}
