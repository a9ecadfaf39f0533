/**
 * The Teams personal tab ("Disputes") and the partnership dashboard: the pages, their assets, and
 * their API. Every `/tab/api/…` answer needs a valid Teams SSO token (see sso.ts); without one it is
 * 401 with `WWW-Authenticate: Bearer`. A person sees only disputes they take part in (403 otherwise,
 * whether or not the dispute exists); the dashboard and reports need the directory's `oversight`
 * role (403 otherwise).
 *
 * - `GET /tab/` and `GET /tab/oversight`: the pages (teams-js; SSO through `getAuthToken`).
 * - `GET /tab/api/me`, `GET /tab/api/disputes`, `GET /tab/api/dispute?id=ID`
 * - `POST /tab/api/action-done {"disputeId", "outcomeIndex", "actionIndex", "doneOn"}`: a party marks
 *   an agreed action done (the domain's `action-done`; a refusal is 422 with its sentence)
 * - `POST /tab/api/learning-follow-up {"disputeId", "itemId", "outcome", "note"}`: the oversight role
 *   records what became of a learning item (`learning-followed-up`)
 * - `GET /tab/api/dashboard?from=DATE&to=DATE[&theme=default|dark|contrast]` (figures, tables, and
 *   charts as SVG coloured for the Teams theme)
 * - `GET /tab/api/report?from=DATE&to=DATE&format=csv|docx`
 * - Local mode only (`localSignIn` given, which the composition root allows only without BOT_ID and
 *   outside production): `GET /tab/local/people` and `POST /tab/local/sign-in {"personId"}`, which
 *   hands back a token from the local Microsoft 365's issuer for that directory person.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { refusalText } from '../cards/wording/refusals.ts';
import { OVERSIGHT_ROLE } from '../directory/roles.ts';
import type { Person } from '../directory/schema.ts';
import { londonDay } from '../domain/calendar/index.ts';
import type { DisputeEvent, DisputeState, LearningOutcome, PersonRef } from '../domain/dispute/types.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import { forViewer, takesPart } from '../report/figures.ts';
import { type PeriodFiguresInput, periodFigures, periodProblem } from '../report/report.ts';
import { figureTables } from '../report/tables.ts';
import { HttpError, type Route, type RouteRequest, type RouteResponse } from '../server/server.ts';
import type { Store } from '../store/open-store.ts';
import { findDispute, listDisputeStates, listDisputeStatesFor } from '../store/operations/index.ts';
import { loadDisputeExport } from '../store/queries/dispute-export.ts';
import { tabPage } from './pages.ts';
import { type SsoVerifier, TabAuthError } from './sso.ts';
import { disputeRecord, disputeRow } from './views.ts';

export interface TabDirectory extends Pick<PeriodFiguresInput['directory'], 'calendar' | 'organisation'> {
  readonly directory: { readonly people: readonly Person[] };
  personRef(person: Person): PersonRef;
  person(id: string): Person | undefined;
  personByEmail(email: string): Person | undefined;
  personByAadObjectId(aadObjectId: string): Person | undefined;
  isHostTenant(email: string): boolean;
}

export interface TabOptions {
  readonly store: Store;
  readonly directory: TabDirectory;
  readonly procedures: ReadonlyMap<string, ProcedureDefinition>;
  readonly now: () => Date;
  readonly sso: SsoVerifier;
  /**
   * Where a person acts on their cards: the Teams deep link to the chat with Concord; in local mode
   * the Agents Playground, or null when there is none running (the tab then says where the chat is).
   */
  readonly botChatUrl: () => string | null;
  /** The disputes named as they were at an instant (replayed from their events), for a past period's figures. */
  readonly statesAsAt?: (
    disputeIds: readonly string[],
    at: Date,
  ) => Promise<ReadonlyMap<string, DisputeState>>;
  /** Applies a domain event as the signed-in person (the dispute service's `applyEvent`, from Teams). */
  readonly applyEvent: (
    disputeId: string,
    event: DisputeEvent,
  ) => Promise<{ ok: true } | { ok: false; refusal: Parameters<typeof refusalText>[0] }>;
  /** Local mode only: a token from the local issuer for a directory person's address. */
  readonly localSignIn?: (email: string) => Promise<string>;
}

/**
 * Whether the local "sign in as" routes may be mounted: local mode only (no BOT_ID), never in
 * production, whatever else is configured.
 */
export function localSignInAllowed(config: {
  readonly mode: 'local' | 'cloud';
  readonly bot: unknown;
  readonly nodeEnv: string;
}): boolean {
  return config.mode === 'local' && config.bot === null && config.nodeEnv !== 'production';
}

const STATIC = new URL('../../src/tab/static/', import.meta.url);
const TEAMS_JS = createRequire(import.meta.url).resolve('@microsoft/teams-js');

