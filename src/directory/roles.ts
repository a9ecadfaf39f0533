/**
 * The role vocabulary comes from the procedures: a directory may give people only roles that a loaded
 * procedure names (each procedure's `roles`), or that the directory itself declares in its top-level
 * `roles` (a partnership's own role, such as an oversight role). A sixth procedure with a new role
 * therefore needs no code change: load it, and directories may use its roles.
 *
 * @example
 * const issues = checkRoles(directory, [...loadProcedures().values()]);
 * // [{ path: ['people', 3, 'roles', 0], message: 'unknown role "boss" (roles the procedures use: …)' }]
 */
import type { Directory } from './schema.ts';

/** What the check needs of a procedure: its id and the roles it names. */
export interface RoleSource {
  readonly id: string;
  readonly roles: readonly { readonly id: string }[];
}

/** One problem, by JSON path (keys and indices), before formatting. */
export interface RoleIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Role id → the procedures that name it, over every given procedure, in their order.
 *
 * @example
 * roleVocabulary([ane, iro]).get('team-manager'); // ['ane', 'iro-drp']
 */
export function roleVocabulary(procedures: Iterable<RoleSource>): ReadonlyMap<string, readonly string[]> {
  const vocabulary = new Map<string, string[]>();
  for (const procedure of procedures) {
    for (const role of procedure.roles) {
      const users = vocabulary.get(role.id) ?? [];
      if (!users.includes(procedure.id)) users.push(procedure.id);
      vocabulary.set(role.id, users);
    }
  }
  return vocabulary;
}

/**
 * Every role a directory uses (people, counterparts, delegates) must be in the procedures' vocabulary
 * or the directory's own `roles`; every procedure an organisation lists must be loaded.
 */
export function checkRoles(directory: Directory, procedures: readonly RoleSource[]): RoleIssue[] {
  const vocabulary = roleVocabulary(procedures);
  const own = new Set(directory.roles.map((role) => role.id));
  const known = (role: string) => vocabulary.has(role) || own.has(role);
  const listing = [...vocabulary.keys(), ...own].sort().join(', ');
  const unknownRole = (role: string) =>
    `unknown role "${role}" (roles the procedures use: ${listing}; declare a partnership's own role in the top-level "roles")`;
  const procedureIds = new Set(procedures.map((procedure) => procedure.id));
  const issues: RoleIssue[] = [];

  directory.organisations.forEach((org, i) => {
    org.procedures.forEach((procedureId, j) => {
      if (!procedureIds.has(procedureId))
        issues.push({
          path: ['organisations', i, 'procedures', j],
          message: `unknown procedure "${procedureId}" (loaded: ${[...procedureIds].join(', ')})`,
        });
    });
    org.delegates.forEach((delegate, j) => {
      if (!known(delegate.role))
        issues.push({
          path: ['organisations', i, 'delegates', j, 'role'],
          message: unknownRole(delegate.role),
        });
    });
  });
  directory.people.forEach((person, i) => {
    person.roles.forEach((role, j) => {
      if (!known(role)) issues.push({ path: ['people', i, 'roles', j], message: unknownRole(role) });
    });
  });
  directory.counterparts.forEach((counterpart, i) => {
    if (!known(counterpart.role))
      issues.push({ path: ['counterparts', i, 'role'], message: unknownRole(counterpart.role) });
  });
  return issues;
}
