import jwt from 'jsonwebtoken';
import {
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  scryptSync,
  randomBytes,
} from 'node:crypto';
import { Client } from 'pg';
import { expectEventually } from '@bridge/testing';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/** Short, so revocation is shown without waiting the production interval (default 30 s, at most 60 s). */
const CHECK_INTERVAL_MS = 1000;

describe('credentials (R10): API-client rotation and deactivation, SCIM tokens, logout, ES256 and JWKS', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;
  let other: Awaited<ReturnType<Api['createHospital']>>;

  const tokenFor = (clientId: string, clientSecret: string) =>
    api.request('POST', '/v1/oauth/token', {
      body: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
    });
  const patients = (token: string) => api.request('GET', '/v1/patients?limit=1', { token });

  beforeAll(async () => {
    platform = await startTestPlatform({
      CREDENTIAL_CHECK_INTERVAL_MS: String(CHECK_INTERVAL_MS),
      // Unset: the production default cost (2^17), which the rehash test below checks end to end.
      PASSWORD_SCRYPT_LOG2N: undefined,
      // Unset: refusals wait the production default (1 s), checked below.
      FAILED_ATTEMPT_DELAY_MS: undefined,
    });
    api = new Api(platform);
    admin = await api.adminToken();
    hospital = await api.createHospital('cred-a');
    other = await api.createHospital('cred-b');
  });
  afterAll(() => platform?.close());

  async function newClient(
    hospitalId: string,
    name = 'EMR',
  ): Promise<{ id: string; clientId: string; clientSecret: string }> {
    return api.expect(201, 'POST', `/v1/admin/hospitals/${hospitalId}/api-clients`, {
      token: admin,
      body: { name, scopes: ['patients:read'] },
    });
  }

  describe('API clients', () => {
    it('lists the clients of one hospital, never a secret or its hash', async () => {
      const listed = await api.request('GET', `/v1/admin/hospitals/${hospital.id}/api-clients`, {
        token: admin,
      });
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual([
        expect.objectContaining({
          clientId: hospital.clientId,
          hospitalId: hospital.id,
          active: true,
          name: 'EMR',
        }),
      ]);
      expect(JSON.stringify(listed.body)).not.toContain(hospital.clientSecret);
      expect(Object.keys(listed.body[0]).some((key) => /secret$|hash/i.test(key))).toBe(false);
      const hospitalToken = await api.request('GET', `/v1/admin/hospitals/${hospital.id}/api-clients`, {
        token: hospital.token,
      });
      expect(hospitalToken.status).toBe(403);
    });

    it('rotates: the old secret works until previousSecretValidUntil (24 h by default), 0 ends it at once', async () => {
      const client = await newClient(hospital.id, 'rotating');
      const before = Date.now();
      const rotated = await api.request(
        'POST',
        `/v1/admin/hospitals/${hospital.id}/api-clients/${client.clientId}/rotate-secret`,
        { token: admin },
      );
      expect(rotated.status).toBe(200);
      const validUntil = Date.parse(rotated.body.previousSecretValidUntil);
      expect(validUntil - before).toBeGreaterThanOrEqual(86_400_000 - 1000);
      expect(validUntil - Date.now()).toBeLessThanOrEqual(86_400_000 + 1000);
      expect(rotated.body.clientSecret).not.toBe(client.clientSecret);
      expect((await tokenFor(client.clientId, client.clientSecret)).status).toBe(200);
      expect((await tokenFor(client.clientId, rotated.body.clientSecret)).status).toBe(200);

      // A second rotation with 0: the previous secret (the one just issued) and the first are refused now.
      const again = await api.expect(
        200,
        'POST',
        `/v1/admin/hospitals/${hospital.id}/api-clients/${client.id}/rotate-secret`,
        {
          token: admin,
          body: { previousSecretValidForSeconds: 0 },
        },
      );
      expect(Math.abs(Date.parse(again.previousSecretValidUntil) - Date.now())).toBeLessThan(5000);
      expect((await tokenFor(client.clientId, rotated.body.clientSecret)).status).toBe(401);
      expect((await tokenFor(client.clientId, client.clientSecret)).status).toBe(401);
      expect((await tokenFor(client.clientId, again.clientSecret)).status).toBe(200);
    });

    it('a short overlap window closes by itself', async () => {
      const client = await newClient(hospital.id, 'short window');
      const rotated = await api.expect(
        200,
        'POST',
        `/v1/admin/hospitals/${hospital.id}/api-clients/${client.clientId}/rotate-secret`,
        { token: admin, body: { previousSecretValidForSeconds: 1 } },
      );
      expect((await tokenFor(client.clientId, client.clientSecret)).status).toBe(200);
      await expectEventually(
        async () => expect((await tokenFor(client.clientId, client.clientSecret)).status).toBe(401),
        {
          timeoutMs: 5000,
          intervalMs: 200,
        },
      );
      expect((await tokenFor(client.clientId, rotated.clientSecret)).status).toBe(200);
    });

    it('refuses bad windows with 400 and another hospital’s client with 404', async () => {
      const client = await newClient(hospital.id, 'guarded');
      for (const previousSecretValidForSeconds of [-1, 1.5, 'soon', 10_000_000]) {
        const bad = await api.request(
          'POST',
          `/v1/admin/hospitals/${hospital.id}/api-clients/${client.clientId}/rotate-secret`,
          {
            token: admin,
            body: { previousSecretValidForSeconds },
          },
        );
        expect(bad.status).toBe(400);
      }
      for (const [method, path] of [
        ['POST', `/v1/admin/hospitals/${other.id}/api-clients/${client.clientId}/rotate-secret`],
        ['DELETE', `/v1/admin/hospitals/${other.id}/api-clients/${client.clientId}`],
        ['DELETE', `/v1/admin/hospitals/${other.id}/api-clients/${client.id}`],
        ['DELETE', `/v1/admin/hospitals/${hospital.id}/api-clients/cb_${'0'.repeat(24)}`],
        ['DELETE', `/v1/admin/hospitals/${hospital.id}/api-clients/${encodeURIComponent("x' or 1=1")}`],
      ] as const) {
        expect((await api.request(method, path, { token: admin })).status).toBe(404);
      }
      expect((await tokenFor(client.clientId, client.clientSecret)).status).toBe(200);
    });

    it('deactivates: the secret fails at once, tokens issued to it within the check interval on every request', async () => {
      const client = await newClient(hospital.id, 'leaked');
      const issued = (await tokenFor(client.clientId, client.clientSecret)).body.access_token as string;
      expect((await patients(issued)).status).toBe(200); // now cached as active
      const deactivatedAt = Date.now();
      const removed = await api.request(
        'DELETE',
        `/v1/admin/hospitals/${hospital.id}/api-clients/${client.clientId}`,
        {
          token: admin,
        },
      );
      expect(removed.status).toBe(204);
      expect((await tokenFor(client.clientId, client.clientSecret)).status).toBe(401);
      await expectEventually(async () => expect((await patients(issued)).status).toBe(401), {
        timeoutMs: CHECK_INTERVAL_MS * 5,
        intervalMs: 100,
      });
      expect(Date.now() - deactivatedAt).toBeLessThan(CHECK_INTERVAL_MS * 5);
      const listed = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/api-clients`, {
        token: admin,
      });
      expect(listed.find((entry: { id: string }) => entry.id === client.id)).toMatchObject({ active: false });
      // Deactivating again is harmless; rotating a deactivated client is not possible.
      expect(
        (
          await api.request('DELETE', `/v1/admin/hospitals/${hospital.id}/api-clients/${client.id}`, {
            token: admin,
          })
        ).status,
      ).toBe(204);
      expect(
        (
          await api.request(
            'POST',
            `/v1/admin/hospitals/${hospital.id}/api-clients/${client.id}/rotate-secret`,
            { token: admin },
          )
        ).status,
      ).toBe(404);
      // The hospital's other client is untouched.
      expect((await patients(hospital.token)).status).toBe(200);
      // On the hospital's audit trail, with the admin as actor.
      const audit = await api.expect(
        200,
        'GET',
        `/v1/admin/hospitals/${hospital.id}/audit-events?action=api-client.deactivated`,
        {
          token: admin,
        },
      );
      expect(audit.events).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            actor: { kind: 'client', id: platform.admin.clientId },
            resource: { type: 'api-client', id: client.clientId },
          }),
        ]),
      );
    });
  });

  describe('SCIM tokens', () => {
    it('are created once, accepted by /scim only, listed without the token, and refused after revocation', async () => {
      const created = await api.request('POST', `/v1/admin/hospitals/${hospital.id}/scim-tokens`, {
        token: admin,
        body: { name: 'Entra ID' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: expect.any(String),
        token: expect.stringMatching(/^cbscim_/),
      });
      const scimToken = created.body.token as string;
      expect((await api.request('GET', '/scim/v2/Users', { token: scimToken })).status).toBe(200);
      // Scope scim only: no other API accepts it.
      expect((await patients(scimToken)).status).toBe(401);
      // And it acts on its own hospital: a user it creates is that hospital's.
      const scimUser = await api.request('POST', '/scim/v2/Users', {
        token: scimToken,
        rawBody: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: 'idp.user@cred-a.example',
          name: { givenName: 'Id', familyName: 'P' },
          emails: [{ value: 'idp.user@cred-a.example', primary: true }],
        }),
        headers: { 'content-type': 'application/scim+json' },
      });
      expect(scimUser.status).toBe(201);
      const found = await api.expect(
        200,
        'GET',
        `/scim/v2/Users?filter=${encodeURIComponent('userName eq "idp.user@cred-a.example"')}`,
        {
          token: scimToken,
        },
      );
      expect(found.totalResults).toBe(1);

      const listed = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/scim-tokens`, {
        token: admin,
      });
      expect(listed).toEqual([
        expect.objectContaining({ id: created.body.id, name: 'Entra ID', revokedAt: null }),
      ]);
      expect(JSON.stringify(listed)).not.toContain(scimToken);
      expect(
        (await api.request('GET', `/v1/admin/hospitals/${other.id}/scim-tokens`, { token: admin })).body,
      ).toEqual([]);
      expect(
        (
          await api.request('DELETE', `/v1/admin/hospitals/${other.id}/scim-tokens/${created.body.id}`, {
            token: admin,
          })
        ).status,
      ).toBe(404);
      expect((await api.request('GET', '/scim/v2/Users', { token: scimToken })).status).toBe(200);

      const revokedAt = Date.now();
      expect(
        (
          await api.request('DELETE', `/v1/admin/hospitals/${hospital.id}/scim-tokens/${created.body.id}`, {
            token: admin,
          })
        ).status,
      ).toBe(204);
      await expectEventually(
        async () =>
          expect((await api.request('GET', '/scim/v2/Users', { token: scimToken })).status).toBe(401),
        {
          timeoutMs: CHECK_INTERVAL_MS * 5,
          intervalMs: 100,
        },
      );
      expect(Date.now() - revokedAt).toBeLessThan(CHECK_INTERVAL_MS * 5);
      expect(
        (
          await api.request('GET', '/scim/v2/Users', {
            token: `cbscim_${randomBytes(32).toString('base64url')}`,
          })
        ).status,
      ).toBe(401);
    });
  });

  describe('logout', () => {
    /** A Care app session of one user, through a login token (the EMR's link). */
    async function session(): Promise<string> {
      const issued = await api.expect(201, 'POST', '/v1/users/login-token', {
        token: hospital.token,
        body: { email: 'log.out@cred-a.example', firstName: 'Log', lastName: 'Out' },
      });
      return (await api.expect(200, 'POST', '/v1/auth/exchange', { body: { token: issued.token } }))
        .sessionToken;
    }

    it("ends the caller's session at once, and only that session", async () => {
      const first = await session();
      const second = await session();
      expect((await api.request('GET', '/v1/auth/session', { token: first })).status).toBe(200);
      expect((await api.request('POST', '/v1/auth/logout', { token: first })).status).toBe(204);
      expect((await api.request('GET', '/v1/auth/session', { token: first })).status).toBe(401);
      expect((await api.request('POST', '/v1/auth/logout', { token: first })).status).toBe(401);
      expect((await api.request('GET', '/v1/auth/session', { token: second })).status).toBe(200);
    });

    it('needs a Care app session: no token is 401, an API token 403', async () => {
      expect((await api.request('POST', '/v1/auth/logout')).status).toBe(401);
      expect((await api.request('POST', '/v1/auth/logout', { token: hospital.token })).status).toBe(403);
    });
  });

  describe('password hashes', () => {
    it('rehashes an N = 2^14 hash at N = 2^17 on the next successful sign-in', async () => {
      const password = 'correct horse battery staple';
      const user = await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/users`, {
        token: admin,
        body: {
          email: 'rehash@cred-a.example',
          firstName: 'Re',
          lastName: 'Hash',
          roles: ['hospital-admin'],
          password,
        },
      });
      const salt = randomBytes(16);
      const legacy = `scrypt$${salt.toString('base64url')}$${scryptSync(password, salt, 64).toString('base64url')}`;
      const db = new Client({ connectionString: platform.databaseUrl });
      await db.connect();
      try {
        const stored = async () =>
          (await db.query('SELECT password_hash FROM user_provisioning.users WHERE id = $1', [user.id]))
            .rows[0].password_hash as string;
        expect(await stored()).toMatch(/^scrypt\$ln=17,r=8,p=1\$/);
        await db.query('UPDATE user_provisioning.users SET password_hash = $1 WHERE id = $2', [
          legacy,
          user.id,
        ]);
        const askedAt = Date.now();
        const wrong = await api.request('POST', '/v1/auth/login', {
          body: { email: 'rehash@cred-a.example', password: 'wrong one' },
        });
        expect(wrong.status).toBe(401);
        // FAILED_ATTEMPT_DELAY_MS's default: a guesser waiting for each answer guesses once a second (R11).
        expect(Date.now() - askedAt).toBeGreaterThanOrEqual(1000);
        expect(await stored()).toBe(legacy);
        const login = await api.request('POST', '/v1/auth/login', {
          body: { email: 'rehash@cred-a.example', password },
        });
        expect(login.status).toBe(200);
        const rehashed = await stored();
        expect(rehashed).toMatch(/^scrypt\$ln=17,r=8,p=1\$/);
        expect(rehashed).not.toContain(password);
        expect(
          (
            await api.request('POST', '/v1/auth/login', {
              body: { email: 'rehash@cred-a.example', password },
            })
          ).status,
        ).toBe(200);
      } finally {
        await db.end();
      }
    }, 120_000);
  });

  describe('ES256 tokens and the JWKS', () => {
    const base64url = (value: object | string) =>
      Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
    const claims = () => ({
      sub: hospital.clientId,
      kind: 'client',
      hid: hospital.id,
      scope: 'patients:read',
    });

    it('publishes the public key by kid, and the tokens issued verify against it', async () => {
      const jwks = await api.request('GET', '/.well-known/jwks.json');
      expect(jwks.status).toBe(200);
      expect(jwks.body.keys.length).toBeGreaterThanOrEqual(1);
      for (const key of jwks.body.keys) {
        expect(key).toMatchObject({
          kty: 'EC',
          crv: 'P-256',
          alg: 'ES256',
          use: 'sig',
          kid: expect.any(String),
        });
        expect(key).not.toHaveProperty('d');
      }
      const token = (await tokenFor(hospital.clientId, hospital.clientSecret)).body.access_token as string;
      const header = jwt.decode(token, { complete: true })!.header;
      expect(header.alg).toBe('ES256');
      const jwk = jwks.body.keys.find((key: { kid: string }) => key.kid === header.kid);
      expect(jwk).toBeDefined();
      const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
      expect(jwt.verify(token, publicKey, { algorithms: ['ES256'] })).toMatchObject({
        sub: hospital.clientId,
      });
    });

    it('refuses tokens anyone holding only the public key could make: another key, HS256 with the public key, alg none', async () => {
      const jwks = await api.expect(200, 'GET', '/.well-known/jwks.json');
      const kid = jwks.keys[0].kid as string;
      const publicPem = createPublicKey({ key: jwks.keys[0], format: 'jwk' }).export({
        type: 'spki',
        format: 'pem',
      }) as string;
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        ...claims(),
        iss: platform.jwt.issuer,
        aud: platform.jwt.audience,
        iat: now,
        exp: now + 600,
      };
      const hmac = (secret: string, header: object) => {
        const unsigned = `${base64url(header)}.${base64url(payload)}`;
        return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
      };
      const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const forged = [
        jwt.sign(payload, otherKey, { algorithm: 'ES256', keyid: kid }),
        jwt.sign(payload, otherKey, { algorithm: 'ES256', keyid: randomUUID() }),
        hmac(publicPem, { alg: 'HS256', typ: 'JWT', kid }),
        hmac(JSON.stringify(jwks.keys[0]), { alg: 'HS256', typ: 'JWT', kid }),
        `${base64url({ alg: 'none', typ: 'JWT', kid })}.${base64url(payload)}.`,
        // Not JSON inside, though the header says JWT: refused, not a 500.
        `${base64url({ alg: 'ES256', typ: 'JWT', kid })}.${base64url('not json')}.${base64url('sig')}`,
      ];
      for (const token of forged) expect((await patients(token)).status).toBe(401);
      // The same claims signed with the platform's private key pass: the refusals are about the key alone.
      expect((await patients(api.forgeToken(claims()))).status).toBe(200);
    });

    it('rotates the signing key without refusing a token in flight', async () => {
      const before = (await tokenFor(hospital.clientId, hospital.clientSecret)).body.access_token as string;
      const oldKid = jwt.decode(before, { complete: true })!.header.kid;
      const rotated = await api.request('POST', '/v1/admin/signing-keys/rotate', { token: admin });
      expect(rotated.status).toBe(200);
      expect(rotated.body.keys.map((key: { kid: string }) => key.kid)).toContain(oldKid);
      const after = (await tokenFor(hospital.clientId, hospital.clientSecret)).body.access_token as string;
      const newKid = jwt.decode(after, { complete: true })!.header.kid;
      expect(newKid).not.toBe(oldKid);
      expect((await patients(after)).status).toBe(200);
      expect((await patients(before)).status).toBe(200);
      const jwks = await api.expect(200, 'GET', '/.well-known/jwks.json');
      expect(jwks.keys.map((key: { kid: string }) => key.kid)).toEqual(
        expect.arrayContaining([oldKid, newKid]),
      );
      expect(
        (await api.request('POST', '/v1/admin/signing-keys/rotate', { token: hospital.token })).status,
      ).toBe(403);
    });
  });

  describe('response headers', () => {
    it('carry CSP, nosniff and no-referrer everywhere, and no-store on /v1 and /scim', async () => {
      for (const path of [
        '/v1/patients',
        '/v1/admin/hospitals',
        '/scim/v2/Users',
        '/health',
        '/app',
        '/nowhere',
      ]) {
        const response = await api.request('GET', path, {
          token: path === '/v1/admin/hospitals' ? admin : undefined,
        });
        const csp = response.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        if (path.startsWith('/v1') || path.startsWith('/scim')) {
          expect(response.headers.get('cache-control')).toBe('no-store');
        }
      }
    });
  });
});
