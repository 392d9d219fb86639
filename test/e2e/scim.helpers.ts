// What the SCIM suites share: the schema URNs, a request as an IdP sends it, a user body, the error check.
import type { Api, RequestOptions } from '../support/api';

export const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** A SCIM request as an IdP sends it: application/scim+json both ways. `token` is read at each call. */
export function scimRequester(api: () => Api, token: () => string) {
  return (method: string, path: string, body?: unknown, options: RequestOptions = {}) =>
    api().request(method, `/scim/v2${path}`, {
      token: token(),
      ...(body !== undefined
        ? { rawBody: JSON.stringify(body), headers: { 'content-type': 'application/scim+json' } }
        : {}),
      ...options,
    });
}

export function scimUser(userName: string, extra: object = {}) {
  return {
    schemas: [CORE, ENTERPRISE],
    userName,
    name: { givenName: 'Griet', familyName: 'Goossens' },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...extra,
  };
}

export function expectScimError(
  response: { status: number; body: any; headers: Headers },
  status: number,
  scimType?: string,
): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/scim+json');
  expect(response.body).toEqual({
    schemas: [ERROR],
    status: String(status),
    detail: expect.any(String),
    ...(scimType ? { scimType } : {}),
  });
}
