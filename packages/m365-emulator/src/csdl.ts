/**
 * Graph's request bodies checked against Microsoft's CSDL, as Graph's OData reader checks them:
 * an unknown property, a value of the wrong type or an enum value not in the enumeration is a 400
 * `RequestBodyRead` with OData's message. Property names match case-insensitively and come back in the
 * CSDL's spelling, so handlers can read `body.subject` whatever the client sent.
 *
 * The model is loaded once per process from ./csdl/graph-v1.0-subset.csdl.xml (an excerpt of the full
 * CSDL; see ./csdl/extract-subset.ts) or from any full CSDL file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { GraphError } from './graph-error.ts';

export interface CsdlProperty {
  readonly name: string;
  /** e.g. "Edm.String", "graph.recipient", "Collection(graph.recipient)". */
  readonly type: string;
  readonly nullable: boolean;
  readonly navigation: boolean;
}

export interface CsdlStructuredType {
  readonly name: string;
  readonly kind: 'entity' | 'complex';
  readonly baseType?: string;
  readonly properties: ReadonlyMap<string, CsdlProperty>;
}

export interface CsdlEnumType {
  readonly name: string;
  readonly members: ReadonlySet<string>;
  readonly isFlags: boolean;
}

export interface CsdlAction {
  readonly name: string;
  readonly bindingType: string;
  readonly parameters: readonly { readonly name: string; readonly type: string }[];
}

export interface CsdlModel {
  readonly entityTypes: ReadonlyMap<string, CsdlStructuredType>;
  readonly complexTypes: ReadonlyMap<string, CsdlStructuredType>;
  readonly enumTypes: ReadonlyMap<string, CsdlEnumType>;
  readonly actions: readonly CsdlAction[];
}

export const DEFAULT_CSDL_PATH = fileURLToPath(new URL('./csdl/graph-v1.0-subset.csdl.xml', import.meta.url));

type XmlNode = Record<string, unknown>;
const asArray = (v: unknown): XmlNode[] => (Array.isArray(v) ? (v as XmlNode[]) : v ? [v as XmlNode] : []);

/** Parses CSDL XML (the microsoft.graph schema only). */
export function parseCsdl(xml: string): CsdlModel {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true });
  const doc = parser.parse(xml) as XmlNode;
  const services = (doc.Edmx as XmlNode).DataServices as XmlNode;
  const schema = asArray(services.Schema).find((s) => s.Namespace === 'microsoft.graph');
  if (!schema) throw new Error('CSDL has no microsoft.graph schema');
  const structured = (node: XmlNode, kind: 'entity' | 'complex'): CsdlStructuredType => {
    const properties = new Map<string, CsdlProperty>();
    for (const p of asArray(node.Property))
      properties.set(String(p.Name), {
        name: String(p.Name),
        type: String(p.Type),
        nullable: p.Nullable !== 'false',
        navigation: false,
      });
    for (const p of asArray(node.NavigationProperty))
      properties.set(String(p.Name), {
        name: String(p.Name),
        type: String(p.Type),
        nullable: true,
        navigation: true,
      });
    return {
      name: String(node.Name),
      kind,
      ...(node.BaseType ? { baseType: String(node.BaseType) } : {}),
      properties,
    };
  };
  const entityTypes = new Map(
    asArray(schema.EntityType).map((n) => [String(n.Name), structured(n, 'entity')]),
  );
  const complexTypes = new Map(
    asArray(schema.ComplexType).map((n) => [String(n.Name), structured(n, 'complex')]),
  );
  const enumTypes = new Map(
    asArray(schema.EnumType).map((n) => [
      String(n.Name),
      {
        name: String(n.Name),
        members: new Set(asArray(n.Member).map((m) => String(m.Name))),
        isFlags: n.IsFlags === 'true',
      },
    ]),
  );
  const actions = asArray(schema.Action).map((n) => {
    const params = asArray(n.Parameter).map((p) => ({ name: String(p.Name), type: String(p.Type) }));
    return {
      name: String(n.Name),
      bindingType: params.find((p) => p.name === 'bindingParameter')?.type ?? '',
      parameters: params.filter((p) => p.name !== 'bindingParameter'),
    };
  });
  return { entityTypes, complexTypes, enumTypes, actions };
}

