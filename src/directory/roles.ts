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
/**
 * The partnership's oversight role: the people who see the partnership dashboard and take the
 * board's reports (a board's business team, ANE's Adoption Practice Leadership Group, the CSSU's
 * service manager). No procedure step resolves to it, so every directory may use it undeclared.
 */
export const OVERSIGHT_ROLE = 'oversight';

/** Roles Concord itself gives meaning to, known to every directory besides the procedures' own. */
export const BUILT_IN_ROLES: readonly { readonly id: string; readonly label: string }[] = [
  { id: OVERSIGHT_ROLE, label: "Partnership oversight: the dashboard and the board's reports" },
];

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
 * or the directory's own `roles`; every procedure an organisation lists must be loaded. Reads the raw
 * JSON defensively (skipping what is not there or not a string), so it reports alongside the schema's
 * own complaints rather than only once the shape is sound.
 */
export function checkRoles(directory: unknown, procedures: readonly RoleSource[]): RoleIssue[] {
  const vocabulary = roleVocabulary(procedures);
  const own = new Set([
    ...BUILT_IN_ROLES.map((role) => role.id),
    ...strings(list(field(directory, 'roles')).map((role) => field(role, 'id'))),
  ]);
  const known = (role: string) => vocabulary.has(role) || own.has(role);
  const listing = [...new Set([...vocabulary.keys(), ...own])].sort().join(', ');
  const unknownRole = (role: string) =>
    `unknown role "${role}" (roles the procedures use: ${listing}; declare a partnership's own role in the top-level "roles")`;
  const procedureIds = new Set(procedures.map((procedure) => procedure.id));
  const issues: RoleIssue[] = [];
  const checkRole = (path: (string | number)[], role: unknown) => {
    if (typeof role === 'string' && !known(role)) issues.push({ path, message: unknownRole(role) });
  };

  list(field(directory, 'organisations')).forEach((org, i) => {
    list(field(org, 'procedures')).forEach((procedureId, j) => {
      if (typeof procedureId === 'string' && !procedureIds.has(procedureId))
        issues.push({
          path: ['organisations', i, 'procedures', j],
          message: `unknown procedure "${procedureId}" (loaded: ${[...procedureIds].join(', ')})`,
        });
    });
    list(field(org, 'delegates')).forEach((delegate, j) => {
      checkRole(['organisations', i, 'delegates', j, 'role'], field(delegate, 'role'));
    });
  });
  list(field(directory, 'people')).forEach((person, i) => {
    list(field(person, 'roles')).forEach((role, j) => {
      checkRole(['people', i, 'roles', j], role);
    });
  });
  list(field(directory, 'counterparts')).forEach((counterpart, i) => {
    checkRole(['counterparts', i, 'role'], field(counterpart, 'role'));
  });
  return issues;
}

function field(value: unknown, key: string): unknown {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function strings(values: unknown[]): string[] {
  return values.filter((value): value is string => typeof value === 'string');
}
