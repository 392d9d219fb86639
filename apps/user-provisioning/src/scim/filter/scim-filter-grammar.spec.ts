import { isDomainError } from '@bridge/contracts';
import { parseFilter, parsePatchPath, type FilterNode } from './scim-filter-grammar';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const USER = [CORE, ENTERPRISE] as const;

const parse = (text: string) => parseFilter(text, USER);
const path = (attribute: string, text: string, sub?: string) => ({
  attribute,
  text,
  ...(sub ? { sub } : {}),
});

function scimTypeOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return isDomainError(error) ? error.details?.scimType : error;
  }
  return 'accepted';
}

/** The tree as a compact string, to check precedence and grouping at a glance. */
function show(node: FilterNode): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${show(node.left)} ${node.kind} ${show(node.right)})`;
    case 'not':
      return `not ${show(node.filter)}`;
    case 'present':
      return `${node.path.attribute}${node.path.sub ? `.${node.path.sub}` : ''} pr`;
    case 'compare':
      return `${node.path.schema ? 'ext:' : ''}${node.path.attribute}${node.path.sub ? `.${node.path.sub}` : ''} ${node.op} ${JSON.stringify(node.value)}`;
    case 'valuePath':
      return `${node.path.attribute}[${show(node.filter)}]`;
  }
}

describe('SCIM filter grammar (RFC 7644 §3.4.2.2)', () => {
  it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])('reads the %s operator', (op) => {
    expect(parse(`userName ${op} "bjensen"`)).toEqual({
      kind: 'compare',
      path: path('username', 'userName'),
      op,
      value: 'bjensen',
    });
  });

  it('reads pr, and operators and attribute names in any letter case', () => {
    expect(parse('title pr')).toEqual({ kind: 'present', path: path('title', 'title') });
    expect(show(parse('USERNAME EQ "x" AnD Title PR'))).toBe('(username eq "x" and title pr)');
  });

  it('binds not tighter than and, and and tighter than or; parentheses group', () => {
    expect(show(parse('a eq 1 or b eq 2 and c eq 3'))).toBe('(a eq 1 or (b eq 2 and c eq 3))');
    expect(show(parse('(a eq 1 or b eq 2) and c eq 3'))).toBe('((a eq 1 or b eq 2) and c eq 3)');
    expect(show(parse('not (a eq 1) and b eq 2'))).toBe('(not a eq 1 and b eq 2)');
    expect(show(parse('a eq 1 or b eq 2 or c eq 3'))).toBe('((a eq 1 or b eq 2) or c eq 3)');
    expect(
      show(parse('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")')),
    ).toBe('(usertype eq "Employee" and (emails co "example.com" or emails.value co "example.org"))');
  });

  it('reads value paths, alone or combined', () => {
    expect(show(parse('emails[type eq "work" and value co "@example.com"]'))).toBe(
      'emails[(type eq "work" and value co "@example.com")]',
    );
    expect(show(parse('userType eq "Employee" and emails[type eq "work" and value co "@x.com"]'))).toBe(
      '(usertype eq "Employee" and emails[(type eq "work" and value co "@x.com")])',
    );
    expect(show(parse('emails[not (type eq "home")] or not (active eq true)'))).toBe(
      '(emails[not type eq "home"] or not active eq true)',
    );
  });

  it('reads JSON strings, numbers, booleans and null as values', () => {
    const value = (text: string) => (parse(`x eq ${text}`) as { value: unknown }).value;
    expect(value('"a \\"quoted\\" \\u00e9 value"')).toBe('a "quoted" é value');
    expect(value('"with ) and ] inside"')).toBe('with ) and ] inside');
    expect(value('42')).toBe(42);
    expect(value('-1.5e2')).toBe(-150);
    expect(value('TRUE')).toBe(true);
    expect(value('false')).toBe(false);
    expect(value('null')).toBeNull();
  });

  it('reads unquoted values as strings (IdP test suites send them)', () => {
    expect(
      show(
        parse('name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)'),
      ),
    ).toBe(
      '(name.familyname eq "Employee" and (emails.value co "example.com" or emails.value co "example.org"))',
    );
    expect(show(parse('meta.Created gt 2015-10-10T14:38:21.8617979-07:00'))).toBe(
      'meta.created gt "2015-10-10T14:38:21.8617979-07:00"',
    );
  });

  it('reads schema-qualified attribute names, the extension apart from the core schema', () => {
    expect(show(parse(`${CORE}:userName eq "a"`))).toBe('username eq "a"');
    expect(show(parse(`${CORE}:name.familyName eq "a"`))).toBe('name.familyname eq "a"');
    expect(parse(`${ENTERPRISE}:employeeNumber eq "7"`)).toMatchObject({
      path: { schema: ENTERPRISE, attribute: 'employeenumber' },
    });
    expect(parse(`${ENTERPRISE.toUpperCase()}:EMPLOYEENUMBER eq "7"`)).toMatchObject({
      path: { schema: ENTERPRISE, attribute: 'employeenumber' },
    });
  });

  it.each([
    ['an empty filter', '   '],
    ['a missing value', 'userName eq'],
    ['an unknown operator', 'userName like "a"'],
    ['a missing operator', 'userName'],
    ['an unclosed parenthesis', '(userName eq "a"'],
    ['an unopened parenthesis', 'userName eq "a")'],
    ['an unclosed value filter', 'emails[type eq "work"'],
    ['a nested value filter', 'emails[type[value eq "x"] eq "y"]'],
    ['an unclosed string', 'userName eq "a'],
    ['a malformed string', 'userName eq "\\x"'],
    ['a dangling and', 'userName eq "a" and'],
    ['two filters without a conjunction', 'userName eq "a" title pr'],
    ['an unknown schema', 'urn:example:custom:attr eq "a"'],
    ['a bad attribute name', '1abc eq "a"'],
    ['a sub-sub-attribute', 'name.given.name eq "a"'],
    ['deep nesting', `${'('.repeat(40)}a eq 1${')'.repeat(40)}`],
    ['a huge filter', Array.from({ length: 200 }, (_, i) => `a${i} eq 1`).join(' or ')],
  ])('refuses %s with invalidFilter', (_name, text) => {
    expect(scimTypeOf(() => parse(text))).toBe('invalidFilter');
  });
});

describe('SCIM PATCH path grammar (RFC 7644 §3.5.2)', () => {
  it('reads attributes, sub-attributes, value filters and a sub-attribute after the filter', () => {
    expect(parsePatchPath('userName', USER)).toEqual({ path: path('username', 'userName') });
    expect(parsePatchPath('name.givenName', USER)).toEqual({
      path: path('name', 'name.givenName', 'givenname'),
    });
    const work = parsePatchPath('emails[type eq "work"].value', USER);
    expect(work.path.attribute).toBe('emails');
    expect(show(work.filter!)).toBe('type eq "work"');
    expect(work.sub).toBe('value');
    expect(
      show(
        parsePatchPath('members[value eq "2819c223"]', ['urn:ietf:params:scim:schemas:core:2.0:Group'])
          .filter!,
      ),
    ).toBe('value eq "2819c223"');
  });

  it('reads the enterprise extension as a whole and its attributes', () => {
    expect(parsePatchPath(ENTERPRISE, USER).path).toMatchObject({ schema: ENTERPRISE, attribute: '' });
    expect(parsePatchPath(`${ENTERPRISE}:employeeNumber`, USER).path).toMatchObject({
      schema: ENTERPRISE,
      attribute: 'employeenumber',
    });
  });

  it.each([
    ['an empty path', ''],
    ['a filter after a sub-attribute', 'name.givenName[value eq "x"]'],
    ['text after the filter that is not a sub-attribute', 'emails[type eq "work"]value'],
    ['an unclosed filter', 'roles[value eq "x"'],
    ['a malformed filter', 'roles[value equals "x"]'],
    ['an unknown schema', 'urn:example:x:attr'],
  ])('refuses %s with invalidPath', (_name, text) => {
    expect(scimTypeOf(() => parsePatchPath(text, USER))).toBe('invalidPath');
  });
});
