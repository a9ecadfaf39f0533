/** The sample partnership plus `count` practitioners at ANE, each with a Teams user of their own. */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const benchUser = (i: number) => `bench-user-${i}`;
export const benchPerson = (i: number) => `bench-practitioner-${i}`;

export function writeBenchDirectory(count: number): string {
  const sample = JSON.parse(readFileSync('directory/sample-ane.json', 'utf8')) as {
    people: Record<string, unknown>[];
  };
  for (let i = 0; i < count; i++) {
    sample.people.push({
      id: benchPerson(i),
      displayName: `Practitioner ${i}, Adopt North East`,
      email: `bench.practitioner.${i}@ane.example`,
      organisation: 'ane',
      jobTitle: 'Social Worker',
      roles: ['practitioner', 'allocated-social-worker'],
      manager: 'ane-team-manager',
      teamsUserId: benchUser(i),
    });
  }
  const file = path.join(tmpdir(), `concord-bench-directory-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(sample, null, 1));
  return file;
}
