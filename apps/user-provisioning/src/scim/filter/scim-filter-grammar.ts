import { scimError, type ScimType } from '../scim-attributes';

/**
 * The SCIM filter and PATCH path grammar (RFC 7644 §3.4.2.2 and §3.5.2), read by one recursive-descent
 * parser into a tree that the SQL compiler (scim-filter-sql.ts) and the PATCH evaluator
 * (scim-value-filter.ts) both walk. Attribute names and operators are case-insensitive; precedence is
 * `not` over `and` over `or`; parentheses group. Quoted values are JSON strings. Unquoted values that are
 * not `true`, `false`, `null` or a number are read as strings, since IdP test suites send
 * `name.familyName eq Employee`: the meaning is unambiguous and refusing it helps nobody.
 */

export const COMPARE_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOperator = (typeof COMPARE_OPERATORS)[number];
export type FilterValue = string | number | boolean | null;

export interface AttrPath {
  /** The schema URN as the resource declares it, when the path named one other than the core schema. */
  schema?: string;
  /** Lower-cased attribute name; '' when the path is a whole extension schema. */
  attribute: string;
  /** Lower-cased sub-attribute (`givenname` in `name.givenName`). */
  sub?: string;
  /** As written, for messages. */
  text: string;
}

export type FilterNode =
  | { kind: 'compare'; path: AttrPath; op: CompareOperator; value: FilterValue }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; filter: FilterNode }
  /** `emails[type eq "work" and value co "@x"]`: one element of a multi-valued attribute matches it all. */
  | { kind: 'valuePath'; path: AttrPath; filter: FilterNode };

/** A PATCH path: `attr`, `attr.sub`, `urn:…:attr`, `attr[filter]` or `attr[filter].sub`. */
export interface PatchPath {
  path: AttrPath;
  filter?: FilterNode;
  /** The sub-attribute after a value filter (`value` in `emails[type eq "work"].value`). */
  sub?: string;
}

/** The schemas a resource knows: the first is its core schema (its attributes need no prefix). */
export type ResourceSchemas = readonly [core: string, ...extensions: string[]];

const MAX_DEPTH = 32;
const MAX_TOKENS = 400;

export function parseFilter(text: string, schemas: ResourceSchemas): FilterNode {
  const parser = new Parser(tokenize(text, 'invalidFilter'), schemas, 'invalidFilter');
  const filter = parser.filter(0, false);
  parser.end();
  return filter;
}

export function parsePatchPath(text: string, schemas: ResourceSchemas): PatchPath {
  const tokens = tokenize(text, 'invalidPath');
  const parser = new Parser(tokens, schemas, 'invalidPath');
  const result = parser.patchPath();
  parser.end();
  return result;
}

