import { isDomainError } from '@bridge/contracts';
import type { User } from '../users/user.entity';
import { fieldsOf, newState, parseScimUser, toScimUser } from './scim-user.mapper';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('SCIM user mapping', () => {
  it('reads userName, name, externalId, active, roles and employeeNumber, case-insensitively', () => {
    const input = parseScimUser({
      USERNAME: ' An.Peeters@h.example ',
      Name: { GivenName: 'An', familyName: 'Peeters' },
      externalid: 'ext-1',
      active: 'False',
      roles: [{ value: 'Physician' }, 'hospital-admin', { value: 'IdP role' }],
      [ENTERPRISE]: { employeeNumber: 12345 },
      password: 'never kept',
      phoneNumbers: [{ value: '+32' }],
    });
    expect(input).toEqual({
      userName: 'An.Peeters@h.example',
      givenName: 'An',
      familyName: 'Peeters',
      externalId: 'ext-1',
      active: false,
      roles: ['physician', 'hospital-admin'],
      employeeNumber: '12345',
    });
    expect(fieldsOf(newState(input))).toEqual({
      userName: 'An.Peeters@h.example',
      email: 'An.Peeters@h.example',
      firstName: 'An',
      lastName: 'Peeters',
      nameFormatted: null,
      displayName: null,
      emails: null,
      addresses: null,
      hospitalUserId: 'ext-1',
      physicianCode: '12345',
      preferredLanguage: null,
      roles: ['physician', 'hospital-admin'],
      active: false,
    });
  });

  it('keeps preferredLanguage (an Accept-Language list gives its most wanted tag) and shows it back', () => {
    const input = parseScimUser({ userName: 'a@h.example', preferredLanguage: 'en-GB;q=0.4, fr-BE' });
    expect(input.preferredLanguage).toBe('fr-BE');
    expect(fieldsOf(newState(input)).preferredLanguage).toBe('fr-BE');
    expect(parseScimUser({ userName: 'a@h.example', preferredLanguage: null }).preferredLanguage).toBeNull();
    expect(() => parseScimUser({ userName: 'a@h.example', preferredLanguage: 42 })).toThrow(
      /preferredLanguage/,
    );
  });

  it('leaves out what was not sent, falls back to displayName for names, and clears with null', () => {
    expect(
      parseScimUser({ userName: 'a@h.example', displayName: 'Jan Van Damme', externalId: null }),
    ).toEqual({
      userName: 'a@h.example',
      givenName: 'Jan Van',
      familyName: 'Damme',
      displayName: 'Jan Van Damme',
      externalId: null,
    });
    expect(fieldsOf(newState({ userName: 'a@h.example', roles: [] }))).toMatchObject({
      email: 'a@h.example',
      roles: ['clinician'],
    });
  });

  it.each([
    ['no userName', {}],
    ['an empty userName', { userName: '  ' }],
    ['a userName with control characters', { userName: 'a\u0000b' }],
    ['emails that are not a list of objects', { userName: 'a', emails: ['a@b.example'] }],
    ['a non-boolean active', { userName: 'a@h.example', active: 'yes' }],
    ['a name that is not an object', { userName: 'a@h.example', name: 'An' }],
    ['an over-long externalId', { userName: 'a@h.example', externalId: 'x'.repeat(201) }],
  ])('refuses %s', (_name, resource) => {
    let caught: unknown;
    try {
      parseScimUser(resource);
    } catch (error) {
      caught = error;
    }
    expect(isDomainError(caught) && caught.code).toBe('VALIDATION_FAILED');
  });

  it('renders a user as a SCIM resource with its location', () => {
    const user = {
      id: '6f1c8f46-6a5a-4d3e-9d9e-3f1b2d4c5a6b',
      hospitalId: 'h',
      userName: 'An@h.example',
      email: 'An@h.example',
      emails: null,
      addresses: null,
      displayName: null,
      nameFormatted: null,
      directRoles: ['physician'],
      firstName: 'An',
      lastName: 'Peeters',
      roles: ['physician'],
      hospitalUserId: null,
      physicianCode: 'PHY1',
      active: true,
      createdAt: new Date('2026-01-01T00:00:00Z'),
      updatedAt: new Date('2026-01-02T00:00:00Z'),
    } as unknown as User;
    const resource = toScimUser(user, 'https://bridge.example/scim/v2');
    expect(resource).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      userName: 'An@h.example',
      emails: [{ value: 'An@h.example', type: 'work', primary: true }],
      [ENTERPRISE]: { employeeNumber: 'PHY1' },
      meta: {
        location: 'https://bridge.example/scim/v2/Users/6f1c8f46-6a5a-4d3e-9d9e-3f1b2d4c5a6b',
        lastModified: '2026-01-02T00:00:00.000Z',
      },
    });
    expect(resource.externalId).toBeUndefined();
  });

  it('takes the Care-app e-mail from emails: primary, else work, else the userName, else any address', () => {
    const emailOf = (resource: Record<string, unknown>) => fieldsOf(newState(parseScimUser(resource))).email;
    const emails = [
      { value: 'home@h.example', type: 'home' },
      { value: 'work@h.example', type: 'work' },
      { value: 'main@h.example', type: 'other', Primary: 'True' },
    ];
    expect(emailOf({ userName: 'emp1', emails })).toBe('main@h.example');
    expect(emailOf({ userName: 'emp1', emails: emails.slice(0, 2) })).toBe('work@h.example');
    expect(emailOf({ userName: 'upn@h.example', emails: emails.slice(0, 1) })).toBe('upn@h.example');
    expect(emailOf({ userName: 'emp1', emails: emails.slice(0, 1) })).toBe('home@h.example');
    // A primary value that is not an address is kept in the list but not used as the e-mail.
    expect(emailOf({ userName: 'emp1', emails: [{ value: 'emailName357', primary: true }, emails[0]] })).toBe(
      'home@h.example',
    );
    expect(emailOf({ userName: 'upn@h.example' })).toBe('upn@h.example');
    for (const resource of [
      { userName: 'emp1' },
      { userName: 'emp1', emails: [{ value: 'not-an-address' }] },
    ]) {
      let caught: unknown;
      try {
        emailOf(resource);
      } catch (error) {
        caught = error;
      }
      expect(isDomainError(caught) && caught.details).toEqual({ scimType: 'invalidValue' });
    }
  });
});
