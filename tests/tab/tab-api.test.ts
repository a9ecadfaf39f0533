/**
 * Issue 13: the tab's API answers only with a valid Teams SSO token, shows a person only the
 * disputes they take part in, and keeps the dashboard for the oversight role. Against the whole app
 * (createApp) and the local Microsoft 365's token issuer.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as report } from '../../src/cli/commands/report.ts';
import { type ConcordApp, startConcordApp } from '../support/concord-app.ts';
import { type Seeded, seedDisputes, signIn } from './seed.ts';

let w: ConcordApp;
let ids: Seeded;
let audience: string;

beforeAll(async () => {
  // As npm start runs it: the Agents Playground is the chat (its default address).
  w = await startConcordApp({ localChatUrl: 'http://localhost:56150' });
  ids = await seedDisputes(w);
  audience = `api://${new URL(w.url).host}/${w.h.m365.clients[0]?.clientId}`;
}, 120_000);
afterAll(async () => {
  await w?.close();
}, 30_000);

const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
  fetch(`${w.url}${path}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });

/** A token straight from the emulator's admin API (as a forger or a misconfigured app might get one). */
const minted = async (body: Record<string, unknown>) =>
  (await w.h.admin<{ access_token: string }>('POST', '/tokens', body)).access_token;

describe('SSO on the tab API', () => {
  const paths = [
    '/tab/api/me',
    '/tab/api/disputes',
    '/tab/api/dispute?id=x',
    '/tab/api/dashboard',
    '/tab/api/report?format=csv',
  ];

  it('refuses every API path without a token, with 401 and WWW-Authenticate: Bearer', async () => {
    for (const path of paths) {
      const response = await get(path);
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate'), path).toMatch(/^Bearer/);
      expect(await response.json()).toEqual({ error: 'a Teams SSO bearer token is required' });
    }
  });

  it('refuses a malformed, a tampered, an expired, a wrong-audience and an app-only token with 401', async () => {
    const good = await signIn(w.url, 'ane-team-manager');
    const [head, body, sig] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...claims, oid: 'someone-else' })).toString('base64url')}.${sig}`;
    const expired = await minted({
      audience,
      expiresInSeconds: -3600,
      user: { email: 'team.manager@ane.example' },
    });
    const wrongAudience = await minted({
      audience: 'api://elsewhere.example/another-app',
      user: { email: 'team.manager@ane.example' },
    });
    const appOnly = await minted({ audience });
    const cases: [string, string, RegExp][] = [
      ['malformed', 'not-a-jwt', /bearer token is required/],
      ['tampered', tampered, /signature/],
      ['expired', expired, /expired/],
      ['wrong audience', wrongAudience, /aud claim/],
      ['app-only (no person)', appOnly, /not a signed-in person/],
    ];
    for (const [what, token, reason] of cases) {
      const response = await get('/tab/api/disputes', token);
      expect(response.status, what).toBe(401);
      expect(((await response.json()) as { error: string }).error, what).toMatch(reason);
    }
    // The same person with a good token is answered.
    expect((await get('/tab/api/disputes', good)).status).toBe(200);
  });

  it('local sign-in is only for directory people of the host tenant', async () => {
    const refuse = await fetch(`${w.url}/tab/local/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId: 'gateshead-team-manager' }),
    });
    expect(refuse.status).toBe(400);
  });
});