type Token =
  { kind: 'word'; text: string } | { kind: 'string'; value: string } | { kind: '(' | ')' | '[' | ']' };

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly schemas: ResourceSchemas,
    private readonly errorType: ScimType,
  ) {}

  end(): void {
    if (this.position < this.tokens.length) throw this.invalid('unexpected text after the end');
  }

  /** filter := and ("or" and)* ; inside brackets the attributes are sub-attributes of the value path. */
  filter(depth: number, nested: boolean): FilterNode {
    if (depth > MAX_DEPTH) throw this.invalid('too deeply nested');
    let left = this.conjunction(depth, nested);
    while (this.isWord('or')) {
      this.position++;
      left = { kind: 'or', left, right: this.conjunction(depth, nested) };
    }
    return left;
  }

  patchPath(): PatchPath {
    const token = this.next();
    if (token.kind !== 'word') throw this.invalid('an attribute path is expected');
    const path = this.attrPath(token.text);
    if (this.peek()?.kind !== '[') return { path };
    if (path.sub) throw this.invalid('a value filter follows the attribute, not its sub-attribute');
    this.position++;
    const filter = this.filter(1, true);
    this.expect(']');
    const after = this.peek();
    if (after === undefined) return { path, filter };
    this.position++;
    const sub = after.kind === 'word' ? /^\.([A-Za-z][\w$-]*)$/.exec(after.text) : null;
    if (!sub) throw this.invalid('only ".subAttribute" may follow a value filter');
    return { path, filter, sub: sub[1].toLowerCase() };
  }

  private conjunction(depth: number, nested: boolean): FilterNode {
    let left = this.unary(depth, nested);
    while (this.isWord('and')) {
      this.position++;
      left = { kind: 'and', left, right: this.unary(depth, nested) };
    }
    return left;
  }

  private unary(depth: number, nested: boolean): FilterNode {
    if (this.isWord('not')) {
      this.position++;
      return { kind: 'not', filter: this.unary(depth + 1, nested) };
    }
    const token = this.next();
    if (token.kind === '(') {
      const inner = this.filter(depth + 1, nested);
      this.expect(')');
      return inner;
    }
    if (token.kind !== 'word') throw this.invalid('an attribute name is expected');
    const path = this.attrPath(token.text);
    if (this.peek()?.kind === '[') {
      if (nested) throw this.invalid('value filters cannot be nested');
      if (path.sub) throw this.invalid('a value filter follows the attribute, not its sub-attribute');
      this.position++;
      const filter = this.filter(depth + 1, true);
      this.expect(']');
      return { kind: 'valuePath', path, filter };
    }
    const operator = this.next();
    const op = operator.kind === 'word' ? operator.text.toLowerCase() : '';
    if (op === 'pr') return { kind: 'present', path };
    if (!(COMPARE_OPERATORS as readonly string[]).includes(op))
      throw this.invalid(`"${operator.kind === 'word' ? operator.text : operator.kind}" is not an operator`);
    return { kind: 'compare', path, op: op as CompareOperator, value: this.value() };
  }

  private value(): FilterValue {
    const token = this.next();
    if (token.kind === 'string') return token.value;
    if (token.kind !== 'word') throw this.invalid('a value is expected');
    const lower = token.text.toLowerCase();
    if (lower === 'true' || lower === 'false') return lower === 'true';
    if (lower === 'null') return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(token.text)) return Number(token.text);
    return token.text;
  }

  /** `userName`, `name.givenName`, `meta.created`, `urn:…:enterprise:2.0:User:employeeNumber`. */
  private attrPath(text: string): AttrPath {
    let rest = text;
    let schema: string | undefined;
    if (/^urn:/i.test(text)) {
      const lower = text.toLowerCase();
      // Longest first: an extension URN may start with the core one.
      const known = [...this.schemas]
        .sort((a, b) => b.length - a.length)
        .find((urn) => lower === urn.toLowerCase() || lower.startsWith(`${urn.toLowerCase()}:`));
      if (!known) throw this.invalid(`the schema of "${text}" is not supported`);
      if (lower === known.toLowerCase()) return { schema: known, attribute: '', text };
      rest = text.slice(known.length + 1);
      if (known !== this.schemas[0]) schema = known;
    }
    const match = /^([A-Za-z][\w$-]*)(?:\.([A-Za-z][\w$-]*))?$/.exec(rest);
    if (!match) throw this.invalid(`"${text}" is not an attribute path`);
    return {
      ...(schema ? { schema } : {}),
      attribute: match[1].toLowerCase(),
      ...(match[2] ? { sub: match[2].toLowerCase() } : {}),
      text,
    };
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token {
    const token = this.tokens[this.position++];
    if (!token) throw this.invalid('it ends too early');
    return token;
  }

  private expect(kind: ')' | ']'): void {
    if (this.next().kind !== kind) throw this.invalid(`"${kind}" is missing`);
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token?.kind === 'word' && token.text.toLowerCase() === word;
  }

  private invalid(reason: string) {
    return grammarError(this.errorType, reason);
  }
}

function grammarError(errorType: ScimType, reason: string) {
  const what = errorType === 'invalidPath' ? 'path' : 'filter';
  return scimError(errorType, `Unsupported or malformed ${what}: ${reason}.`);
}

function tokenize(text: string, errorType: ScimType): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    if (tokens.length > MAX_TOKENS) throw grammarError(errorType, 'too long');
    const char = text[index];
    if (/\s/.test(char)) {
      index++;
    } else if ('()[]'.includes(char)) {
      tokens.push({ kind: char as '(' | ')' | '[' | ']' });
      index++;
    } else if (char === '"') {
      const end = closingQuote(text, index, errorType);
      let value: unknown;
      try {
        value = JSON.parse(text.slice(index, end + 1));
      } catch {
        throw grammarError(errorType, 'a quoted value is malformed');
      }
      tokens.push({ kind: 'string', value: value as string });
      index = end + 1;
    } else {
      const word = /^[^\s()[\]"]+/.exec(text.slice(index))![0];
      tokens.push({ kind: 'word', text: word });
      index += word.length;
    }
  }
  if (tokens.length === 0) throw grammarError(errorType, 'it is empty');
  return tokens;
}

function closingQuote(text: string, start: number, errorType: ScimType): number {
  for (let index = start + 1; index < text.length; index++) {
    if (text[index] === '\\') index++;
    else if (text[index] === '"') return index;
  }
  throw grammarError(errorType, 'a quoted value is not closed');
}
