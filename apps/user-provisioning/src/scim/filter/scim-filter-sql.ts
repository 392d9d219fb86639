import { scimError } from '../scim-attributes';
import type { AttrPath, CompareOperator, FilterNode, FilterValue } from './scim-filter-grammar';

/**
 * Turns a parsed SCIM filter into a SQL condition over a whitelist of attributes. Only the whitelist's
 * SQL expressions (written here, never from input) reach the text; every value is a bind parameter.
 */

export type ScalarType = 'string' | 'boolean' | 'dateTime';

export interface ScalarAttribute {
  type: ScalarType;
  /** SQL expression of the attribute (a column, or a derivation of columns). */
  sql: string;
  /** Compared as written (externalId, ids); otherwise case-insensitively. */
  caseExact?: boolean;
}

/** A multi-valued complex attribute: `sql` yields a jsonb array of objects (or NULL for none). */
export interface MultiValuedAttribute {
  type: 'multi';
  sql: string;
  subs: Record<string, { type: ScalarType; caseExact?: boolean }>;
}

/**
 * The filterable attributes of a resource, keyed `attribute`, `attribute.sub` or `<schema urn>:attribute`
 * (lower case; extension URNs as the resource declares them, lower-cased).
 */
export type FilterableAttributes = Record<string, ScalarAttribute | MultiValuedAttribute>;

export interface SqlCondition {
  sql: string;
  parameters: unknown[];
}

/** `firstParameter` is the number of the first placeholder ($n) this condition may use. */
export function filterToSql(
  filter: FilterNode,
  attributes: FilterableAttributes,
  firstParameter: number,
): SqlCondition {
  const parameters: unknown[] = [];
  const bind = (value: unknown): string => {
    parameters.push(value);
    return `$${firstParameter + parameters.length - 1}`;
  };
  return { sql: compile(filter, attributes, bind), parameters };
}

type Bind = (value: unknown) => string;

function compile(node: FilterNode, attributes: FilterableAttributes, bind: Bind): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${compile(node.left, attributes, bind)} ${node.kind.toUpperCase()} ${compile(node.right, attributes, bind)})`;
    case 'not':
      return `(NOT ${compile(node.filter, attributes, bind)})`;
    case 'valuePath': {
      const multi = multiValued(attributes, node.path);
      return exists(multi, compileElement(node.filter, multi, bind));
    }
    case 'present':
    case 'compare': {
      const scalar = attributes[keyOf(node.path)];
      if (scalar && scalar.type !== 'multi') return condition(node, scalar.sql, scalar, bind);
      // `emails.value co "x"` or `emails co "x"` (the value sub-attribute): some element matches.
      const multi = multiValued(attributes, { ...node.path, sub: undefined });
      if (node.kind === 'present' && !node.path.sub)
        return `(jsonb_array_length(COALESCE(${multi.sql}, '[]'::jsonb)) > 0)`;
      const sub = node.path.sub ?? 'value';
      const element = elementAttribute(multi, sub, node.path.text);
      return exists(multi, condition(node, `(e.value->>'${sub}')`, element, bind));
    }
  }
}

function compileElement(node: FilterNode, multi: MultiValuedAttribute, bind: Bind): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${compileElement(node.left, multi, bind)} ${node.kind.toUpperCase()} ${compileElement(node.right, multi, bind)})`;
    case 'not':
      return `(NOT ${compileElement(node.filter, multi, bind)})`;
    case 'valuePath':
      throw invalid('value filters cannot be nested');
    case 'present':
    case 'compare': {
      if (node.path.sub || node.path.schema) throw invalid(`"${node.path.text}" is not a sub-attribute here`);
      const sub = node.path.attribute;
      return condition(node, `(e.value->>'${sub}')`, elementAttribute(multi, sub, node.path.text), bind);
    }
  }
}

function exists(multi: MultiValuedAttribute, where: string): string {
  return `EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(${multi.sql}, '[]'::jsonb)) AS e WHERE ${where})`;
}

function multiValued(attributes: FilterableAttributes, path: AttrPath): MultiValuedAttribute {
  const found = attributes[keyOf({ ...path, sub: undefined })];
  if (!found || found.type !== 'multi' || path.sub) throw unsupported(path.text);
  return found;
}

function elementAttribute(multi: MultiValuedAttribute, sub: string, text: string) {
  // Sub-attribute names come from the whitelist only: they are written into the SQL text.
  const found = Object.prototype.hasOwnProperty.call(multi.subs, sub) ? multi.subs[sub] : undefined;
  if (!found) throw unsupported(text);
  return found;
}

