import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@bridge/database';
import { createTestDatabase, expectEventually } from '@bridge/testing';

/**
 * QUALITY.md R7: drive the built platform (`node dist/apps/embedded/main.js`, logging at trace level)
 * through pushes, searches, reads and refusals full of patient data, then grep everything it printed.
 * Runs in `npm run test:infra`, which builds dist/ first.
 */
describe('PHI hygiene (R7): no patient data in any log line', () => {
  const phi = {
    patientCode: 'PHI-778899',
    firstName: 'Zoë',
    lastName: 'Vandenbergh-Quist',
    nationalRegistryNumber: '85071512345',
    email: 'zoe.vq@example.be',
    phone: '+32 9 555 12 34',
  };
  let child: ChildProcess;
  let output = '';
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let url: string;
  const admin = { id: 'phi-admin', secret: randomBytes(18).toString('base64url') };

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'apps', 'embedded', 'main.js')], {
      env: {
        ...process.env,
        AMQP_URL: '',
        DATABASE_URL: database.url,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'phi-')),
        DEMO: 'off',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'trace',
        ADMIN_CLIENT_ID: admin.id,
        ADMIN_CLIENT_SECRET: admin.secret,
        JWT_SECRET: randomBytes(32).toString('hex'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await expectEventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`platform exited: ${output.slice(-2000)}`);
        expect((await fetch(`${url}/health`)).status).toBe(200);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    }
    await database?.drop();
  });

  async function call(method: string, path: string, body?: unknown, token?: string) {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  it('logs the traffic but none of the patient data in it', async () => {
    const adminToken = (await call('POST', '/v1/oauth/token', { grant_type: 'client_credentials', client_id: admin.id, client_secret: admin.secret })).body
      .access_token;
    const hospital = (await call('POST', '/v1/admin/hospitals', { key: 'phi-h', name: 'PHI' }, adminToken)).body;
    const client = (
      await call('POST', `/v1/admin/hospitals/${hospital.id}/api-clients`, { name: 'emr', scopes: ['patients:read', 'patients:write', 'careflows:write'] }, adminToken)
    ).body;
    const token = (await call('POST', '/v1/oauth/token', { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }))
      .body.access_token;
    const other = (await call('POST', '/v1/admin/hospitals', { key: 'phi-other', name: 'Other' }, adminToken)).body;
    const otherClient = (await call('POST', `/v1/admin/hospitals/${other.id}/api-clients`, { name: 'emr', scopes: ['patients:read'] }, adminToken)).body;
    const otherToken = (
      await call('POST', '/v1/oauth/token', { grant_type: 'client_credentials', client_id: otherClient.clientId, client_secret: otherClient.clientSecret })
    ).body.access_token;

    const created = await call('POST', '/v1/patients', { ...phi }, token);
    expect(created.status).toBe(201);
    expect((await call('POST', '/v1/patients/search', { nationalRegistryNumber: phi.nationalRegistryNumber }, token)).body.total).toBe(1);
    expect((await call('GET', `/v1/patients/${created.body.id}`, undefined, token)).status).toBe(200);
    expect((await call('GET', `/v1/patients/${created.body.id}`, undefined, otherToken)).status).toBe(404);
    expect((await call('POST', '/v1/patients', { ...phi, birthDate: `${phi.lastName} 1985` }, token)).status).toBe(400);
    expect((await call('POST', '/v1/patients', { ...phi, careFlow: { definitionKey: phi.lastName } }, token)).status).toBe(422);

    await expectEventually(() => expect(output).toContain('"level"'));
    const lines = output.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(20);
    for (const value of Object.values(phi)) {
      const hits = lines.filter((line) => line.includes(value));
      expect({ value, hits }).toEqual({ value, hits: [] });
    }
  });
});
