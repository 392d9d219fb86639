import fc from 'fast-check';

/**
 * JSON the way an attacker writes it, for the R6 property tests. Objects are built as key/value lists and
 * serialized by hand, so `__proto__`, `constructor`, `prototype` and empty keys reach the wire as own
 * keys (a JavaScript object literal or fast-check's dictionaries would swallow or drop `__proto__`).
 */
export type JsonNode =
  | { kind: 'raw'; value: string | number | boolean | null }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'object'; entries: [string, JsonNode][] }
  /** Nesting written out only when serialized, so a failing case prints small. */
  | { kind: 'deep'; depth: number; asArrays: boolean };

/** The key names that broke class-transformer (issue 10), and their relatives. */
export const POISON_KEYS = ['constructor', 'prototype', '__proto__'] as const;

const C0 = Array.from({ length: 32 }, (_, code) => String.fromCharCode(code));

export function toJson(node: JsonNode): string {
  switch (node.kind) {
    case 'raw':
      return JSON.stringify(node.value);
    case 'array':
      return `[${node.items.map(toJson).join(',')}]`;
    case 'object':
      return `{${node.entries.map(([key, value]) => `${JSON.stringify(key)}:${toJson(value)}`).join(',')}}`;
    case 'deep':
      return node.asArrays
        ? `${'['.repeat(node.depth)}"x"${']'.repeat(node.depth)}`
        : `${'{"a":'.repeat(node.depth)}"x"${'}'.repeat(node.depth)}`;
  }
}

/** A plain value as a node (for the valid bodies the poison is planted in). */
export function nodeOf(value: unknown): JsonNode {
  if (Array.isArray(value)) return { kind: 'array', items: value.map(nodeOf) };
  if (value !== null && typeof value === 'object') {
    return { kind: 'object', entries: Object.entries(value).map(([key, entry]) => [key, nodeOf(entry)]) };
  }
  return { kind: 'raw', value: value as string | number | boolean | null };
}

/** Text with C0 control characters in it (MLLP framing bytes among them). */
export const controlText = fc
  .tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...C0), fc.string({ maxLength: 6 }))
  .map(([before, control, after]) => `${before}${control}${after}`);

const scalar: fc.Arbitrary<JsonNode> = fc
  .oneof(
    fc.string({ maxLength: 12 }),
    controlText,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.double(),
  )
  .map((value) => ({ kind: 'raw', value: Number.isFinite(value) || typeof value !== 'number' ? value : 0 }));

const anyKey = fc.oneof(fc.constantFrom(...POISON_KEYS, ''), fc.string({ maxLength: 8 }), controlText);

/** Any JSON, keys drawn with a bias for the dangerous ones. */
export const anyNode: fc.Arbitrary<JsonNode> = fc.letrec<{ node: JsonNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('node'), { maxLength: 4 }).map((items): JsonNode => ({ kind: 'array', items })),
    fc
      .array(fc.tuple(anyKey, tie('node')), { maxLength: 4 })
      .map((entries): JsonNode => ({ kind: 'object', entries })),
  ),
})).node;

/** Nesting beyond any payload's depth: arrays or objects, 40 to 3,000 levels. */
export const deepNode: fc.Arbitrary<JsonNode> = fc
  .tuple(fc.integer({ min: 40, max: 3000 }), fc.boolean())
  .map(([depth, asArrays]): JsonNode => ({ kind: 'deep', depth, asArrays }));

/**
 * A valid body with a prototype key planted at some object inside it (or deep nesting put in place of
 * a value): what must be refused with 400 wherever it lands.
 */
export function poisoned(valid: unknown): fc.Arbitrary<JsonNode> {
  const base = nodeOf(valid);
  const objectPaths = pathsOfObjects(base);
  return fc
    .tuple(
      fc.constantFrom(...objectPaths),
      fc.oneof(fc.tuple(fc.constantFrom(...POISON_KEYS), anyNode), fc.tuple(fc.constant('deep'), deepNode)),
    )
    .map(([path, [key, value]]) => plant(base, path, key, value));
}

function pathsOfObjects(node: JsonNode, path: number[] = []): number[][] {
  const here = node.kind === 'object' ? [path] : [];
  const children =
    node.kind === 'object' ? node.entries.map(([, value]) => value) : node.kind === 'array' ? node.items : [];
  return [...here, ...children.flatMap((child, index) => pathsOfObjects(child, [...path, index]))];
}

function plant(node: JsonNode, path: number[], key: string, value: JsonNode): JsonNode {
  if (path.length === 0) {
    if (node.kind !== 'object') return node;
    return { kind: 'object', entries: [...node.entries, [key, value]] };
  }
  const [index, ...rest] = path;
  if (node.kind === 'object') {
    return {
      kind: 'object',
      entries: node.entries.map(([entryKey, entry], at) => [
        entryKey,
        at === index ? plant(entry, rest, key, value) : entry,
      ]),
    };
  }
  if (node.kind === 'array') {
    return {
      kind: 'array',
      items: node.items.map((item, at) => (at === index ? plant(item, rest, key, value) : item)),
    };
  }
  return node;
}