/** A comparison that is never NULL, so that `not` and `ne` treat a missing value as "not equal". */
function condition(
  node: Extract<FilterNode, { kind: 'present' | 'compare' }>,
  sql: string,
  attribute: { type: ScalarType; caseExact?: boolean },
  bind: Bind,
): string {
  if (node.kind === 'present') {
    return attribute.type === 'string' ? `(${sql} IS NOT NULL AND ${sql} <> '')` : `(${sql} IS NOT NULL)`;
  }
  const { op, value } = node;
  if (value === null) {
    if (op === 'eq') return `(${sql} IS NULL)`;
    if (op === 'ne') return `(${sql} IS NOT NULL)`;
    throw invalid(`"${op}" cannot compare with null`);
  }
  switch (attribute.type) {
    case 'boolean':
      return booleanCondition(sql, op, value, node.path.text, bind);
    case 'dateTime':
      return dateCondition(sql, op, value, node.path.text, bind);
    case 'string':
      return stringCondition(sql, op, value, attribute.caseExact === true, bind);
  }
}

function booleanCondition(sql: string, op: CompareOperator, value: FilterValue, text: string, bind: Bind) {
  const wanted =
    typeof value === 'boolean'
      ? value
      : typeof value === 'string' && /^(true|false)$/i.test(value)
        ? value.toLowerCase() === 'true'
        : undefined;
  if (wanted === undefined || (op !== 'eq' && op !== 'ne'))
    throw invalid(`${text} compares with eq or ne and true or false`);
  // Element booleans arrive as jsonb text ('true'/'false'); columns are boolean: compare as text.
  const compared = `(${sql})::text = ${bind(String(wanted))}`;
  return op === 'eq' ? `COALESCE(${compared}, false)` : `(NOT COALESCE(${compared}, false))`;
}

function dateCondition(sql: string, op: CompareOperator, value: FilterValue, text: string, bind: Bind) {
  const comparison = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' }[op as string];
  const instant = typeof value === 'string' ? dateTimeOf(value) : undefined;
  if (!comparison || !instant)
    throw invalid(`${text} compares with eq, ne, gt, ge, lt or le and a date-time`);
  return `COALESCE((${sql}) ${comparison} ${bind(instant)}::timestamptz, ${op === 'ne'})`;
}

/** xsd:dateTime as RFC 7643 §2.3.5 defines it, any number of fractional digits (PostgreSQL keeps six). */
function dateTimeOf(text: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/i.exec(text.trim());
  if (!match) return undefined;
  const normalized = `${match[1]}${match[2] ? `.${match[2].slice(0, 6)}` : ''}${match[3] ?? 'Z'}`;
  return Number.isNaN(Date.parse(normalized.replace(/(\.\d{3})\d+/, '$1'))) ? undefined : normalized;
}

function stringCondition(
  sql: string,
  op: CompareOperator,
  value: FilterValue,
  caseExact: boolean,
  bind: Bind,
) {
  const raw = String(value);
  const text = caseExact ? raw : raw.toLowerCase();
  const column = caseExact ? sql : `lower(${sql})`;
  const like = (pattern: string) => `COALESCE(${column} LIKE ${bind(pattern)} ESCAPE '\\', false)`;
  const escaped = text.replace(/[\\%_]/g, (char) => `\\${char}`);
  switch (op) {
    case 'eq':
      return `COALESCE(${column} = ${bind(text)}, false)`;
    case 'ne':
      return `(${column} IS DISTINCT FROM ${bind(text)})`;
    case 'co':
      return like(`%${escaped}%`);
    case 'sw':
      return like(`${escaped}%`);
    case 'ew':
      return like(`%${escaped}`);
    default: {
      const comparison = { gt: '>', ge: '>=', lt: '<', le: '<=' }[op];
      return `COALESCE(${column} ${comparison} ${bind(text)} COLLATE "C", false)`;
    }
  }
}

function keyOf(path: AttrPath): string {
  const name = path.sub ? `${path.attribute}.${path.sub}` : path.attribute;
  return path.schema ? `${path.schema.toLowerCase()}:${name}` : name;
}

function unsupported(text: string) {
  return invalid(`filtering on "${text}" is not supported`);
}

function invalid(reason: string) {
  return scimError('invalidFilter', `Unsupported or malformed filter: ${reason}.`);
}
