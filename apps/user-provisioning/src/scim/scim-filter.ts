import type { UserCondition } from '../users/users.repository';
import { parseAttributePath, scimError } from './scim-attributes';

/**
 * The SCIM filters IdPs send to find a user before creating it (RFC 7644 §3.4.2.2): `eq` on userName,
 * externalId, id, emails.value or active, joined by `and`, with optional parentheses. Operators and
 * attribute names are case-insensitive. Anything else (`or`, `not`, `co`, `sw`, `pr`, ...) is refused
 * with `invalidFilter` rather than answered wrongly.
 */
export function parseScimFilter(filter: string): UserCondition[] {
  const tokens = tokenize(filter);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const next = (): Token => {
    const token = tokens[position++];
    if (!token) throw invalid('the filter ends too early');
    return token;
  };

  const expression = (): UserCondition[] => {
    const conditions = [...term()];
    while (isWord(peek(), 'and')) {
      position++;
      conditions.push(...term());
    }
    if (isWord(peek(), 'or')) throw invalid('"or" is not supported');
    return conditions;
  };

  const term = (): UserCondition[] => {
    const token = next();
    if (token.kind === 'open') {
      const inner = expression();
      if (next().kind !== 'close') throw invalid('a parenthesis is not closed');
      return inner;
    }
    if (token.kind !== 'word') throw invalid('an attribute name is expected');
    if (token.text.toLowerCase() === 'not') throw invalid('"not" is not supported');
    const operator = next();
    if (operator.kind !== 'word' || operator.text.toLowerCase() !== 'eq') {
      throw invalid(`only the "eq" operator is supported`);
    }
    return [condition(token.text, next())];
  };

  const conditions = expression();
  if (position < tokens.length) throw invalid('unexpected text after the filter');
  return conditions;
}

function condition(path: string, value: Token): UserCondition {
  const parsed = parseAttributePathForFilter(path);
  const name = parsed.enterprise ? '' : parsed.sub ? `${parsed.attribute}.${parsed.sub}` : parsed.attribute;
  switch (name) {
    case 'username':
    case 'emails.value':
      return { attribute: 'userName', value: stringOf(value, path) };
    case 'externalid':
      return { attribute: 'externalId', value: stringOf(value, path) };
    case 'id':
      return { attribute: 'id', value: stringOf(value, path) };
    case 'active':
      if (value.kind !== 'literal' || typeof value.value !== 'boolean')
        throw invalid('active compares with true or false');
      return { attribute: 'active', value: value.value };
    default:
      throw invalid(`filtering on "${path}" is not supported`);
  }
}

function parseAttributePathForFilter(path: string) {
  try {
    const parsed = parseAttributePath(path);
    if (parsed.filter) throw invalid(`filtering on "${path}" is not supported`);
    return parsed;
  } catch {
    throw invalid(`filtering on "${path}" is not supported`);
  }
}

function stringOf(token: Token, path: string): string {
  if (token.kind !== 'literal' || typeof token.value !== 'string')
    throw invalid(`${path} compares with a quoted string`);
  return token.value;
}

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'open' }
  | { kind: 'close' };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < filter.length) {
    const char = filter[index];
    if (/\s/.test(char)) {
      index++;
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: char === '(' ? 'open' : 'close' });
      index++;
    } else if (char === '"') {
      // A JSON string: escapes as in JSON (RFC 7644 §3.4.2.2 defers to RFC 7159).
      const end = closingQuote(filter, index);
      try {
        tokens.push({ kind: 'literal', value: JSON.parse(filter.slice(index, end + 1)) as string });
      } catch {
        throw invalid('a quoted value is malformed');
      }
      index = end + 1;
    } else {
      const match = /^[^\s()"]+/.exec(filter.slice(index))!;
      const text = match[0];
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === 'false') tokens.push({ kind: 'literal', value: lower === 'true' });
      else if (lower === 'null') tokens.push({ kind: 'literal', value: null });
      else if (/^-?\d+(\.\d+)?$/.test(text)) tokens.push({ kind: 'literal', value: Number(text) });
      else tokens.push({ kind: 'word', text });
      index += text.length;
    }
  }
  if (tokens.length === 0) throw invalid('the filter is empty');
  return tokens;
}

function closingQuote(filter: string, start: number): number {
  for (let index = start + 1; index < filter.length; index++) {
    if (filter[index] === '\\') index++;
    else if (filter[index] === '"') return index;
  }
  throw invalid('a quoted value is not closed');
}

function isWord(token: Token | undefined, word: string): boolean {
  return token?.kind === 'word' && token.text.toLowerCase() === word;
}

function invalid(reason: string) {
  return scimError('invalidFilter', `Unsupported or malformed filter: ${reason}.`);
}
