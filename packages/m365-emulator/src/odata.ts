/**
 * OData query options as Graph reads them: $select, $expand (with nested options), $orderby, $top,
 * $skip, and a $filter evaluator covering what Concord sends — comparisons, and/or/not, parentheses,
 * startswith/endswith/contains, and lambdas such as
 * `singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…')`.
 * Property names match case-insensitively, as in Graph.
 */
import { badRequest } from './graph-error.ts';

export type Json = Record<string, unknown>;

export interface ExpandItem {
  readonly name: string;
  /** Nested options, keyed by lower-case name without "$": filter, select, levels… */
  readonly options: Readonly<Record<string, string>>;
}

export interface QueryOptions {
  readonly select?: readonly string[];
  readonly expand: readonly ExpandItem[];
  readonly filter?: FilterExpr;
  readonly orderBy?: { readonly property: string; readonly descending: boolean };
  readonly top?: number;
  readonly skip: number;
}

/** Reads the $-options of a request; bad values are Graph's 400. */
export function parseQueryOptions(params: URLSearchParams): QueryOptions {
  const get = (name: string) => params.get(`$${name}`) ?? params.get(name) ?? undefined;
  const select = get('select');
  const expand = get('expand');
  const filter = get('filter');
  const orderby = get('orderby');
  const top = get('top');
  const skip = get('skip');
  const topValue = top === undefined ? undefined : Number(top);
  if (topValue !== undefined && (!Number.isInteger(topValue) || topValue < 0))
    throw badRequest(`Invalid value '${top}' for $top query option found.`);
  const skipValue = skip === undefined ? 0 : Number(skip);
  if (!Number.isInteger(skipValue) || skipValue < 0)
    throw badRequest(`Invalid value '${skip}' for $skip query option found.`);
  let orderBy: QueryOptions['orderBy'];
  if (orderby) {
    const [property = '', direction = 'asc'] = orderby.trim().split(/\s+/);
    orderBy = { property, descending: direction.toLowerCase() === 'desc' };
  }
  return {
    ...(select
      ? {
          select: splitTopLevel(select, ',')
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
    expand: expand ? parseExpand(expand) : [],
    ...(filter ? { filter: parseFilter(filter) } : {}),
    ...(orderBy ? { orderBy } : {}),
    ...(topValue !== undefined ? { top: topValue } : {}),
    skip: skipValue,
  };
}

export function parseExpand(value: string): ExpandItem[] {
  return splitTopLevel(value, ',').map((part) => {
    const open = part.indexOf('(');
    const name = (open < 0 ? part : part.slice(0, open)).trim();
    const options: Record<string, string> = {};
    if (open >= 0) {
      const inner = part.slice(open + 1, part.lastIndexOf(')'));
      for (const option of splitTopLevel(inner, ';')) {
        const eq = option.indexOf('=');
        if (eq < 0) continue;
        options[option.slice(0, eq).trim().replace(/^\$/, '').toLowerCase()] = option.slice(eq + 1).trim();
      }
    }
    return { name, options };
  });
}

/** Splits on `sep` outside parentheses and quotes. */
function splitTopLevel(value: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && ch === sep) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts.filter((p) => p.trim() !== '');
}

/** Finds a property case-insensitively. */
export function getProperty(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const record = obj as Json;
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) if (key.toLowerCase() === lower) return record[key];
  return undefined;
}

/** Keeps the selected properties (plus `always`, e.g. id and @odata.* annotations). */
export function applySelect(
  entity: Json,
  select: readonly string[] | undefined,
  always: readonly string[] = ['id'],
): Json {
  if (!select || select.length === 0 || select.includes('*')) return entity;
  const out: Json = {};
  for (const [key, value] of Object.entries(entity)) {
    if (key.startsWith('@odata.')) out[key] = value;
  }
  for (const name of [...always, ...select]) {
    const lower = name.toLowerCase();
    const key = Object.keys(entity).find((k) => k.toLowerCase() === lower);
    if (key) out[key] = entity[key];
  }
  return out;
}

