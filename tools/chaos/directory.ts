/**
 * The chaos run's directory: the five sample partnerships (directory/sample-*.json) as one, so that
 * one Concord and one emulator carry disputes of every procedure at once. The ANE sample's host
 * tenant is the host tenant; every other sample's host organisations join it (they name no tenant id
 * of their own), its external organisations keep their own tenants. Every person gets a Teams user
 * id of their own, `teams-<person id>` (the samples each use `user-id-0` … for the Playground).
 *
 * Nothing in a sample is changed but that; the samples' ids, addresses and tenant ids are distinct
 * (checked here, so a sample that stops being so fails the run at once rather than mixing people).
 */
import { readFileSync, writeFileSync } from 'node:fs';

export const SAMPLES = ['ane', 'dudley', 'iro', 'nel', 'solihull'] as const;

/** The Teams user id a person has in the merged directory. */
export const teamsUserIdOf = (personId: string) => `teams-${personId}`;

interface Sample {
  partnership: { name: string; description?: string };
  hostTenant: { tenantId: string; domain: string };
  roles?: { id: string }[];
  organisations: { id: string; tenantId?: string }[];
  people: { id: string; email: string; teamsUserId?: string }[];
  counterparts?: unknown[];
}

export function mergedDirectory(file: string): string {
  const samples = SAMPLES.map(
    (name) => JSON.parse(readFileSync(`directory/sample-${name}.json`, 'utf8')) as Sample,
  );
  const [first] = samples;
  if (!first) throw new Error('no samples');
  const unique = <T>(what: string, values: T[]) => {
    const seen = new Set<T>();
    for (const v of values) {
      if (seen.has(v)) throw new Error(`two samples share the ${what} ${String(v)}`);
      seen.add(v);
    }
    return values;
  };
  const organisations = samples.flatMap((s) => s.organisations);
  const people = samples.flatMap((s) => s.people);
  unique(
    'organisation',
    organisations.map((o) => o.id),
  );
  unique(
    'person',
    people.map((p) => p.id),
  );
  unique(
    'address',
    people.map((p) => p.email.toLowerCase()),
  );
  unique(
    'tenant id',
    organisations.flatMap((o) => (o.tenantId ? [o.tenantId] : [])),
  );
  const roles = samples.flatMap((s) => s.roles ?? []);
  const merged = {
    version: 1,
    partnership: {
      name: 'The five sample partnerships as one (chaos run)',
      description: samples.map((s) => s.partnership.name).join('; '),
    },
    hostTenant: first.hostTenant,
    ...(roles.length > 0
      ? {
          roles: unique(
            'role',
            roles.map((r) => r.id),
          ).map((_, i) => roles[i]),
        }
      : {}),
    organisations,
    people: people.map((p) => ({ ...p, teamsUserId: teamsUserIdOf(p.id) })),
    ...(samples.some((s) => s.counterparts)
      ? { counterparts: samples.flatMap((s) => s.counterparts ?? []) }
      : {}),
  };
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  return file;
}
