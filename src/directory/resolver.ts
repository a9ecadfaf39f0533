/**
 * The `RoleResolver` the domain consults: a pure, synchronous lookup over a loaded directory.
 *
 * How a party `{ role, side, relation?, substitutes }` becomes a person, for one dispute:
 * 1. **Organisation.** `raising` → the dispute's raising organisation; `counterpart` → its partner
 *    organisation; `independent` → people outside both, in organisations of kind `other` (boards,
 *    CAFCASS, independent chairs) first, then any other organisation.
 * 2. **`relation: 'line-manager'`.** Walk up `relativeTo`'s manager chain and take the first manager
 *    holding the role. A manager comes from the file (`manager`) or, when the file gives none, from
 *    Graph (`/users/{id}/manager`), through `graphManagerOf`: the directory service prefetches those
 *    managers and keeps them cached, so this function stays synchronous and pure. When the chain has
 *    no holder, fall through to step 3.
 * 3. **Holder in the organisation.** For the counterpart side a `counterparts` entry
 *    (organisation → partner, role) chooses among several holders. Otherwise, when several people
 *    in the organisation hold the role, the one in the manager chain of `relativeTo` (or of the
 *    raiser), the person included, wins; else the first in file order.
 * 4. **Substitutes.** When no one holds the role, the party's substitutes are tried in order.
 *
 * @example
 * const resolver = createRoleResolver({ directory });
 * resolver.resolve({ party: { role: 'team-manager', side: 'counterpart', substitutes: [] }, dispute });
 */
import type { PersonRef, RoleResolver } from '../domain/dispute/types.ts';
import type { Directory, Organisation, Person } from './schema.ts';

export interface RoleResolverOptions {
  readonly directory: Directory;
  /**
   * The Graph manager of a person whose file entry has none: a person id, null when Graph said
   * none (404), undefined when not known (yet).
   */
  readonly graphManagerOf?: (personId: string) => string | null | undefined;
}

/** The `PersonRef` of a directory person. Case content never goes here. */
export function personRef(person: Person): PersonRef {
  return {
    id: person.id,
    name: person.displayName,
    email: person.email,
    organisationId: person.organisation,
  };
}

export function createRoleResolver(options: RoleResolverOptions): RoleResolver {
  const { directory } = options;
  const people = new Map(directory.people.map((p) => [p.id, p]));
  const organisations = new Map(directory.organisations.map((o) => [o.id, o]));

  const managerOf = (person: Person): Person | undefined => {
    const id = person.manager ?? options.graphManagerOf?.(person.id) ?? undefined;
    return id ? people.get(id) : undefined;
  };

  /** The person and their managers upward, without repeats. */
  const chain = (start: Person | undefined, includeSelf: boolean): Person[] => {
    const out: Person[] = [];
    const seen = new Set<string>();
    let current = start && (includeSelf ? start : managerOf(start));
    while (current && !seen.has(current.id)) {
      seen.add(current.id);
      out.push(current);
      current = managerOf(current);
    }
    return out;
  };

  const holds = (person: Person, role: string) => (person.roles as readonly string[]).includes(role);

  const organisationsFor = (
    side: 'raising' | 'counterpart' | 'independent',
    dispute: { raisingOrganisationId: string; counterpartOrganisationId: string },
  ): Organisation[] => {
    if (side === 'raising') return [organisations.get(dispute.raisingOrganisationId)].filter(isDefined);
    if (side === 'counterpart')
      return [organisations.get(dispute.counterpartOrganisationId)].filter(isDefined);
    const outside = directory.organisations.filter(
      (o) => o.id !== dispute.raisingOrganisationId && o.id !== dispute.counterpartOrganisationId,
    );
    return [...outside.filter((o) => o.kind === 'other'), ...outside.filter((o) => o.kind !== 'other')];
  };

  return {
    resolve({ party, dispute, relativeTo }) {
      const anchor = people.get(relativeTo?.id ?? '') ?? people.get(dispute.raisedBy.id);
      const orgs = organisationsFor(party.side, dispute);
      const orgIds = new Set(orgs.map((o) => o.id));

      const find = (role: string): Person | undefined => {
        if (party.relation === 'line-manager' && relativeTo) {
          const start = people.get(relativeTo.id);
          const manager = chain(start, false).find((p) => holds(p, role));
          if (manager) return manager;
        }
        if (party.side === 'counterpart') {
          const chosen = directory.counterparts.find(
            (c) =>
              c.organisation === dispute.raisingOrganisationId &&
              c.partner === dispute.counterpartOrganisationId &&
              c.role === role,
          );
          const person = chosen && people.get(chosen.person);
          if (person) return person;
        }
        const inChain = chain(anchor, true).find((p) => orgIds.has(p.organisation) && holds(p, role));
        if (inChain) return inChain;
        for (const org of orgs) {
          const holder = directory.people.find((p) => p.organisation === org.id && holds(p, role));
          if (holder) return holder;
        }
        return undefined;
      };

      for (const role of [party.role, ...party.substitutes.map((s) => s.role)]) {
        const person = find(role);
        if (person) return personRef(person);
      }
      return null;
    },
  };
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
