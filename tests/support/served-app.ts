/**
 * Concord's server entry as a child process in cloud mode, pointed at a running local Microsoft 365:
 * only GRAPH_BASE_URL and AUTHORITY_HOST point away from Microsoft's cloud. Used by the serve tests
 * (from source, and built and pruned for production).
 *
 * @example
 * const served = await startServed({ m365, cwd: ROOT, args: ['--import', 'tsx', 'src/app/main.ts'], dataDir, port });
 * await served.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_CLIENT, type Emulator } from '@concord/m365-emulator';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface ServedApp {
  readonly child: ChildProcess;
  /** Everything the process has printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export interface ServeOptions {
  readonly m365: Emulator;
  readonly cwd: string;
  /** Node's arguments: the entry file, with `--import tsx` when it is TypeScript. */
  readonly args: readonly string[];
  readonly port: number;
  readonly dataDir: string;
  readonly readyWithinMs?: number;
  /** More of the server's environment (a setting under test). */
  readonly env?: Readonly<Record<string, string>>;
}

const running = new Set<ChildProcess>();
let watching = false;

/**
 * A test that times out while a server starts never reaches its `stop`, and vitest ends the worker
 * with SIGTERM: every server still running goes with the worker instead of living on.
 */
function killedWithThisProcess(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (watching) return;
  watching = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
  process.once('SIGTERM', () => process.exit(143));
}

/** Starts the server and resolves once `/readyz` answers 200 and it has said it is listening. */
export async function startServed(options: ServeOptions): Promise<ServedApp> {
  const { m365, port } = options;
  const client = m365.clients[0] ?? DEFAULT_CLIENT;
  let output = '';
  const child = spawn(process.execPath, [...options.args], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      DATA_DIR: options.dataDir,
      BOT_ID: client.clientId,
      BOT_PASSWORD: client.clientSecret,
      BOT_TENANT_ID: m365.tenantId,
      GRAPH_BASE_URL: m365.graphBaseUrl,
      AUTHORITY_HOST: m365.authorityHost,
      DIRECTORY_FILE: path.join(ROOT, 'directory/sample-ane.json'),
      NODE_EXTRA_CA_CERTS: m365.caPath,
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  killedWithThisProcess(child);
  const served: ServedApp = {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
  const deadline = Date.now() + (options.readyWithinMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${output}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`)
      .then((r) => r.status)
      .catch(() => 0);
    if (ready === 200 && output.includes('Concord is listening')) return served;
    await new Promise((r) => setTimeout(r, 300));
  }
  await served.stop();
  throw new Error(`serve did not become ready: ${output}`);
}
