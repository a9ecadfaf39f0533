/**
 * `PeopleDirectory` over the directory service (the directory file, plus Entra object ids learned
 * from Graph). Teams identities match a person's `aadObjectId` first, then their `teamsUserId`
 * (local mode's Agents Playground users).
 *
 * @example
 * const people = directoryPeople(await createDirectoryService({ directory: 'directory/sample-ane.json' }));
 * await people.byTeamsIdentity({ teamsUserId: 'user-id-0' }); // the ANE practitioner
 */
import type { DirectoryService } from '../directory/directory-service.ts';
import { INDEPENDENT_KINDS, type Person } from '../directory/schema.ts';
import type { BotOrganisation, BotPerson, PeopleDirectory } from './ports.ts';

export function directoryPeople(service: DirectoryService): PeopleDirectory {
  const { directory } = service;
  const orgs = new Map<string, BotOrganisation>(
    directory.organisations.map((o) => [
      o.id,
      {
        id: o.id,
        name: o.name,
        procedures: o.procedures,
        host: o.tenant === 'host',
        independent: INDEPENDENT_KINDS.includes(o.kind),
      },
    ]),
  );
  const toBot = (p: Person): BotPerson => ({
    ...service.personRef(p),
    roles: p.roles,
    teamsUserId: p.teamsUserId ?? null,
    aadObjectId: p.aadObjectId ?? null,
    inHostTenant: orgs.get(p.organisation)?.host ?? false,
  });
  return {
    async byTeamsIdentity({ aadObjectId, teamsUserId }) {
      const p =
        (aadObjectId ? service.personByAadObjectId(aadObjectId) : undefined) ??
        (teamsUserId ? service.personByTeamsUserId(teamsUserId) : undefined);
      return p ? toBot(p) : null;
    },
    async person(personId) {
      const p = service.person(personId);
      return p ? toBot(p) : null;
    },
    async organisation(id) {
      return orgs.get(id) ?? null;
    },
    async organisations() {
      return [...orgs.values()];
    },
    async people() {
      return directory.people.map(toBot).filter((p) => p.inHostTenant);
    },
  };
}