const cache = new Map<string, CsdlModel>();

/** Loads and caches a CSDL file (default: the bundled subset). */
export function loadCsdl(path: string = DEFAULT_CSDL_PATH): CsdlModel {
  let model = cache.get(path);
  if (!model) {
    model = parseCsdl(readFileSync(path, 'utf8'));
    cache.set(path, model);
  }
  return model;
}

const readError = (message: string) => new GraphError(400, 'RequestBodyRead', message);
const stripNs = (name: string) => name.replace(/^(?:graph|microsoft\.graph)\./, '');

export interface CsdlValidator {
  /** Validates an entity body (POST/PATCH) and returns it with CSDL-cased property names. */
  entity(typeName: string, body: unknown): Record<string, unknown>;
  /** Validates a bound action's parameters (camelCase on the wire). */
  action(name: string, bindingType: string, body: unknown): Record<string, unknown>;
  readonly model: CsdlModel;
}

export function createValidator(model: CsdlModel): CsdlValidator {
  const allProperties = (typeName: string): Map<string, CsdlProperty> => {
    const out = new Map<string, CsdlProperty>();
    let current = model.entityTypes.get(typeName) ?? model.complexTypes.get(typeName);
    const chain: CsdlStructuredType[] = [];
    while (current) {
      chain.unshift(current);
      current = current.baseType
        ? (model.entityTypes.get(stripNs(current.baseType)) ??
          model.complexTypes.get(stripNs(current.baseType)))
        : undefined;
    }
    for (const t of chain) for (const p of t.properties.values()) out.set(p.name.toLowerCase(), p);
    return out;
  };
  const derivesFrom = (typeName: string, base: string): boolean => {
    let current: string | undefined = typeName;
    while (current) {
      if (current === base) return true;
      const t: CsdlStructuredType | undefined =
        model.entityTypes.get(current) ?? model.complexTypes.get(current);
      current = t?.baseType ? stripNs(t.baseType) : undefined;
    }
    return false;
  };
  const known = (typeName: string) => model.entityTypes.has(typeName) || model.complexTypes.has(typeName);

  function validateStructured(typeName: string, value: unknown): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw readError(
        `An unexpected '${Array.isArray(value) ? 'StartArray' : 'PrimitiveValue'}' node was found when reading from the JSON reader. A 'StartObject' node was expected.`,
      );
    const record = value as Record<string, unknown>;
    let actualType = typeName;
    const odataType = record['@odata.type'];
    if (typeof odataType === 'string') {
      const named = stripNs(odataType.replace(/^#/, ''));
      if (!known(named))
        throw readError(`A type named '${odataType.replace(/^#/, '')}' could not be resolved by the model.`);
      if (!derivesFrom(named, typeName))
        throw readError(
          `A type named 'microsoft.graph.${named}' is not compatible with 'microsoft.graph.${typeName}'.`,
        );
      actualType = named;
    }
    const properties = allProperties(actualType);
    const out: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(record)) {
      if (key.includes('@')) {
        out[key] = raw;
        continue;
      }
      const prop = properties.get(key.toLowerCase());
      if (!prop)
        throw readError(
          `The property '${key}' does not exist on type 'microsoft.graph.${actualType}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
        );
      out[prop.name] = validateValue(prop.type, raw, prop);
    }
    return out;
  }

  function validateValue(type: string, raw: unknown, prop?: CsdlProperty): unknown {
    const collection = /^Collection\((.*)\)$/.exec(type);
    if (collection) {
      if (raw === null) return raw;
      if (!Array.isArray(raw))
        throw readError(
          `An unexpected '${typeof raw === 'object' ? 'StartObject' : 'PrimitiveValue'}' node was found when reading from the JSON reader. A 'StartArray' node was expected.`,
        );
      return raw.map((item) => validateValue(collection[1] as string, item));
    }
    if (raw === null) {
      if (prop && !prop.nullable)
        throw readError(
          `A null value was found for the property named '${prop.name}', which has the expected type '${type}[Nullable=False]'. The expected type '${type}[Nullable=False]' does not allow null values.`,
        );
      return raw;
    }
    if (type.startsWith('Edm.')) return validatePrimitive(type, raw);
    const name = stripNs(type);
    const enumType = model.enumTypes.get(name);
    if (enumType) {
      if (typeof raw !== 'string')
        throw readError(`Cannot convert a primitive value to the expected type 'microsoft.graph.${name}'.`);
      const values = enumType.isFlags ? raw.split(',').map((v) => v.trim()) : [raw];
      for (const v of values) {
        const match = [...enumType.members].find((m) => m.toLowerCase() === v.toLowerCase());
        if (!match) throw readError(`Requested value '${v}' was not found.`);
      }
      return raw;
    }
    if (known(name)) return validateStructured(name, raw);
    // A navigation target outside the loaded model: accepted as is.
    return raw;
  }

  function validatePrimitive(type: string, raw: unknown): unknown {
    const fail = () => {
      throw readError(
        typeof raw === 'object'
          ? `An unexpected '${Array.isArray(raw) ? 'StartArray' : 'StartObject'}' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected.`
          : `Cannot convert the literal '${String(raw)}' to the expected type '${type}'.`,
      );
    };
    switch (type) {
      case 'Edm.String':
        if (typeof raw !== 'string') fail();
        break;
      case 'Edm.Boolean':
        if (typeof raw !== 'boolean') fail();
        break;
      case 'Edm.Int16':
      case 'Edm.Int32':
      case 'Edm.Int64':
      case 'Edm.Byte':
        if (
          !(typeof raw === 'number' && Number.isInteger(raw)) &&
          !(type === 'Edm.Int64' && typeof raw === 'string' && /^-?\d+$/.test(raw))
        )
          fail();
        break;
      case 'Edm.Double':
      case 'Edm.Single':
      case 'Edm.Decimal':
        if (typeof raw !== 'number') fail();
        break;
      case 'Edm.DateTimeOffset':
        if (
          typeof raw !== 'string' ||
          !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(raw) ||
          Number.isNaN(Date.parse(raw))
        )
          fail();
        break;
      case 'Edm.Date':
        if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) fail();
        break;
      case 'Edm.TimeOfDay':
        if (typeof raw !== 'string' || !/^\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(raw)) fail();
        break;
      case 'Edm.Guid':
        if (
          typeof raw !== 'string' ||
          !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw)
        )
          fail();
        break;
      case 'Edm.Binary':
        if (typeof raw !== 'string' || !/^[A-Za-z0-9+/=_-]*$/.test(raw)) fail();
        break;
      case 'Edm.Duration':
        if (typeof raw !== 'string' || !/^-?P/.test(raw)) fail();
        break;
      default:
        break;
    }
    return raw;
  }

  return {
    model,
    entity: (typeName, body) => validateStructured(typeName, body),
    action(name, bindingType, body) {
      const action = model.actions.find((a) => a.name === name && stripNs(a.bindingType) === bindingType);
      if (!action) throw new Error(`CSDL has no action ${name} bound to ${bindingType}`);
      if (body === undefined || body === null) return {};
      if (typeof body !== 'object' || Array.isArray(body))
        throw readError(
          "An unexpected 'StartArray' node was found when reading from the JSON reader. A 'StartObject' node was expected.",
        );
      const out: Record<string, unknown> = {};
      for (const [key, raw] of Object.entries(body as Record<string, unknown>)) {
        const param = action.parameters.find((p) => p.name.toLowerCase() === key.toLowerCase());
        if (!param)
          throw readError(
            `The parameter '${key}' in the request payload is not a valid parameter for the operation '${name}'.`,
          );
        const wire = param.name.charAt(0).toLowerCase() + param.name.slice(1);
        out[wire] = validateValue(param.type, raw);
      }
      return out;
    },
  };
}
