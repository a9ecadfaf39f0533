/**
 * The directory service: the loaded `DIRECTORY_FILE`, lookups by email / Teams user id / Entra object
 * id, the organisation's working hours and calendar, and the pure `RoleResolver` for `decide()`.
 *
 * Managers from Graph: a host-tenant person whose file entry gives no `manager` gets one from Graph
 * (`GET /users/{id}/manager`; 404 means none). The resolver must stay synchronous, so the service asks
 * Graph ahead of time: `warmManagers()` at start fills a cache (person id → manager person id, or null),
 * and `refreshManagers()` (call it from the scheduler, daily say) replaces it. Until the first warm-up
 * finishes a person's Graph manager is unknown and the chain stops there. People in external tenants
 * are never looked up: Concord's app cannot read another tenant's directory. A Graph manager who is
 * not in the directory file holds no roles Concord knows, so the chain stops there too (logged).
 *
 * @example
 * const directory = await createDirectoryService({ file: config.directoryFile, managers, log });
 * await directory.warmManagers();
 * decide(state, event, { ...ctx, resolver: directory.resolver });
 */
import {
  type BankHolidayFeed,
  bundledBankHolidays,
  createWorkingCalendar,
  type WorkingCalendar,
} from '../domain/calendar/index.ts';
import type { PersonRef, RoleResolver } from '../domain/dispute/types.ts';
import type { WorkingHours } from '../domain/meeting/slots.ts';
import { loadDirectory } from './load.ts';
import { createRoleResolver, personRef } from './resolver.ts';
import type { Directory, Organisation, Person } from './schema.ts';

/** What Graph says about one host-tenant user. */
export interface GraphUserInfo {
  /** Entra object id. */
  readonly id: string;
  /**
   * The manager by Entra object id and UPN; null when Graph answered 404 (no manager). Never by
   * `mail`, which can differ from the UPN the directory file uses.
   */
  readonly manager: { readonly id: string; readonly userPrincipalName?: string } | null;
}

/** The port the service asks Graph through (implemented by `createGraphUsers` in src/graph). */
export interface ManagerSource {
  /** Looks up several users at once (by email / UPN). Users Graph does not know are left out. */
  lookup(emails: readonly string[]): Promise<ReadonlyMap<string, GraphUserInfo>>;
}

export interface DirectoryServiceOptions {
  /** A loaded directory, or the path of a directory file. */
  readonly directory: Directory | string;
  readonly managers?: ManagerSource;
  readonly log?: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}

export interface DirectoryService {
  readonly directory: Directory;
  readonly resolver: RoleResolver;
  person(id: string): Person | undefined;
  personByEmail(email: string): Person | undefined;
  personByTeamsUserId(teamsUserId: string): Person | undefined;
  personByAadObjectId(aadObjectId: string): Person | undefined;
  personRef(person: Person): PersonRef;
  organisation(id: string): Organisation | undefined;
  /** The organisation of the host tenant a person or address belongs to, if any. */
  isHostTenant(email: string): boolean;
  /** Working hours of an organisation, for slot finding. */
  workingHours(organisationId: string): WorkingHours;
  /** The working-day calendar of an organisation: its division's bank holidays and its closure days. */
  calendar(organisationId: string): WorkingCalendar;
  /** Mailboxes Concord watches for replies: every host-tenant person, and host shared mailboxes. */
  watchedMailboxes(): string[];
  /** Builds calendars from this feed from now on (the bundled data merged with a newer GOV.UK copy). */
  useBankHolidays(feed: BankHolidayFeed): void;
  /** Asks Graph for managers (and Entra object ids) the file does not give. */
  warmManagers(): Promise<void>;
  refreshManagers(): Promise<void>;
}

