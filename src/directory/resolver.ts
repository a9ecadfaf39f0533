/**
 * The `RoleResolver` the domain consults: a pure, synchronous lookup over a loaded directory.
 *
 * How a party `{ role, side, relation?, substitutes }` becomes a person, for one dispute:
 * 1. **Organisation.** `raising` → the dispute's raising organisation; `counterpart` → its partner
 *    organisation; `independent` → organisations outside both, those of an independent kind
 *    (`safeguarding-board`, `other`: boards and their chairs, panels and business teams, CAFCASS)
 *    first, then any other organisation outside both, and last the two parties' own organisations
 *    (raising first), for a role a party's organisation holds on the partnership's behalf, such as
 *    Dudley MBC's Head of Safeguarding.
 * 2. **`relation: 'line-manager'`.** Walk up `relativeTo`'s manager chain and take the first manager
 *    holding the role. A manager comes from the file (`manager`) or, when the file gives none, from
 *    Graph (`/users/{id}/manager`), through `graphManagerOf`: the directory service prefetches those
 *    managers and keeps them cached, so this function stays synchronous and pure. When the chain has
 *    no holder, fall through to step 3.
 * 3. **Holder in the organisation.** For the counterpart side a `counterparts` entry
 *    (organisation → partner, role) chooses among several holders. Otherwise, when several people
 *    in the organisation hold the role, the one in the manager chain of `relativeTo` (or of the
 *    raiser), the person included, wins; else the first in file order.
 *    When no one in the organisation holds the role, its `delegates` entry for the role names
 *    the person outside it who holds the role for it (a self-employed professional's safeguarding
 *    lead).
 * 4. **Substitutes.** When no one holds the role, the party's substitutes are tried in order.
 *
 * @example
 * const resolver = createRoleResolver({ directory });
 * resolver.resolve({ party: { role: 'team-manager', side: 'counterpart', substitutes: [] }, dispute });
 */
import type { PersonRef, RoleResolver } from '../domain/dispute/types.ts';
import { type Directory, INDEPENDENT_KINDS, type Organisation, type Person } from './schema.ts';

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
    const independentKind = (o: Organisation) => INDEPENDENT_KINDS.includes(o.kind);
    return [
      ...outside.filter(independentKind),
      ...outside.filter((o) => !independentKind(o)),
      ...organisationsFor('raising', dispute),
      ...organisationsFor('counterpart', dispute),
    ];
  };

  return {
    organisationName(organisationId) {
      return organisations.get(organisationId)?.name ?? null;
    },
    personByEmail(email) {
      const address = email.trim().toLowerCase();
      const found = directory.people.find((p) => p.email.toLowerCase() === address);
      return found ? personRef(found) : null;
    },
    inHostTenant(person) {
      return organisations.get(person.organisationId)?.tenant === 'host';
    },
    resolve({ party, dispute, relativeTo }) {
      const anchor = people.get(relativeTo?.id ?? '') ?? people.get(dispute.raisedBy.id);
      const orgs = organisationsFor(party.side, dispute);
      // An independent party is looked for up a chain only outside the two parties.
      const parties = new Set([dispute.raisingOrganisationId, dispute.counterpartOrganisationId]);
      const chainOrgIds = new Set(
        orgs.map((o) => o.id).filter((id) => party.side !== 'independent' || !parties.has(id)),
      );

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
        const inChain = chain(anchor, true).find((p) => chainOrgIds.has(p.organisation) && holds(p, role));
        if (inChain) return inChain;
        for (const org of orgs) {
          const holder = directory.people.find((p) => p.organisation === org.id && holds(p, role));
          if (holder) return holder;
          const delegate = org.delegates.find((d) => d.role === role);
          const delegated = delegate && people.get(delegate.person);
          if (delegated) return delegated;
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
