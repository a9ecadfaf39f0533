/**
 * Cuts the part of Microsoft's Graph v1.0 CSDL that the emulator validates against out of the full
 * file, verbatim, so a fresh clone does not need the 3.5 MB original.
 *
 *   tsx src/emulator/csdl/extract-subset.ts ../shared/graph/graph-v1.0-metadata.csdl.xml \
 *     > src/emulator/csdl/graph-v1.0-subset.csdl.xml
 *
 * The subset is the closure of ROOT_TYPES over base types, property types, derived complex types and the
 * navigation properties in FOLLOWED_NAVIGATION, plus the bound actions in ACTIONS.
 */
import { readFile } from 'node:fs/promises';
import { parseCsdl } from '../csdl.ts';

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

async function main() {
  const [source] = process.argv.slice(2);
  if (!source) {
    process.stderr.write('usage: extract-subset.ts <graph-v1.0-metadata.csdl.xml>\n');
    process.exit(2);
  }
  const xml = await readFile(source, 'utf8');
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
  process.stdout.write(
    [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<!-- An excerpt of Microsoft Graph v1.0 CSDL (microsoftgraph/msgraph-metadata, clean_v10_metadata/cleanMetadata.xml',
      '     at f54f11b6; MIT licence, Copyright (c) 2018 Microsoft Graph), cut by src/emulator/csdl/extract-subset.ts. -->',
      '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
      '  <edmx:DataServices>',
      '    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
      ...blocks.map((b) => `      ${b.trimStart()}`),
      '    </Schema>',
      '  </edmx:DataServices>',
      '</edmx:Edmx>',
      '',
    ].join('\n'),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