export async function createDirectoryService(options: DirectoryServiceOptions): Promise<DirectoryService> {
  const directory =
    typeof options.directory === 'string' ? await loadDirectory(options.directory) : options.directory;
  const byId = new Map(directory.people.map((p) => [p.id, p]));
  const byEmail = new Map(directory.people.map((p) => [p.email.toLowerCase(), p]));
  const byTeams = new Map(
    directory.people.filter((p) => p.teamsUserId).map((p) => [p.teamsUserId as string, p]),
  );
  const byAad = new Map(
    directory.people.filter((p) => p.aadObjectId).map((p) => [(p.aadObjectId as string).toLowerCase(), p]),
  );
  const orgs = new Map(directory.organisations.map((o) => [o.id, o]));
  const hostOrgIds = new Set(directory.organisations.filter((o) => o.tenant === 'host').map((o) => o.id));
  const hostDomains = directory.organisations.filter((o) => o.tenant === 'host').map((o) => o.domain);
  const calendars = new Map<string, WorkingCalendar>();
  let bankHolidays: BankHolidayFeed = bundledBankHolidays;

  let graphManagers = new Map<string, string | null>();
  const resolver = createRoleResolver({ directory, graphManagerOf: (id) => graphManagers.get(id) });

  const isHostTenant = (email: string) => {
    const host = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    return hostDomains.some((d) => host === d || host.endsWith(`.${d}`));
  };

  async function refreshManagers(): Promise<void> {
    if (!options.managers) return;
    const hostPeople = directory.people.filter((p) => hostOrgIds.has(p.organisation));
    const info = await options.managers.lookup(hostPeople.map((p) => p.email));
    const next = new Map<string, string | null>();
    // Object ids first (the file's, then those Graph just gave), so a manager is matched by id.
    for (const person of hostPeople) {
      const user = info.get(person.email.toLowerCase());
      if (user && !byAad.has(user.id.toLowerCase())) byAad.set(user.id.toLowerCase(), person);
    }
    for (const person of hostPeople) {
      const user = info.get(person.email.toLowerCase());
      if (!user) continue;
      if (person.manager) continue;
      if (user.manager === null) {
        next.set(person.id, null);
        continue;
      }
      const upn = user.manager.userPrincipalName?.toLowerCase();
      const manager = byAad.get(user.manager.id.toLowerCase()) ?? (upn ? byEmail.get(upn) : undefined);
      if (manager) next.set(person.id, manager.id);
      else {
        next.set(person.id, null);
        options.log?.warn({ personId: person.id }, 'Graph manager is not in the directory file; chain stops');
      }
    }
    graphManagers = next;
    options.log?.info(
      { managersFromGraph: [...next.values()].filter(Boolean).length },
      'manager cache refreshed',
    );
  }

  return {
    directory,
    resolver,
    person: (id) => byId.get(id),
    personByEmail: (email) => byEmail.get(email.toLowerCase()),
    personByTeamsUserId: (id) => byTeams.get(id),
    personByAadObjectId: (id) => byAad.get(id.toLowerCase()),
    personRef,
    organisation: (id) => orgs.get(id),
    isHostTenant,
    workingHours(organisationId) {
      const wh = orgs.get(organisationId)?.workingHours;
      return wh
        ? { start: wh.start, end: wh.end, days: wh.days, timeZone: wh.timeZone }
        : { start: '09:00', end: '17:00' };
    },
    useBankHolidays(feed) {
      bankHolidays = feed;
      calendars.clear();
    },
    calendar(organisationId) {
      const cached = calendars.get(organisationId);
      if (cached) return cached;
      const org = orgs.get(organisationId);
      const calendar = createWorkingCalendar({
        division: org?.division ?? 'england-and-wales',
        bankHolidays,
        closureDays: org?.closureDays ?? [],
      });
      calendars.set(organisationId, calendar);
      return calendar;
    },
    watchedMailboxes() {
      const people = directory.people.filter((p) => hostOrgIds.has(p.organisation)).map((p) => p.email);
      const shared = directory.organisations
        .filter((o) => o.tenant === 'host' && o.sharedMailbox)
        .map((o) => o.sharedMailbox as string);
      return [...new Set([...people, ...shared].map((e) => e.toLowerCase()))];
    },
    warmManagers: refreshManagers,
    refreshManagers,
  };
}
