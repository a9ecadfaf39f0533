/**
 * The emulator's seed: the tenants, people, managers, working hours and shared mailboxes it starts
 * with. A seed file is a JSON object; Concord's directory file (directory/*.json) is one, and every
 * property the emulator does not read (roles, counterparts, procedures…) is ignored. See README.md.
 *
 * @example
 * const seed = await loadSeed('directory/sample-ane.json');
 * const m365 = await startEmulator({ directory: seed });
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const WORKING_WEEK = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const;

const email = z
  .string()
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address')
  .transform((value) => value.toLowerCase());
const clockTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM (24-hour)');

const workingHoursSeed = z.object({
  start: clockTime,
  end: clockTime,
  days: z
    .array(z.enum(WEEKDAYS))
    .min(1)
    .default([...WORKING_WEEK]),
  timeZone: z.string().default('Europe/London'),
});

const organisationSeed = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  domain: z.string().min(1),
  /** `host`: the emulator's own tenant. `external`: another tenant (its own id, or one derived from the domain). */
  tenant: z.enum(['host', 'external']),
  tenantId: z.string().min(1).optional(),
  workingHours: workingHoursSeed.optional(),
  sharedMailbox: email.optional(),
});

const personSeed = z.object({
  id: z.string().min(1),
  displayName: z.string().min(1),
  email,
  organisation: z.string().min(1),
  jobTitle: z.string().min(1).optional(),
  /** Line manager (a person id), reported by Graph unless `entra.manager` says otherwise. */
  manager: z.string().min(1).optional(),
  /** Entra object id; derived from the email when absent. */
  aadObjectId: z.string().min(1).optional(),
  entra: z
    .object({
      manager: z.string().min(1).optional(),
      /** The primary SMTP address (`mail`) when it is not the UPN (`email`). */
      mail: email.optional(),
    })
    .optional(),
});

export const seedSchema = z
  .object({
    hostTenant: z.object({ tenantId: z.string().min(1), domain: z.string().min(1) }),
    organisations: z.array(organisationSeed),
    people: z.array(personSeed).default([]),
  })
  .superRefine((seed, ctx) => {
    const orgs = new Set(seed.organisations.map((o) => o.id));
    const people = new Set(seed.people.map((p) => p.id));
    seed.people.forEach((person, i) => {
      if (!orgs.has(person.organisation))
        ctx.addIssue({
          code: 'custom',
          path: ['people', i, 'organisation'],
          message: `unknown organisation "${person.organisation}"`,
        });
      for (const [path, manager] of [
        [['people', i, 'manager'], person.manager],
        [['people', i, 'entra', 'manager'], person.entra?.manager],
      ] as const) {
        if (manager !== undefined && !people.has(manager))
          ctx.addIssue({ code: 'custom', path: [...path], message: `unknown person "${manager}"` });
      }
    });
  });

/** What the emulator is seeded with (defaults applied). */
export type Seed = z.output<typeof seedSchema>;
/** A seed before defaults: what a caller may pass in code. */
export type SeedInput = z.input<typeof seedSchema>;
export type PersonSeed = Seed['people'][number];

/** A seed file that cannot be read or is invalid; the message names the file and each bad path. */
export class SeedFileError extends Error {
  override readonly name = 'SeedFileError';
  constructor(
    readonly file: string,
    readonly issues: readonly { readonly path: string; readonly message: string }[],
  ) {
    super(
      `invalid seed file ${file}:\n${issues.map((i) => `  ${file}: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n')}`,
    );
  }
}

/** Validates a seed object (throws SeedFileError naming `source`). */
export function parseSeed(data: unknown, source = '(seed)'): Seed {
  const parsed = seedSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new SeedFileError(
    source,
    parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  );
}

/** Reads and validates a seed file. */
export async function loadSeed(file: string): Promise<Seed> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SeedFileError(file, [{ path: '', message: `cannot read: ${(error as Error).message}` }]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SeedFileError(file, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }]);
  }
  return parseSeed(data, file);
}

/** The manager Entra reports for a person: entra.manager first, then the seed's manager. */
export function graphManagerOf(person: PersonSeed): string | undefined {
  return person.entra?.manager ?? person.manager;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
