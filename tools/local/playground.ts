/**
 * Starts the Microsoft 365 Agents Playground (the Teams simulator, a devDependency we never vendor)
 * pointed at the bot, and reports the port it listens on (it moves off 56150 when that is taken).
 *
 * It exits when it cannot open a browser, so a no-op `xdg-open` goes first on its PATH (made in a
 * temporary folder). Telemetry is off. It writes `./devTools/` in its working directory.
 *
 * @example
 * const playground = await startPlayground({ appEndpoint: 'http://localhost:3978/api/messages' });
 * console.log(playground.url); // http://localhost:56150
 * await playground.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Playground {
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export class PlaygroundUnavailableError extends Error {
  override readonly name = 'PlaygroundUnavailableError';
}

/** The Playground's CLI in node_modules, or null when the devDependency is not installed. */
export function playgroundBinary(cwd = process.cwd()): string | null {
  const bin = path.join(cwd, 'node_modules', '.bin', 'agentsplayground');
  return existsSync(bin) ? bin : null;
}

export async function startPlayground(options: {
  appEndpoint: string;
  port?: number;
  cwd?: string;
  /** Default 60 s. */
  timeoutMs?: number;
  onOutput?: (line: string) => void;
}): Promise<Playground> {
  const cwd = options.cwd ?? process.cwd();
  const bin = playgroundBinary(cwd);
  if (!bin)
    throw new PlaygroundUnavailableError('@microsoft/m365agentsplayground is not installed (npm install)');
  const shim = mkdtempSync(path.join(tmpdir(), 'concord-xdg-'));
  const xdgOpen = path.join(shim, 'xdg-open');
  writeFileSync(xdgOpen, '#!/bin/sh\nexit 0\n');
  chmodSync(xdgOpen, 0o755);
  const child = spawn(
    bin,
    [
      '--app-endpoint',
      options.appEndpoint,
      '--channel-id',
      'msteams',
      '--port',
      String(options.port ?? 56150),
      '--disable-telemetry',
    ],
    {
      cwd,
      env: {
        ...process.env,
        PATH: `${shim}${path.delimiter}${process.env.PATH ?? ''}`,
        APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
    },
  );
  const cleanup = () => rmSync(shim, { recursive: true, force: true });

  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      reject(
        new PlaygroundUnavailableError(
          `the Agents Playground did not say "Listening on" within ${options.timeoutMs ?? 60_000} ms`,
        ),
      );
    }, options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split(/\r?\n/);
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        options.onOutput?.(line);
        const m = /Listening on (\d+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new PlaygroundUnavailableError(`the Agents Playground exited (code ${code}) before listening`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new PlaygroundUnavailableError(`the Agents Playground could not start: ${error.message}`));
    });
  }).catch((error) => {
    child.kill('SIGTERM');
    cleanup();
    throw error;
  });

  return {
    port,
    url: `http://localhost:${port}`,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      cleanup();
    },
  };
}
