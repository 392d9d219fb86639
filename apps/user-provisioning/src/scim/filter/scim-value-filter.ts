import { attribute } from '../scim-attributes';
import { scimError } from '../scim-attributes';
import type { FilterNode, FilterValue } from './scim-filter-grammar';

/** The sub-attributes of a multi-valued attribute's elements a PATCH value filter may name, and their type. */
export type ElementAttributes = Record<string, 'string' | 'boolean'>;

/**
 * Checks a PATCH value filter (`roles[value eq "x"]`, `members[value eq "id"]`) against the element's
 * sub-attributes before anything is applied: a filter naming anything else is `invalidFilter`, never a
 * filter that silently matches every element (or none).
 */
export function checkElementFilter(filter: FilterNode, allowed: ElementAttributes, owner: string): void {
  switch (filter.kind) {
    case 'and':
    case 'or':
      checkElementFilter(filter.left, allowed, owner);
      checkElementFilter(filter.right, allowed, owner);
      return;
    case 'not':
      return checkElementFilter(filter.filter, allowed, owner);
    case 'valuePath':
      throw scimError('invalidFilter', `Value filters cannot be nested in ${owner}[…].`);
    case 'present':
    case 'compare': {
      const type = allowed[filter.path.attribute];
      if (filter.path.schema || filter.path.sub || type === undefined)
        throw scimError('invalidFilter', `${owner} has no sub-attribute "${filter.path.text}" to filter on.`);
      if (filter.kind === 'compare' && type === 'boolean' && !['eq', 'ne'].includes(filter.op))
        throw scimError('invalidFilter', `${owner}.${filter.path.text} compares with eq or ne only.`);
      return;
    }
  }
}

/** Whether one element (e.g. `{value: "x", type: "work"}`) matches a checked value filter. */
export function elementMatches(filter: FilterNode, element: Record<string, unknown>): boolean {
  switch (filter.kind) {
    case 'and':
      return elementMatches(filter.left, element) && elementMatches(filter.right, element);
    case 'or':
      return elementMatches(filter.left, element) || elementMatches(filter.right, element);
    case 'not':
      return !elementMatches(filter.filter, element);
    case 'present': {
      const value = attribute(element, filter.path.attribute);
      return value !== undefined && value !== null && value !== '';
    }
    case 'compare':
      return compare(attribute(element, filter.path.attribute), filter.op, filter.value);
    case 'valuePath':
      return false;
  }
}

function compare(actual: unknown, op: string, expected: FilterValue): boolean {
  if (expected === null) return op === 'eq' ? actual == null : op === 'ne' ? actual != null : false;
  if (typeof expected === 'boolean' || typeof actual === 'boolean') {
    const a = booleanOf(actual);
    const b = booleanOf(expected);
    return op === 'eq' ? a === b : op === 'ne' ? a !== b : false;
  }
  if (actual === undefined || actual === null) return op === 'ne';
  // A complex attribute equals no value.
  if (typeof actual !== 'string' && typeof actual !== 'number' && typeof actual !== 'bigint')
    return op === 'ne';
  const a = String(actual).toLowerCase();
  const b = String(expected).toLowerCase();
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

/**
 * The sub-attribute values an `eq` filter pins (`type eq "work"` → {type: "work"}): what a new element gets
 * when a `replace emails[type eq "work"].value` finds no element (Entra ID sends it for a first address).
 */
export function pinnedValues(filter: FilterNode): Record<string, FilterValue> | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq') return { [filter.path.attribute]: filter.value };
  if (filter.kind !== 'and') return undefined;
  const left = pinnedValues(filter.left);
  const right = pinnedValues(filter.right);
  return left && right ? { ...left, ...right } : undefined;
}
