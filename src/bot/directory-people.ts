/**
 * `PeopleDirectory` over a loaded directory file (the sample in local mode, `DIRECTORY_FILE` in the
 * cloud). Teams identities match a person's `aadObjectId`, then their `teamsUserId`.
 *
 * @example
 * const people = directoryPeople(await loadDirectory('directory/sample-ane.json'));
 * await people.byTeamsIdentity({ teamsUserId: 'user-id-0' }); // the ANE practitioner
 */
import type { Directory } from '../directory/schema.ts';
import type { BotOrganisation, BotPerson, PeopleDirectory } from './ports.ts';

export function directoryPeople(directory: Directory): PeopleDirectory {
  const orgs = new Map<string, BotOrganisation>(
    directory.organisations.map((o) => [
      o.id,
      { id: o.id, name: o.name, procedures: o.procedures, host: o.tenant === 'host' },
    ]),
  );
  const people: BotPerson[] = directory.people.map((p) => ({
    id: p.id,
    name: p.displayName,
    email: p.email,
    organisationId: p.organisation,
    roles: p.roles,
    teamsUserId: p.teamsUserId ?? null,
    aadObjectId: p.aadObjectId ?? null,
    inHostTenant: orgs.get(p.organisation)?.host ?? false,
  }));
  const byId = new Map(people.map((p) => [p.id, p]));
  return {
    async byTeamsIdentity({ aadObjectId, teamsUserId }) {
      const aad = aadObjectId?.toLowerCase();
      return (
        (aad ? people.find((p) => p.aadObjectId === aad) : undefined) ??
        (teamsUserId ? people.find((p) => p.teamsUserId === teamsUserId) : undefined) ??
        null
      );
    },
    async person(personId) {
      return byId.get(personId) ?? null;
    },
    async organisation(id) {
      return orgs.get(id) ?? null;
    },
    async organisations() {
      return [...orgs.values()];
    },
    async people() {
      return people.filter((p) => p.inHostTenant);
    },
  };
}
