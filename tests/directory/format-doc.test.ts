/** docs/directory-format.md lists every field, every organisation kind and every role the procedures use. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { roleVocabulary } from '../../src/directory/roles.ts';
import { directorySchema, ORGANISATION_KINDS } from '../../src/directory/schema.ts';
import { loadProcedures } from '../../src/procedures/index.ts';

const doc = readFileSync('docs/directory-format.md', 'utf8');

/** Every property name in the directory schema, nested objects and arrays included. */
function fieldNames(schema: unknown, into = new Set<string>()): Set<string> {
  // biome-ignore lint/suspicious/noExplicitAny: walking zod's internal definition.
  const def = (schema as any)?._zod?.def;
  if (!def) return into;
  if (def.type === 'object') {
    for (const [key, child] of Object.entries(def.shape)) {
      into.add(key);
      fieldNames(child, into);
    }
  }
  for (const inner of [def.innerType, def.element, def.in, def.out, def.schema])
    if (inner) fieldNames(inner, into);
  return into;
}

describe('docs/directory-format.md', () => {
  it('lists every role the loaded procedures use', () => {
    const missing = [...roleVocabulary(loadProcedures().values()).keys()].filter(
      (role) => !doc.includes(`\`${role}\``),
    );
    expect(missing).toEqual([]);
  });

  it('lists every organisation kind', () => {
    expect(ORGANISATION_KINDS.filter((kind) => !doc.includes(`\`${kind}\``))).toEqual([]);
  });

  it('describes every field of the schema', () => {
    const fields = fieldNames(directorySchema);
    expect(fields.size).toBeGreaterThan(20);
    expect([...fields].filter((field) => !new RegExp(`\\b${field}\\b`).test(doc))).toEqual([]);
  });
});
