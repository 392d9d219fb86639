import { isDomainError } from '@bridge/contracts';
import { parseScimFilter } from './scim-filter';

function refusal(filter: string): unknown {
  try {
    parseScimFilter(filter);
  } catch (error) {
    return isDomainError(error) ? error.details?.scimType : error;
  }
  return 'accepted';
}

describe('parseScimFilter', () => {
  it('reads eq on userName, externalId, id, emails.value and active, joined by and', () => {
    expect(parseScimFilter('userName eq "a@b.example"')).toEqual([
      { attribute: 'userName', value: 'a@b.example' },
    ]);
    expect(parseScimFilter('externalId eq "x-1" and active eq false')).toEqual([
      { attribute: 'externalId', value: 'x-1' },
      { attribute: 'active', value: false },
    ]);
    expect(parseScimFilter('emails.value eq "m@b.example" and id eq "42"')).toEqual([
      { attribute: 'userName', value: 'm@b.example' },
      { attribute: 'id', value: '42' },
    ]);
  });

  it('is case-insensitive on operators and attribute names, and accepts schema-qualified names', () => {
    expect(parseScimFilter('USERNAME EQ "a@b.example" AnD ExternalID Eq "x"')).toHaveLength(2);
    expect(parseScimFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a@b.example"')).toEqual([
      { attribute: 'userName', value: 'a@b.example' },
    ]);
  });

  it('reads JSON string escapes and parentheses', () => {
    expect(parseScimFilter('(userName eq "quote\\"d@b.example")')).toEqual([
      { attribute: 'userName', value: 'quote"d@b.example' },
    ]);
    expect(parseScimFilter('((externalId eq "a") and (active eq true))')).toHaveLength(2);
  });

  it.each([
    'userName co "a"',
    'userName sw "a"',
    'userName pr',
    'userName eq "a" or userName eq "b"',
    'not (userName eq "a")',
    'title eq "Nurse"',
    'emails[type eq "work"].value eq "a@b.example"',
    'userName eq',
    'userName eq "unclosed',
    '(userName eq "a"',
    'userName eq "a" extra',
    'active eq "yes"',
    'userName eq true',
    '',
  ])('refuses %j with invalidFilter', (filter) => {
    expect(refusal(filter)).toBe('invalidFilter');
  });
});