export function tabRoutes(options: TabOptions): Route[] {
  const { store, directory, procedures, sso } = options;
  const asset = (file: string, type: string) => {
    let body: string | undefined;
    return (): RouteResponse => {
      body ??= readFileSync(file, 'utf8');
      return { status: 200, text: body, headers: { 'content-type': type, 'cache-control': 'no-cache' } };
    };
  };

  /** The signed-in directory person, or 401 / 403. */
  async function viewer(request: RouteRequest): Promise<Person> {
    let identity: Awaited<ReturnType<SsoVerifier['verify']>>;
    try {
      identity = await sso.verify(request.raw.headers.authorization);
    } catch (error) {
      if (error instanceof TabAuthError) throw new HttpError(401, error.message);
      throw error;
    }
    const person =
      directory.personByAadObjectId(identity.oid) ??
      (identity.username && directory.isHostTenant(identity.username)
        ? directory.personByEmail(identity.username)
        : undefined);
    if (!person) throw new HttpError(403, "you are not in the partnership's directory");
    return person;
  }

  const procedureOf = (state: DisputeState) => procedures.get(state.procedureId);
  const nowIso = () => options.now().toISOString();

  const api = (
    path: string,
    method: 'GET' | 'POST',
    handler: (
      request: RouteRequest,
      person: Person,
      response: ServerResponse,
    ) => Promise<RouteResponse | undefined>,
  ) => ({
    method,
    path,
    handler: async (request: RouteRequest, response: ServerResponse) => {
      try {
        return await handler(request, await viewer(request), response);
      } catch (error) {
        if (error instanceof HttpError && error.status === 401)
          return {
            status: 401,
            json: { error: error.message },
            headers: { 'www-authenticate': 'Bearer error="invalid_token"', 'cache-control': 'no-store' },
          };
        throw error;
      }
    },
  });

  const oversightOnly = (person: Person) => {
    if (!person.roles.includes(OVERSIGHT_ROLE))
      throw new HttpError(403, 'the dashboard is for the partnership’s oversight role');
  };

  const period = (url: URL) => {
    const today = options.now().toISOString().slice(0, 10);
    const from = url.searchParams.get('from') ?? `${today.slice(0, 4)}-01-01`;
    const to = url.searchParams.get('to') ?? today;
    const problem = periodProblem(from, to);
    if (problem) throw new HttpError(400, problem.replace(/--/g, ''));
    return { from, to };
  };

  const figuresFor = async (person: Person, url: URL) => {
    const { from, to } = period(url);
    const [figures, states] = [
      await periodFigures({
        store,
        directory,
        procedures,
        now: options.now(),
        from,
        to,
        ...(options.statesAsAt ? { statesAsAt: options.statesAsAt } : {}),
      }),
      await listDisputeStates(store.db),
    ];
    const parties = new Set(states.filter((s) => takesPart(s, person.id)).map((s) => s.id));
    return forViewer(figures, (id) => parties.has(id));
  };

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/tab',
      handler: () => ({ status: 302, headers: { location: '/tab/' } }),
    },
    {
      method: 'GET',
      path: '/tab/',
      handler: () => ({ status: 200, text: tabPage('disputes'), headers: pageHeaders }),
    },
    {
      method: 'GET',
      path: '/tab/oversight',
      handler: () => ({ status: 200, text: tabPage('oversight'), headers: pageHeaders }),
    },
    {
      method: 'GET',
      path: '/tab/assets/tab.js',
      handler: asset(new URL('tab.js', STATIC).pathname, 'text/javascript; charset=utf-8'),
    },
    {
      method: 'GET',
      path: '/tab/assets/tab.css',
      handler: asset(new URL('tab.css', STATIC).pathname, 'text/css; charset=utf-8'),
    },
    {
      method: 'GET',
      path: '/tab/assets/teams-js.min.js',
      handler: asset(TEAMS_JS, 'text/javascript; charset=utf-8'),
    },
    api('/tab/api/me', 'GET', async (_request, person) => ({
      status: 200,
      json: {
        id: person.id,
        name: person.displayName,
        jobTitle: person.jobTitle,
        organisation: directory.organisation(person.organisation)?.name ?? person.organisation,
        oversight: person.roles.includes(OVERSIGHT_ROLE),
        botChatUrl: options.botChatUrl(),
      },
    })),
    api('/tab/api/disputes', 'GET', async (_request, person) => {
      const now = nowIso();
      // By the index of the people each dispute involves (the same people as `takesPart`'s).
      const rows = (await listDisputeStatesFor(store.db, person.id)).flatMap((s) => {
        const procedure = procedureOf(s);
        return procedure ? [disputeRow(s, procedure, person.id, now)] : [];
      });
      return { status: 200, json: { now, disputes: rows, botChatUrl: options.botChatUrl() } };
    }),
    api('/tab/api/dispute', 'GET', async (request, person) => {
      const id = request.url.searchParams.get('id') ?? '';
      const data = id ? await loadDisputeExport(store, id) : null;
      const state = data?.dispute.state;
      const procedure = state ? procedureOf(state) : undefined;
      // The same answer whether the dispute does not exist or is someone else's.
      if (!data || !state || !procedure || !takesPart(state, person.id))
        throw new HttpError(403, 'this is not a dispute you take part in');
      const partner =
        directory.organisation(state.counterpartOrganisationId)?.name ?? state.counterpartOrganisationId;
      return {
        status: 200,
        json: {
          ...disputeRecord(data, procedure, disputeRow(state, procedure, person.id, nowIso()), partner),
          // The London day it is for Concord (the latest day an action can have been done).
          today: londonDay(options.now()),
          botChatUrl: options.botChatUrl(),
        },
      };
    }),
    api('/tab/api/action-done', 'POST', async (request, person) => {
      const body = (await request.json()) as Record<string, unknown> | null;
      const disputeId = typeof body?.disputeId === 'string' ? body.disputeId : '';
      const state = disputeId ? (await findDispute(store.db, disputeId))?.state : undefined;
      // The same answer whether the dispute does not exist or is someone else's; the domain checks again.
      if (!state || !takesPart(state, person.id))
        throw new HttpError(403, 'this is not a dispute you take part in');
      const result = await options.applyEvent(disputeId, {
        type: 'action-done',
        by: directory.personRef(person),
        outcomeIndex: Number(body?.outcomeIndex),
        actionIndex: Number(body?.actionIndex),
        doneOn: typeof body?.doneOn === 'string' ? body.doneOn : '',
      });
      if (!result.ok) return { status: 422, json: { error: refusalText(result.refusal) } };
      return { status: 200, json: { ok: true } };
    }),
    api('/tab/api/learning-follow-up', 'POST', async (request, person) => {
      oversightOnly(person);
      const body = (await request.json()) as Record<string, unknown> | null;
      const disputeId = typeof body?.disputeId === 'string' ? body.disputeId : '';
      if (!disputeId || !(await findDispute(store.db, disputeId)))
        throw new HttpError(404, 'there is no dispute with that id');
      const note = typeof body?.note === 'string' ? body.note : '';
      const result = await options.applyEvent(disputeId, {
        type: 'learning-followed-up',
        by: directory.personRef(person),
        itemId: typeof body?.itemId === 'string' ? body.itemId : '',
        outcome: String(body?.outcome ?? '') as LearningOutcome,
        ...(note.trim() ? { note } : {}),
      });
      if (!result.ok) return { status: 422, json: { error: refusalText(result.refusal) } };
      return { status: 200, json: { ok: true } };
    }),
    api('/tab/api/dashboard', 'GET', async (request, person) => {
      oversightOnly(person);
      const figures = await figuresFor(person, request.url);
      const theme = request.url.searchParams.get('theme') ?? 'default';
      // Loaded on the first report: vega, vega-lite, resvg and docx cost about 0.6 s and 40 MiB at start.
      const { isChartTheme, renderCharts } = await import('../report/charts.ts');
      if (!isChartTheme(theme)) throw new HttpError(400, 'theme must be default, dark or contrast');
      return {
        status: 200,
        json: { figures, tables: figureTables(figures), charts: await renderCharts(figures, theme) },
      };
    }),
    api('/tab/api/report', 'GET', async (request, person, response) => {
      oversightOnly(person);
      const format = request.url.searchParams.get('format');
      if (format !== 'csv' && format !== 'docx') throw new HttpError(400, 'format must be csv or docx');
      const figures = await figuresFor(person, request.url);
      const { renderCsv, renderReportDocx } = await import('../report/render.ts');
      const name = `concord-report-${figures.period.from}-to-${figures.period.to}.${format}`;
      const disposition = {
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
      };
      if (format === 'csv')
        return {
          status: 200,
          text: renderCsv(figures),
          headers: { 'content-type': 'text/csv; charset=utf-8', ...disposition },
        };
      const docx = await renderReportDocx(figures);
      // Binary: written to the raw response (the router's answers are JSON or text).
      response.writeHead(200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'content-length': String(docx.length),
        ...disposition,
      });
      response.end(docx);
      return undefined;
    }),
  ];

  const signIn = options.localSignIn;
  if (signIn) {
    routes.push(
      {
        method: 'GET',
        path: '/tab/local/people',
        handler: () => ({
          status: 200,
          json: directory.directory.people
            .filter((p) => directory.isHostTenant(p.email))
            .map((p) => ({ id: p.id, name: p.displayName, jobTitle: p.jobTitle, roles: p.roles })),
        }),
      },
      {
        method: 'POST',
        path: '/tab/local/sign-in',
        handler: async (request) => {
          const body = (await request.json()) as { personId?: unknown } | null;
          const person = typeof body?.personId === 'string' ? directory.person(body.personId) : undefined;
          if (!person || !directory.isHostTenant(person.email))
            throw new HttpError(400, 'personId must be a person in the host tenant');
          return {
            status: 200,
            json: { token: await signIn(person.email) },
            headers: { 'cache-control': 'no-store' },
          };
        },
      },
    );
  }
  return routes;
}

const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  // Teams hosts the tab in an iframe on these origins; nothing else may frame it.
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft https://*.office.com",
};
