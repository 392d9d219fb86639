import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DemoCredentials {
  hospitalId: string;
  clientId: string;
  clientSecret: string;
  physicianEmail: string;
}

const DEMO_HOSPITAL_KEY = 'demo-hospital';

/**
 * Seeds the demo hospital through the public API, as an integration engineer would: hospital, an API
 * client with every hospital scope, a physician and a care-flow definition. Runs once; the client secret
 * (shown only once by the API) is kept in the data directory so it can be printed at every start.
 */
export async function seedDemo(baseUrl: string, admin: { clientId: string; clientSecret: string }, dataDir: string): Promise<DemoCredentials> {
  const file = join(dataDir, 'demo.json');
  const api = await adminApi(baseUrl, admin);
  const hospitals = (await api('GET', '/v1/admin/hospitals')) as { id: string; key: string }[];
  const existing = hospitals.find((hospital) => hospital.key === DEMO_HOSPITAL_KEY);
  if (existing && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;

  const hospital =
    existing ?? ((await api('POST', '/v1/admin/hospitals', { key: DEMO_HOSPITAL_KEY, name: 'Demo Hospital' })) as { id: string });
  const client = (await api('POST', `/v1/admin/hospitals/${hospital.id}/api-clients`, {
    name: 'Demo EMR',
    scopes: ['patients:read', 'patients:write', 'careflows:write', 'imports', 'users:write', 'scim'],
  })) as { clientId: string; clientSecret: string };
  if (!existing) {
    await api('POST', `/v1/admin/hospitals/${hospital.id}/users`, {
      email: 'dr.peeters@demo-hospital.example',
      firstName: 'Anne',
      lastName: 'Peeters',
      roles: ['physician'],
      physicianCode: 'PHY001',
    });
    await api('POST', `/v1/admin/hospitals/${hospital.id}/care-flow-definitions`, {
      key: 'knee-replacement',
      title: 'Knee replacement',
      baseline: [
        { key: 'appointmentDate', type: 'datetime', required: false },
        { key: 'appointmentType', type: 'string', required: false },
        { key: 'physicianCode', type: 'string', required: false },
        { key: 'location', type: 'string', required: false },
      ],
    });
  }
  const credentials: DemoCredentials = {
    hospitalId: hospital.id,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    physicianEmail: 'dr.peeters@demo-hospital.example',
  };
  writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}

type Api = (method: string, path: string, body?: unknown) => Promise<unknown>;

async function adminApi(baseUrl: string, admin: { clientId: string; clientSecret: string }): Promise<Api> {
  const tokenResponse = await fetch(`${baseUrl}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: admin.clientId, client_secret: admin.clientSecret }),
  });
  if (!tokenResponse.ok) throw new Error(`demo seed: admin token refused (${tokenResponse.status})`);
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`demo seed: ${method} ${path} -> ${response.status} ${await response.text()}`);
    return response.json();
  };
}
