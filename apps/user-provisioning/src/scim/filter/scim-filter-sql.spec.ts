import { isDomainError } from '@bridge/contracts';
import { userFilterToSql } from '../scim-filter';
import { checkElementFilter, elementMatches, pinnedValues } from './scim-value-filter';
import { parseFilter } from './scim-filter-grammar';

function scimTypeOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return isDomainError(error) ? error.details?.scimType : error;
  }
  return 'accepted';
}

describe('SCIM filter to SQL', () => {
  it('binds every value as a parameter, numbered from the first free placeholder', () => {
    const hostile = `x' OR 1=1; DROP TABLE users; --`;
    const condition = userFilterToSql(
      `userName eq "${hostile}" or (emails[type eq "work" and value co "100%_\\\\"] and not (active eq false))`,
      2,
    );
    expect(condition.sql).not.toContain('DROP');
    expect(condition.sql).not.toContain('100');
    expect(condition.parameters).toEqual([hostile.toLowerCase(), 'work', '%100\\%\\_\\\\%', 'false']);
    expect(condition.sql).toMatch(/\$2\b/);
    expect(condition.sql).toMatch(/\$5\b/);
    expect(condition.sql).not.toMatch(/\$1\b|\$6\b/);
  });

  it('compares case-insensitively unless the attribute is caseExact, and dates as timestamps', () => {
    expect(userFilterToSql('userName eq "AbC"', 2)).toMatchObject({ parameters: ['abc'] });
    expect(userFilterToSql('externalId eq "AbC"', 2)).toMatchObject({ parameters: ['AbC'] });
    const date = userFilterToSql('meta.created gt 2015-10-10T14:38:21.8617979-07:00', 2);
    expect(date.parameters).toEqual(['2015-10-10T14:38:21.861797-07:00']);
    expect(date.sql).toContain('::timestamptz');
  });

  it.each([
    ['an attribute it does not advertise', 'password eq "x"'],
    ['a sub-attribute of emails it does not know', 'emails.shoeSize eq "x"'],
    ['an ordering operator on a boolean', 'active gt true'],
    ['a text operator on a date', 'meta.created co "2015"'],
    ['a date that is not one', 'meta.created gt "yesterday"'],
    ['a value filter on a single-valued attribute', 'userName[value eq "x"]'],
    ['co with null', 'userName co null'],
  ])('refuses %s with invalidFilter', (_name, filter) => {
    expect(scimTypeOf(() => userFilterToSql(filter, 2))).toBe('invalidFilter');
  });
});

describe('PATCH value filters on elements', () => {
  const attributes = { value: 'string', type: 'string', primary: 'boolean' } as const;
  const filter = (text: string) => {
    const parsed = parseFilter(text, ['urn:ietf:params:scim:schemas:core:2.0:User']);
    checkElementFilter(parsed, attributes, 'emails');
    return parsed;
  };

  it('matches elements case-insensitively, with booleans sent as strings too', () => {
    const work = { value: 'A@X.example', type: 'work', primary: 'True' };
    expect(elementMatches(filter('type eq "WORK" and value ew "x.EXAMPLE"'), work)).toBe(true);
    expect(elementMatches(filter('primary eq true'), work)).toBe(true);
    expect(elementMatches(filter('not (type eq "work") or primary ne true'), work)).toBe(false);
    expect(elementMatches(filter('type pr'), { value: 'v' })).toBe(false);
  });

  it('refuses sub-attributes the element does not have and orderings on booleans', () => {
    expect(scimTypeOf(() => filter('shoeSize eq "1"'))).toBe('invalidFilter');
    expect(scimTypeOf(() => filter('primary gt true'))).toBe('invalidFilter');
    expect(scimTypeOf(() => filter('emails[type eq "x"]'))).toBe('invalidFilter');
  });

  it('names the values an eq filter pins, for a new element', () => {
    expect(pinnedValues(filter('type eq "work"'))).toEqual({ type: 'work' });
    expect(pinnedValues(filter('type eq "work" and primary eq true'))).toEqual({
      type: 'work',
      primary: true,
    });
    expect(pinnedValues(filter('type eq "work" or type eq "home"'))).toBeUndefined();
  });
});
