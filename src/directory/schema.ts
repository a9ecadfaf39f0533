/**
 * The directory file: organisations, people, roles, counterparts and mailboxes.
 *
 * One format, read by Concord (`DIRECTORY_FILE`) and by the local Microsoft 365 emulator, which seeds its
 * users, mailboxes and calendars from it. Documented in docs/directory-format.md.
 *
 * Words: docs/glossary.md.
 */
import { z } from 'zod';
import { WEEKDAYS } from '../domain/meeting/slots.ts';

/**
 * Kinds of organisation in a partnership. `safeguarding-board` and `other` (CAFCASS, an independent
 * chair's office) are where independent parties are looked for first.
 */
export const ORGANISATION_KINDS = [
  'regional-adoption-agency',
  'local-authority',
  'health',
  'police',
  'school',
  'care-provider',
  'voluntary-sector',
  'self-employed',
  'safeguarding-board',
  'other',
] as const;

/** Organisation kinds whose people are looked for first when a procedure asks for an independent party. */
export const INDEPENDENT_KINDS: readonly OrganisationKind[] = ['safeguarding-board', 'other'];

/** UK jurisdictions with their own bank holidays (GOV.UK's division names). */
export const DIVISIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;

export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];
export type Division = (typeof DIVISIONS)[number];

const id = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a kebab-case id (lower-case letters, digits and hyphens)');
const email = z
  .string()
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address')
  .transform((value) => value.toLowerCase());
const domain = z
  .string()
  .regex(/^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/, 'must be a lower-case DNS domain such as "ane.example"');
const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a lower-case GUID');
/** A role id: any kebab-case id; checked against the procedures' vocabulary by `checkRoles`. */
const roleId = id;
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const clockTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM (24-hour)');

export const workingHoursSchema = z
  .object({
    start: clockTime,
    end: clockTime,
    days: z.array(z.enum(WEEKDAYS)).min(1).default(['monday', 'tuesday', 'wednesday', 'thursday', 'friday']),
    timeZone: z.string().default('Europe/London'),
  })
  .strict()
  .refine((hours) => hours.start < hours.end, { message: 'start must be before end', path: ['end'] });

export const organisationSchema = z
  .object({
    id,
    name: z.string().min(1),
    kind: z.enum(ORGANISATION_KINDS),
    domain,
    /** `host`: the bot's own tenant. `external`: another tenant, reached by email only. */
    tenant: z.enum(['host', 'external']),
    /** The organisation's own tenant id. Defaults to hostTenant.tenantId for host organisations. */
    tenantId: guid.optional(),
    division: z.enum(DIVISIONS),
    /** Procedure ids this organisation uses, e.g. ["ane"]. */
    procedures: z.array(z.string().min(1)).default([]),
    /** Extra non-working days (YYYY-MM-DD) on top of the division's bank holidays. */
    closureDays: z.array(isoDate).default([]),
    workingHours: workingHoursSchema.default({
      start: '09:00',
      end: '17:00',
      days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      timeZone: 'Europe/London',
    }),
    /** A shared mailbox that may send on the organisation's behalf, with the acting manager copied. */
    sharedMailbox: email.optional(),
    /**
     * Whose mailbox the organisation's emails go from: the manager whose step it is (the default),
     * or its `sharedMailbox` with that manager copied, so Exchange's RBAC for Applications scope can
     * hold the shared mailbox instead of every manager's. A host-tenant organisation only.
     */
    sendFrom: z.enum(['manager', 'shared-mailbox']).default('manager'),
    /**
     * People outside the organisation who hold one of its roles for it, used when none of its own
     * people holds the role (a self-employed professional's safeguarding lead).
     */
    delegates: z.array(z.object({ role: roleId, person: id }).strict()).default([]),
  })
  .strict();

