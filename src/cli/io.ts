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
