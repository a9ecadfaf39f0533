/**
 * `npm start` as a person runs it (`tsx tools/local/start.ts`, the README's first command): on a
 * fresh data folder it prints where to chat, serves the Agents Playground, the bot and the tab, and
 * stops cleanly on Ctrl+C. With `EMULATOR_FAULTS` naming one manager's mailbox as outside the RBAC
 * scope, or as having no Exchange Online mailbox, it still starts, reports that mailbox in `/readyz`
 * and subscribes the others (issue 11); a
 * malformed `EMULATOR_FAULTS` is refused with the reason and an example.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { playgroundBinary } from '../../tools/local/playground.ts';
import { eventually, freePort } from '../support/wait.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MANAGER = 'team.manager@ane.example';

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function npmStart(env: Record<string, string>): Started {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/local/start.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a failed test can stop the Playground it started too.
    detached: true,
  });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

let running: Started | undefined;
const folders: string[] = [];
afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.pid) {
    process.kill(-running.child.pid, 'SIGKILL');
    await running.exited;
  }
  running = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}, 30_000);

function dataFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'concord-npm-start-'));
  folders.push(folder);
  return folder;
}

describe.runIf(playgroundBinary(ROOT))('npm start', () => {
  it.each([
    ['outside the RBAC scope', 'access-denied', 'access-denied'],
    ['with no Exchange Online mailbox', 'not-enabled', 'mailbox-not-enabled'],
  ])(
    'starts on a fresh folder with one mailbox %s, serves the Playground, and stops on Ctrl+C',
    async (_what, fault, kind) => {
      const port = await freePort();
      const dataDir = dataFolder();
      running = npmStart({
        PORT: String(port),
        DATA_DIR: dataDir,
        EMULATOR_FAULTS: JSON.stringify({ mailboxes: { [MANAGER]: fault } }),
      });
      const started = running;
      const banner = await eventually(
        'the banner',
        async () => (started.output().includes('Press Ctrl+C to stop.') ? started.output() : undefined),
        { timeoutMs: 90_000 },
      );
      expect(banner).toContain('Concord is running in local mode. Nothing here reaches Microsoft.');
      const playgroundUrl = /Chat with Concord \(Agents Playground\):\s+(\S+)/.exec(banner)?.[1];
      expect(playgroundUrl).toMatch(/^http:\/\/localhost:\d+/);
      expect(banner).toContain(
        `Bot endpoint:                            http://localhost:${port}/api/messages`,
      );

      // The Playground answers, and so do the bot's health and the tab.
      expect((await fetch(playgroundUrl as string)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as {
        status: string;
        mailboxes: { failing: number; problems: { mailbox: string; kind: string }[] };
      };
      expect(body.status).toBe('ready');
      expect(body.mailboxes.problems.map((p) => p.mailbox)).toEqual([MANAGER, MANAGER, MANAGER]);
      expect(new Set(body.mailboxes.problems.map((p) => p.kind))).toEqual(new Set([kind]));
      expect((await fetch(`http://127.0.0.1:${port}/tab/`)).status).toBe(200);

      // Every other watched mailbox is subscribed, inbox and calendar; the one outside the scope is not.
      // (The emulator's admin API, beside the UI the banner names, over its own CA.)
      const ui = /Mailboxes and invitations \(emulator UI\):\s+(\S+)/.exec(banner)?.[1] ?? '';
      const admin = `${new URL(ui).origin}/_emulator`;
      const dispatcher = new Agent({
        connect: { ca: readFileSync(path.join(dataDir, 'emulator-tls', 'ca.pem'), 'utf8') },
      });
      const get = async <T>(route: string) =>
        (await (await fetch(`${admin}${route}`, { dispatcher } as RequestInit)).json()) as T;
      const mailboxes = new Map(
        (await get<{ value: { id: string; email: string }[] }>('/mailboxes')).value.map((m) => [
          m.id,
          m.email,
        ]),
      );
      const subscribed = (await get<{ value: { resource: string }[] }>('/subscriptions')).value.map((s) => ({
        // `users/{address or id}/…`
        mailbox: ((key) => mailboxes.get(key) ?? key)(
          decodeURIComponent(/users\/([^/]+)/i.exec(s.resource)?.[1] ?? ''),
        ),
        kind: /events/i.test(s.resource) ? 'events' : 'inbox',
      }));
      const others = [...new Set(subscribed.map((s) => s.mailbox))];
      expect(others.length).toBeGreaterThan(1);
      expect(others).not.toContain(MANAGER);
      for (const mailbox of others) {
        expect(subscribed).toContainEqual({ mailbox, kind: 'inbox' });
        expect(subscribed).toContainEqual({ mailbox, kind: 'events' });
      }
      await dispatcher.close();

      // Ctrl+C: the Playground, the server and the emulator stop, the folder is unlocked, exit 0.
      started.child.kill('SIGINT');
      expect(await started.exited).toBe(0);
      expect(existsSync(path.join(dataDir, 'concord.pid'))).toBe(false);
      await expect(fetch(playgroundUrl as string)).rejects.toThrow();
    },
    180_000,
  );

  it('refuses a malformed EMULATOR_FAULTS with the reason and an example, before starting anything', async () => {
    running = npmStart({
      PORT: String(await freePort()),
      DATA_DIR: dataFolder(),
      EMULATOR_FAULTS: '{"mailboxes":',
    });
    expect(await running.exited).toBe(2);
    expect(running.output()).toContain('EMULATOR_FAULTS is not valid');
    expect(running.output()).toContain(
      `EMULATOR_FAULTS='{"mailboxes":{"team.manager@ane.example":"access-denied"}}' npm start`,
    );
  }, 60_000);
});