describe('what a person sees', () => {
  it("the Team Manager's disputes, each with its step, whose move and RAG", async () => {
    const token = await signIn(w.url, 'ane-team-manager');
    const me = (await (await get('/tab/api/me', token)).json()) as Record<string, unknown>;
    expect(me).toMatchObject({ id: 'ane-team-manager', oversight: false });
    const { disputes } = (await (await get('/tab/api/disputes', token)).json()) as {
      disputes: {
        caseReference: string;
        step: string;
        whose: string | null;
        yourMove: boolean;
        deadline: { rag: string };
      }[];
    };
    const byRef = Object.fromEntries(disputes.map((d) => [d.caseReference, d]));
    expect(Object.keys(byRef).sort()).toEqual(['ANE-T-0101', 'ANE-T-0102', 'ANE-T-0103', 'ANE-T-0104']);
    expect(byRef['ANE-T-0101']).toMatchObject({
      step: 'Formal Resolution Process – Stage 1',
      yourMove: true,
      deadline: { rag: 'red' },
    });
    expect(byRef['ANE-T-0102']).toMatchObject({
      step: 'Formal Resolution Process – Stage 1',
      yourMove: false,
      deadline: { rag: 'green' },
    });
    expect(byRef['ANE-T-0103']).toMatchObject({
      step: 'Informal Resolution',
      yourMove: true,
      deadline: { rag: 'none' },
    });
    expect(byRef['ANE-T-0104']).toMatchObject({ whose: null, yourMove: false, deadline: { rag: 'none' } });
  });

  it('a dispute the person takes no part in is refused by the API (403), the same as one that does not exist', async () => {
    const outsider = await signIn(w.url, 'ane-family-finder');
    const listed = (await (await get('/tab/api/disputes', outsider)).json()) as { disputes: unknown[] };
    expect(listed.disputes).toEqual([]);
    const theirs = await get(`/tab/api/dispute?id=${ids.red}`, outsider);
    const none = await get('/tab/api/dispute?id=no-such-dispute', outsider);
    expect(theirs.status).toBe(403);
    expect(none.status).toBe(403);
    expect(await theirs.json()).toEqual(await none.json());
  });

  it("a party reads the dispute's record: the export's timeline and case record", async () => {
    const token = await signIn(w.url, 'ane-team-manager');
    const record = (await (await get(`/tab/api/dispute?id=${ids.red}`, token)).json()) as {
      dispute: { caseReference: string };
      timeline: { event: string }[];
      facts: { issue: string };
      botChatUrl: string;
    };
    expect(record.dispute.caseReference).toBe('ANE-T-0101');
    expect(record.timeline.map((t: { event: string }) => t.event)).toEqual(
      expect.arrayContaining(['raised', 'decision', 'message-sent', 'timer-fired']),
    );
    expect(record.facts.issue).toContain('ANE-T-0101');
    // Local mode: the chat is the Agents Playground, not teams.microsoft.com, which it never reaches.
    expect(record.botChatUrl).toBe('http://localhost:56150');
  });

  it('the dashboard and reports are for the oversight role only', async () => {
    const tm = await signIn(w.url, 'ane-team-manager');
    expect((await get('/tab/api/dashboard', tm)).status).toBe(403);
    expect((await get('/tab/api/report?format=csv', tm)).status).toBe(403);
    const oversight = await signIn(w.url, 'ane-practice-leadership');
    expect((await get('/tab/api/dashboard?from=2027-01-01&to=2027-01-31', oversight)).status).toBe(200);
    expect((await get('/tab/api/dashboard?from=2027-02-01&to=2027-01-31', oversight)).status).toBe(400);
  });
});

describe('concord report', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
  };
  const deps = () => ({ store: w.app.runtime.store, env: { CLOCK: 'test', LOG_LEVEL: 'silent' } });

  it('prints the same CSV as the dashboard gives the oversight role, and writes the DOCX', async () => {
    const oversight = await signIn(w.url, 'ane-practice-leadership');
    const fromTab = await (
      await get('/tab/api/report?from=2027-01-01&to=2027-01-31&format=csv', oversight)
    ).text();
    const csv = io();
    expect(
      await report(['--from', '2027-01-01', '--to', '2027-01-31', '--format', 'csv'], csv.io, deps()),
    ).toBe(0);
    expect(csv.out.join('\n')).toBe(fromTab.trimEnd());
    expect(fromTab).toContain('Open at the end of the period,3');
    const dir = await mkdtemp(path.join(tmpdir(), 'concord-report-'));
    const file = path.join(dir, 'board.docx');
    const docx = io();
    expect(
      await report(
        ['--from', '2027-01-01', '--to', '2027-01-31', '--format', 'docx', '--out', file],
        docx.io,
        deps(),
      ),
    ).toBe(0);
    expect(docx.out).toEqual([`Wrote ${file}`]);
    const xml =
      (await (await JSZip.loadAsync(await readFile(file))).file('word/document.xml')?.async('string')) ?? '';
    expect(xml).toContain('Professional disputes: figures for 2027-01-01 to 2027-01-31');
    expect(xml).toContain('ANE-T-0101');
  });

  it('refuses bad arguments with a one-line reason', async () => {
    const { run } = { run: report };
    for (const [argv, reason] of [
      [
        ['--from', '2027-02-01', '--to', '2027-01-01', '--format', 'csv'],
        /ends \(2027-01-01\) before it starts/,
      ],
      [['--from', '2027-01-01', '--to', '2027-01-31'], /--format csv\|docx is required/],
      [['--from', '2027-01-01', '--to', '2027-01-31', '--format', 'pdf'], /must be csv or docx/],
      [['--to', '2027-01-31', '--format', 'csv'], /--from must be a date/],
    ] as const) {
      await expect(run([...argv], io().io, deps())).rejects.toThrow(reason);
    }
  });
});