/** Orders, then pages, a filtered list. */
export function orderAndPage<T extends Json>(items: T[], query: QueryOptions, defaultTop: number) {
  let list = items;
  if (query.filter) {
    const filter = query.filter;
    list = list.filter((item) => truthy(evaluate(filter, item, new Map())));
  }
  if (query.orderBy) {
    const { property, descending } = query.orderBy;
    list = [...list].sort((a, b) => {
      const cmp = compareValues(getPath(a, property), getPath(b, property));
      return descending ? -cmp : cmp;
    });
  }
  const top = query.top ?? defaultTop;
  const page = list.slice(query.skip, query.skip + top);
  const more = query.skip + top < list.length;
  return { page, more, nextSkip: query.skip + top, total: list.length };
}

function getPath(obj: unknown, path: string): unknown {
  return path.split('/').reduce<unknown>((acc, seg) => getProperty(acc, seg), obj);
}

// ---------------------------------------------------------------- $filter

export type FilterExpr =
  | { kind: 'literal'; value: unknown }
  | { kind: 'path'; segments: string[] }
  | { kind: 'binary'; op: string; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; operand: FilterExpr }
  | { kind: 'call'; name: string; args: FilterExpr[] }
  | { kind: 'lambda'; collection: string[]; quantifier: 'any' | 'all'; variable: string; body: FilterExpr };

