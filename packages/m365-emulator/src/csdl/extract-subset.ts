/**
 * Cuts the part of Microsoft's Graph v1.0 CSDL that the emulator validates against out of the full
 * file, verbatim, so a fresh clone does not need the 3.5 MB original.
 *
 *   npm run emulator:csdl     (from the repository root; reads ../shared/graph/graph-v1.0-metadata.csdl.xml)
 *   tsx packages/m365-emulator/src/csdl/extract-subset.ts FULL.csdl.xml [--write]
 *
 * Without --write it prints the excerpt. With --write it replaces graph-v1.0-subset.csdl.xml and
 * records both files' SHA-256 in graph-v1.0-subset.provenance.json, so a clone without the original
 * can still check that the committed excerpt is the one cut from that exact source.
 *
 * The subset is the closure of ROOT_TYPES over base types, property types, derived complex types and the
 * navigation properties in FOLLOWED_NAVIGATION, plus the bound actions in ACTIONS.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseCsdl } from '../csdl.ts';

export const SUBSET_PATH = fileURLToPath(new URL('./graph-v1.0-subset.csdl.xml', import.meta.url));
export const PROVENANCE_PATH = fileURLToPath(new URL('./graph-v1.0-subset.provenance.json', import.meta.url));

/** Where the excerpt came from: the full CSDL's and the excerpt's SHA-256 (hex). */
export interface SubsetProvenance {
  readonly source: string;
  readonly sourceSha256: string;
  readonly sourceBytes: number;
  readonly subsetSha256: string;
}

export const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

export const ROOT_TYPES = [
  'message',
  'eventMessage',
  'eventMessageRequest',
  'eventMessageResponse',
  'event',
  'subscription',
  'mailFolder',
  'singleValueLegacyExtendedProperty',
  'multiValueLegacyExtendedProperty',
  'attachment',
  'fileAttachment',
  'itemAttachment',
  'referenceAttachment',
  'openTypeExtension',
  'userScopeTeamsAppInstallation',
  'scheduleInformation',
];

const FOLLOWED_NAVIGATION = new Set([
  'attachments',
  'singleValueExtendedProperties',
  'multiValueExtendedProperties',
  'extensions',
  'event',
  'teamsApp',
  'teamsAppDefinition',
]);

/** Bound actions, by name, whose binding type is in ACTION_BINDINGS. */
const ACTIONS = new Set([
  'send',
  'createReply',
  'createReplyAll',
  'reply',
  'replyAll',
  'forward',
  'createForward',
  'move',
  'copy',
  'accept',
  'decline',
  'tentativelyAccept',
  'cancel',
  'getSchedule',
  'reauthorize',
  'sendMail',
]);
const ACTION_BINDINGS = new Set([
  'graph.message',
  'graph.event',
  'graph.calendar',
  'graph.subscription',
  'graph.user',
]);

/** The excerpt of `xml` (Microsoft's full Graph v1.0 CSDL) that the emulator validates against. */
export function extractSubset(xml: string): string {
  const model = parseCsdl(xml);
  const wanted = new Set<string>();
  const queue = [...ROOT_TYPES];
  const derived = new Map<string, string[]>();
  for (const type of model.complexTypes.values()) {
    if (!type.baseType) continue;
    const list = derived.get(type.baseType) ?? [];
    list.push(type.name);
    derived.set(type.baseType, list);
  }
  const enqueue = (typeRef: string) => {
    const name = typeRef.replace(/^Collection\((.*)\)$/, '$1');
    if (!name.startsWith('graph.')) return;
    queue.push(name.slice('graph.'.length));
  };
  while (queue.length) {
    const name = queue.pop() as string;
    if (wanted.has(name)) continue;
    const structured = model.entityTypes.get(name) ?? model.complexTypes.get(name);
    if (!structured && !model.enumTypes.has(name)) continue;
    wanted.add(name);
    if (!structured) continue;
    if (structured.baseType) enqueue(structured.baseType);
    for (const prop of structured.properties.values()) {
      if (prop.navigation && !FOLLOWED_NAVIGATION.has(prop.name)) continue;
      enqueue(prop.type);
    }
    if (model.complexTypes.has(name))
      for (const child of derived.get(`graph.${name}`) ?? []) queue.push(child);
  }
  for (const action of model.actions) {
    if (!ACTIONS.has(action.name) || !ACTION_BINDINGS.has(action.bindingType)) continue;
    for (const p of action.parameters) enqueue(p.type);
  }
  while (queue.length) {
    // Parameter types of actions may add complex types not yet seen.
    const name = queue.pop() as string;
    if (wanted.has(name)) continue;
    const structured = model.complexTypes.get(name) ?? model.entityTypes.get(name);
    if (!structured && !model.enumTypes.has(name)) continue;
    wanted.add(name);
    if (structured?.baseType) enqueue(structured.baseType);
    for (const prop of structured?.properties.values() ?? []) if (!prop.navigation) enqueue(prop.type);
  }

  // Slice the original text: top-level elements of the microsoft.graph schema, 6-space indented.
  const schemaStart = xml.indexOf('<Schema Namespace="microsoft.graph"');
  const schemaEnd = xml.indexOf('</Schema>', schemaStart);
  const schema = xml.slice(schemaStart, schemaEnd);
  const blocks: string[] = [];
  const element = /^ {6}<(EntityType|ComplexType|EnumType|Action)\b([^>]*?)(\/>|>[\s\S]*?^ {6}<\/\1>)/gm;
  for (const m of schema.matchAll(element)) {
    const [text, kind, attrs = ''] = m;
    const name = /\bName="([^"]+)"/.exec(attrs)?.[1] ?? '';
    if (kind === 'Action') {
      const binding = /<Parameter Name="bindingParameter" Type="([^"]+)"/.exec(text)?.[1] ?? '';
      if (ACTIONS.has(name) && ACTION_BINDINGS.has(binding)) blocks.push(text);
    } else if (wanted.has(name)) blocks.push(text);
  }
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<!-- An excerpt of Microsoft Graph v1.0 CSDL (microsoftgraph/msgraph-metadata, clean_v10_metadata/cleanMetadata.xml',
    '     at f54f11b6; MIT licence, Copyright (c) 2018 Microsoft Graph), cut by packages/m365-emulator/src/csdl/extract-subset.ts. -->',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '  <edmx:DataServices>',
    '    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
    ...blocks.map((b) => `      ${b.trimStart()}`),
    '    </Schema>',
    '  </edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const source = args.find((a) => !a.startsWith('--'));
  if (!source) {
    process.stderr.write('usage: extract-subset.ts <graph-v1.0-metadata.csdl.xml> [--write]\n');
    process.exit(2);
  }
  const xml = await readFile(source);
  const subset = extractSubset(xml.toString('utf8'));
  if (!args.includes('--write')) {
    process.stdout.write(subset);
    return;
  }
  const provenance: SubsetProvenance = {
    source:
      'microsoftgraph/msgraph-metadata clean_v10_metadata/cleanMetadata.xml at f54f11b6 (graph-v1.0-metadata.csdl.xml)',
    sourceSha256: sha256(xml),
    sourceBytes: xml.length,
    subsetSha256: sha256(subset),
  };
  await writeFile(SUBSET_PATH, subset);
  await writeFile(PROVENANCE_PATH, `${JSON.stringify(provenance, null, 2)}\n`);
  process.stderr.write(`wrote ${SUBSET_PATH} and ${PROVENANCE_PATH}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
