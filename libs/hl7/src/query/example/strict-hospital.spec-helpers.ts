// A strict hospital for the example-query specs (unit and e2e): it accepts a query only when its layout
// is the example's, segment by segment and field by field, except the leaves it is told are replaced.
// Written independently of the deriver: its own splitting, so a deriver bug cannot hide itself.

interface LeafPath {
  segment: string;
  field: number;
  repetition: number;
  component: number;
}

/** `QRD-8.1`, `QPD-3(2).2`, `MSH-10` (component 1 when not given). */
function parsePath(path: string): LeafPath {
  const match = /^([A-Z][A-Z0-9]{2})-(\d+)(?:\((\d+)\))?(?:\.(\d+))?$/.exec(path);
  if (!match) throw new Error(`bad path ${path}`);
  return {
    segment: match[1],
    field: Number(match[2]),
    repetition: Number(match[3] ?? 1),
    component: Number(match[4] ?? 1),
  };
}

interface Separators {
  field: string;
  component: string;
  repetition: string;
  subcomponent: string;
}

function separatorsOf(text: string): Separators {
  return {
    field: text.charAt(3),
    component: text.charAt(4),
    repetition: text.charAt(5),
    subcomponent: text.charAt(7),
  };
}

function lines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The line with each replaced leaf set to `value` (created if absent), everything else untouched. */
function withLeaves(
  line: string,
  s: Separators,
  leaves: LeafPath[],
  value: (leaf: LeafPath) => string,
): string {
  const fields = line.split(s.field);
  const shift = fields[0] === 'MSH' ? -1 : 0;
  for (const leaf of leaves) {
    const index = leaf.field + shift;
    while (fields.length <= index) fields.push('');
    const reps = fields[index].split(s.repetition);
    while (reps.length < leaf.repetition) reps.push('');
    const comps = reps[leaf.repetition - 1].split(s.component);
    while (comps.length < leaf.component) comps.push('');
    // A component's subcomponents other than the first are part of the layout: keep them.
    const subs = comps[leaf.component - 1].split(s.subcomponent);
    subs[0] = value(leaf);
    comps[leaf.component - 1] = subs.join(s.subcomponent);
    reps[leaf.repetition - 1] = comps.join(s.component);
    fields[index] = reps.join(s.repetition);
  }
  return fields.join(s.field);
}

/** Raw text of the first component of a leaf (first occurrence of the segment). */
export function rawLeaf(text: string, path: string): string {
  const leaf = parsePath(path);
  const s = separatorsOf(text.trimStart());
  const line = lines(text).find((l) => l.split(s.field)[0] === leaf.segment);
  if (line === undefined) return '';
  const fields = line.split(s.field);
  const field = fields[leaf.field + (leaf.segment === 'MSH' ? -1 : 0)] ?? '';
  const comp =
    (field.split(s.repetition)[leaf.repetition - 1] ?? '').split(s.component)[leaf.component - 1] ?? '';
  return comp.split(s.subcomponent)[0];
}

/**
 * Differences between the example's layout and the query's; [] when the hospital would answer.
 * `replaced` leaves may differ (but must be non-empty in the query); everything else must be equal.
 */
export function layoutDifferences(example: string, query: string, replaced: readonly string[]): string[] {
  const problems: string[] = [];
  const ex = lines(example);
  const qu = lines(query);
  const s = separatorsOf(ex[0] ?? '');
  if (qu[0]?.slice(0, 8) !== ex[0]?.slice(0, 8)) problems.push('MSH-1/MSH-2 differ');
  if (ex.length !== qu.length) problems.push(`${qu.length} segments instead of ${ex.length}`);
  const leaves = replaced.map(parsePath);
  for (let i = 0; i < Math.min(ex.length, qu.length); i++) {
    const name = ex[i].split(s.field)[0];
    if (qu[i].split(s.field)[0] !== name) {
      problems.push(`segment ${i + 1} is ${qu[i].slice(0, 3)} instead of ${name}`);
      continue;
    }
    // Only the first occurrence of a segment has replaced leaves.
    const first = ex.findIndex((line) => line.split(s.field)[0] === name) === i;
    const own = first ? leaves.filter((leaf) => leaf.segment === name) : [];
    const masked = (line: string): string => withLeaves(line, s, own, () => '');
    if (masked(ex[i]) !== masked(qu[i])) {
      problems.push(`${name} differs:\n  example ${masked(ex[i])}\n  query   ${masked(qu[i])}`);
    }
  }
  for (const path of replaced) {
    if (rawLeaf(query, path) === '') problems.push(`${path} is empty`);
  }
  return problems;
}