type Token =
  | { t: 'ident'; v: string }
  | { t: 'string'; v: string }
  | { t: 'number'; v: number }
  | { t: 'datetime'; v: string }
  | { t: 'punct'; v: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if ('()/,:'.includes(ch)) {
      tokens.push({ t: 'punct', v: ch });
      i++;
      continue;
    }
    if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= input.length) throw invalidFilter(input);
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += input[i];
        i++;
      }
      tokens.push({ t: 'string', v: value });
      continue;
    }
    const rest = input.slice(i);
    const dt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?/.exec(rest);
    if (dt) {
      tokens.push({ t: 'datetime', v: dt[0] });
      i += dt[0].length;
      continue;
    }
    const guid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/.exec(rest);
    if (guid) {
      tokens.push({ t: 'string', v: guid[0] });
      i += guid[0].length;
      continue;
    }
    const num = /^-?\d+(?:\.\d+)?/.exec(rest);
    if (num) {
      tokens.push({ t: 'number', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const ident = /^[A-Za-z_@$][\w.@$]*/.exec(rest);
    if (ident) {
      tokens.push({ t: 'ident', v: ident[0] });
      i += ident[0].length;
      continue;
    }
    throw invalidFilter(input);
  }
  return tokens;
}

const invalidFilter = (input: string) => badRequest(`Invalid filter clause: ${input}`);
const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export function parseFilter(input: string): FilterExpr {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = () => tokens[pos];
  const isKeyword = (word: string) => {
    const token = peek();
    return token?.t === 'ident' && token.v.toLowerCase() === word;
  };
  const expectPunct = (v: string) => {
    const token = tokens[pos++];
    if (token?.t !== 'punct' || token.v !== v) throw invalidFilter(input);
  };

  const parseOr = (): FilterExpr => {
    let left = parseAnd();
    while (isKeyword('or')) {
      pos++;
      left = { kind: 'binary', op: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterExpr => {
    let left = parseUnary();
    while (isKeyword('and')) {
      pos++;
      left = { kind: 'binary', op: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterExpr => {
    if (isKeyword('not')) {
      pos++;
      return { kind: 'not', operand: parseUnary() };
    }
    return parseComparison();
  };
  const parseComparison = (): FilterExpr => {
    const left = parseOperand();
    const token = peek();
    if (token?.t === 'ident' && COMPARISONS.has(token.v.toLowerCase())) {
      pos++;
      return { kind: 'binary', op: token.v.toLowerCase(), left, right: parseOperand() };
    }
    return left;
  };
  const parseOperand = (): FilterExpr => {
    const token = tokens[pos++];
    if (!token) throw invalidFilter(input);
    if (token.t === 'punct' && token.v === '(') {
      const inner = parseOr();
      expectPunct(')');
      return inner;
    }
    if (token.t === 'string' || token.t === 'datetime') return { kind: 'literal', value: token.v };
    if (token.t === 'number') return { kind: 'literal', value: token.v };
    if (token.t !== 'ident') throw invalidFilter(input);
    const word = token.v.toLowerCase();
    if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true' };
    if (word === 'null') return { kind: 'literal', value: null };
    const next = peek();
    if (next?.t === 'punct' && next.v === '(') {
      pos++;
      const args: FilterExpr[] = [];
      if (!(peek()?.t === 'punct' && peek()?.v === ')')) {
        args.push(parseOr());
        while (peek()?.t === 'punct' && peek()?.v === ',') {
          pos++;
          args.push(parseOr());
        }
      }
      expectPunct(')');
      return { kind: 'call', name: word, args };
    }
    const segments = [token.v];
    while (peek()?.t === 'punct' && peek()?.v === '/') {
      pos++;
      const seg = tokens[pos++];
      if (seg?.t !== 'ident') throw invalidFilter(input);
      const quantifier = seg.v.toLowerCase();
      if ((quantifier === 'any' || quantifier === 'all') && peek()?.t === 'punct' && peek()?.v === '(') {
        pos++;
        const variable = tokens[pos++];
        if (variable?.t !== 'ident') throw invalidFilter(input);
        expectPunct(':');
        const body = parseOr();
        expectPunct(')');
        return { kind: 'lambda', collection: segments, quantifier, variable: variable.v, body };
      }
      segments.push(seg.v);
    }
    return { kind: 'path', segments };
  };

  const expr = parseOr();
  if (pos !== tokens.length) throw invalidFilter(input);
  return expr;
}

type Scope = Map<string, unknown>;

/** Evaluates a filter against an entity. */
export function matchesFilter(filter: FilterExpr, entity: unknown): boolean {
  return truthy(evaluate(filter, entity, new Map()));
}

function evaluate(expr: FilterExpr, entity: unknown, scope: Scope): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path': {
      const [first = '', ...rest] = expr.segments;
      const root = scope.has(first) ? scope.get(first) : getProperty(entity, first);
      return rest.reduce<unknown>((acc, seg) => getProperty(acc, seg), root);
    }
    case 'not':
      return !truthy(evaluate(expr.operand, entity, scope));
    case 'lambda': {
      const [first = '', ...rest] = expr.collection;
      const root = scope.has(first) ? scope.get(first) : getProperty(entity, first);
      const collection = rest.reduce<unknown>((acc, seg) => getProperty(acc, seg), root);
      const items = Array.isArray(collection) ? collection : [];
      const test = (item: unknown) =>
        truthy(evaluate(expr.body, entity, new Map(scope).set(expr.variable, item)));
      return expr.quantifier === 'any' ? items.some(test) : items.every(test);
    }
    case 'call': {
      const args = expr.args.map((a) => evaluate(a, entity, scope));
      const [a, b] = args.map((v) => (typeof v === 'string' ? v.toLowerCase() : v));
      if (expr.name === 'startswith')
        return typeof a === 'string' && typeof b === 'string' && a.startsWith(b);
      if (expr.name === 'endswith') return typeof a === 'string' && typeof b === 'string' && a.endsWith(b);
      if (expr.name === 'contains') return typeof a === 'string' && typeof b === 'string' && a.includes(b);
      if (expr.name === 'tolower') return a;
      throw badRequest(`Invalid filter clause: unsupported function '${expr.name}'.`);
    }
    case 'binary': {
      if (expr.op === 'and')
        return truthy(evaluate(expr.left, entity, scope)) && truthy(evaluate(expr.right, entity, scope));
      if (expr.op === 'or')
        return truthy(evaluate(expr.left, entity, scope)) || truthy(evaluate(expr.right, entity, scope));
      const left = evaluate(expr.left, entity, scope);
      const right = evaluate(expr.right, entity, scope);
      const cmp = compareValues(left, right);
      switch (expr.op) {
        case 'eq':
          return equalValues(left, right);
        case 'ne':
          return !equalValues(left, right);
        case 'gt':
          return cmp > 0;
        case 'ge':
          return cmp >= 0;
        case 'lt':
          return cmp < 0;
        default:
          return cmp <= 0;
      }
    }
  }
}

const truthy = (value: unknown) => value === true;

function equalValues(a: unknown, b: unknown): boolean {
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  if (typeof a === 'string' && typeof b === 'string' && isDateLike(a) && isDateLike(b))
    return Date.parse(a) === Date.parse(b);
  return a === b;
}

const isDateLike = (v: string) => /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v));

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'string' && typeof b === 'string') {
    if (isDateLike(a) && isDateLike(b)) return Date.parse(a) - Date.parse(b);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : 1;
}
