/**
 * A `RoleResolver` over the directory file, for local mode until the directory service (with the
 * manager chain from Graph) is wired in by the composition root. Pure lookups, no I/O.
 *
 * - `raising` / `counterpart`: a person holding the role in the raising / partner organisation;
 *   `counterparts` in the file choose when several hold it.
 * - `relation: line-manager`: walk up `relativeTo`'s manager chain to the first holder of the role.
 * - `independent`: anyone holding the role.
 */
import type { Directory } from '../directory/schema.ts';
import type { PersonRef, RoleResolver } from '../domain/dispute/types.ts';

export function directoryResolver(directory: Directory): RoleResolver {
  const people = directory.people;
  const byId = new Map(people.map((p) => [p.id, p]));
  const ref = (p: (typeof people)[number]): PersonRef => ({
    id: p.id,
    name: p.displayName,
    email: p.email,
    organisationId: p.organisation,
  });
  const holds = (p: (typeof people)[number], role: string) => (p.roles as readonly string[]).includes(role);

  return {
    resolve({ party, dispute, relativeTo }) {
      if (party.side === 'independent') {
        const p = people.find((x) => holds(x, party.role));
        return p ? ref(p) : null;
      }
      const org =
        party.side === 'raising' ? dispute.raisingOrganisationId : dispute.counterpartOrganisationId;
      if (party.relation === 'line-manager' && relativeTo) {
        let current = byId.get(relativeTo.id);
        for (let i = 0; current && i < 20; i += 1) {
          const managerId = current.manager ?? current.entra?.manager;
          current = managerId ? byId.get(managerId) : undefined;
          if (current && current.organisation === org && holds(current, party.role)) return ref(current);
        }
      }
      if (party.side === 'raising' && relativeTo && relativeTo.organisationId === org) {
        // The raiser's own chain first: their Team Manager, not any Team Manager.
        let current = byId.get(relativeTo.id);
        for (let i = 0; current && i < 20; i += 1) {
          if (holds(current, party.role)) return ref(current);
          const managerId = current.manager;
          current = managerId ? byId.get(managerId) : undefined;
        }
      }
      if (party.side === 'counterpart') {
        const chosen = directory.counterparts.find(
          (c) =>
            c.organisation === dispute.raisingOrganisationId && c.partner === org && c.role === party.role,
        );
        const person = chosen ? byId.get(chosen.person) : undefined;
        if (person) return ref(person);
      }
      const any = people.find((p) => p.organisation === org && holds(p, party.role));
      return any ? ref(any) : null;
    },
  };
}