export const personSchema = z
  .object({
    id,
    displayName: z.string().min(1),
    /** The person's mailbox; also their userPrincipalName when they are in the host tenant. */
    email,
    organisation: id,
    jobTitle: z.string().min(1),
    /** Role ids from the procedures' vocabulary (or the directory's own `roles`), at least one. */
    roles: z.array(roleId).min(1),
    /** Line manager (a person id). When absent, Concord asks Graph (`/users/{id}/manager`). */
    manager: id.optional(),
    /** Teams user id used in local mode (Agents Playground: "user-id-0" is Alex Wilber). */
    teamsUserId: z.string().min(1).optional(),
    /** Entra object id; the emulator derives a stable one from the email when absent. */
    aadObjectId: guid.optional(),
    /** What Entra ID holds. Read only by the emulator, to answer Graph; Concord never reads it. */
    entra: z
      .object({
        /** The manager Graph reports, when it differs from `manager` or `manager` is absent. */
        manager: id.optional(),
        /** The primary SMTP address (`mail`) Entra reports, when it is not the UPN (`email`). */
        mail: email.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const counterpartSchema = z
  .object({
    /** The organisation raising or escalating. */
    organisation: id,
    /** The partner organisation whose person answers. */
    partner: id,
    role: roleId,
    /** The chosen person (in `partner`, holding `role`). */
    person: id,
  })
  .strict();

/** A role the partnership uses that no procedure names (for example an oversight role). */
export const extraRoleSchema = z.object({ id: roleId, label: z.string().min(1) }).strict();

/** What the partnership is called, and who the local-mode (Agents Playground) user plays. */
export const partnershipSchema = z
  .object({
    name: z.string().min(1),
    /** One sentence on who is in it, for a start-up banner. */
    description: z.string().min(1).optional(),
  })
  .strict();

const directoryObjectSchema = z
  .object({
    version: z.literal(1),
    partnership: partnershipSchema.optional(),
    roles: z.array(extraRoleSchema).default([]),
    hostTenant: z.object({ tenantId: guid, domain }).strict(),
    organisations: z.array(organisationSchema).min(1),
    people: z.array(personSchema),
    counterparts: z.array(counterpartSchema).default([]),
  })
  .strict();

/** The whole file, with the cross-references checked (ids exist, no manager cycles, unique emails). */
export const directorySchema = directoryObjectSchema.superRefine((dir, ctx) => {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });

  const orgs = new Map<string, (typeof dir.organisations)[number]>();
  dir.organisations.forEach((org, i) => {
    if (orgs.has(org.id)) issue(['organisations', i, 'id'], `duplicate organisation id "${org.id}"`);
    orgs.set(org.id, org);
    if (org.sharedMailbox && !inDomain(org.sharedMailbox, org.domain))
      issue(['organisations', i, 'sharedMailbox'], `must be an address in ${org.domain}`);
    if (org.sendFrom === 'shared-mailbox' && !org.sharedMailbox)
      issue(['organisations', i, 'sendFrom'], '"shared-mailbox" needs the organisation\'s sharedMailbox');
    if (org.sendFrom === 'shared-mailbox' && org.tenant !== 'host')
      issue(
        ['organisations', i, 'sendFrom'],
        "only an organisation in the host tenant sends through Concord; another tenant's mail is its own",
      );
  });
  if (!dir.organisations.some((org) => org.tenant === 'host'))
    issue(['organisations'], 'at least one organisation must have tenant "host"');

  const people = new Map<string, (typeof dir.people)[number]>();
  const emails = new Map<string, number>();
  const teamsIds = new Map<string, number>();
  dir.people.forEach((person, i) => {
    if (people.has(person.id)) issue(['people', i, 'id'], `duplicate person id "${person.id}"`);
    people.set(person.id, person);
    const seenEmail = emails.get(person.email);
    if (seenEmail !== undefined) issue(['people', i, 'email'], `same email as people[${seenEmail}]`);
    emails.set(person.email, i);
    if (person.teamsUserId) {
      const seen = teamsIds.get(person.teamsUserId);
      if (seen !== undefined) issue(['people', i, 'teamsUserId'], `same teamsUserId as people[${seen}]`);
      teamsIds.set(person.teamsUserId, i);
    }
    const org = orgs.get(person.organisation);
    if (!org) issue(['people', i, 'organisation'], `unknown organisation "${person.organisation}"`);
    else if (!inDomain(person.email, org.domain))
      issue(['people', i, 'email'], `must be an address in ${org.domain} (organisation "${org.id}")`);
  });
  dir.people.forEach((person, i) => {
    for (const [key, managerId] of [
      ['manager', person.manager],
      ['entra', person.entra?.manager],
    ] as const) {
      if (managerId === undefined) continue;
      const path = key === 'manager' ? ['people', i, 'manager'] : ['people', i, 'entra', 'manager'];
      if (!people.has(managerId)) issue(path, `unknown person "${managerId}"`);
      else if (managerId === person.id) issue(path, 'a person cannot be their own manager');
    }
    // Walk the effective chain (file first, then Entra) to find cycles.
    const seen = new Set<string>([person.id]);
    let current = people.get(person.manager ?? person.entra?.manager ?? '');
    while (current) {
      if (seen.has(current.id)) {
        issue(['people', i, 'manager'], `manager chain has a cycle through "${current.id}"`);
        break;
      }
      seen.add(current.id);
      current = people.get(current.manager ?? current.entra?.manager ?? '');
    }
  });

  dir.organisations.forEach((org, i) => {
    org.delegates.forEach((delegate, j) => {
      const path = ['organisations', i, 'delegates', j, 'person'];
      const person = people.get(delegate.person);
      if (!person) issue(path, `unknown person "${delegate.person}"`);
      else if (person.organisation === org.id)
        issue(path, `"${delegate.person}" is in "${org.id}" already: give them the role instead`);
      else if (!person.roles.includes(delegate.role))
        issue(path, `"${delegate.person}" does not hold the role "${delegate.role}"`);
    });
  });
  const extraRoles = new Set<string>();
  dir.roles.forEach((role, i) => {
    if (extraRoles.has(role.id)) issue(['roles', i, 'id'], `duplicate role id "${role.id}"`);
    extraRoles.add(role.id);
  });

  dir.counterparts.forEach((cp, i) => {
    if (!orgs.has(cp.organisation))
      issue(['counterparts', i, 'organisation'], `unknown organisation "${cp.organisation}"`);
    if (!orgs.has(cp.partner)) issue(['counterparts', i, 'partner'], `unknown organisation "${cp.partner}"`);
    const person = people.get(cp.person);
    if (!person) issue(['counterparts', i, 'person'], `unknown person "${cp.person}"`);
    else if (person.organisation !== cp.partner)
      issue(
        ['counterparts', i, 'person'],
        `"${cp.person}" is in "${person.organisation}", not "${cp.partner}"`,
      );
    else if (!person.roles.includes(cp.role))
      issue(['counterparts', i, 'person'], `"${cp.person}" does not hold the role "${cp.role}"`);
  });
});

function inDomain(address: string, orgDomain: string): boolean {
  const at = address.lastIndexOf('@');
  const host = address.slice(at + 1);
  return host === orgDomain || host.endsWith(`.${orgDomain}`);
}

/** A validated directory, with defaults applied. */
export type Directory = z.output<typeof directorySchema>;
export type Organisation = Directory['organisations'][number];
export type Person = Directory['people'][number];
export type Counterpart = Directory['counterparts'][number];
export type Delegate = Organisation['delegates'][number];
export type WorkingHours = Organisation['workingHours'];
