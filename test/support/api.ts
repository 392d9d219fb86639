import jwt from 'jsonwebtoken';
import type { TestPlatform } from './platform';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** A thin HTTP client for the suites: JSON in, status + parsed body out, no magic. */
export class Api {
  constructor(readonly platform: TestPlatform) {}

  async request<T = any>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.platform.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text, the assertion will say so
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  async token(clientId: string, clientSecret: string): Promise<string> {
    const response = await this.request('POST', '/v1/oauth/token', {
      body: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
    });
    if (response.status !== 200)
      throw new Error(`token refused: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.access_token as string;
  }

  adminToken(): Promise<string> {
    return this.token(this.platform.admin.clientId, this.platform.admin.clientSecret);
  }

  /** A hospital with an API client holding the given scopes, a physician and a care-flow definition. */
  async createHospital(
    key: string,
    scopes: string[] = ['patients:read', 'patients:write', 'careflows:write', 'imports', 'users:write'],
  ): Promise<{ id: string; token: string; clientId: string; clientSecret: string; physicianId: string }> {
    const admin = await this.adminToken();
    const hospital = await this.expect(201, 'POST', '/v1/admin/hospitals', {
      token: admin,
      body: { key, name: `Hospital ${key}` },
    });
    const client = await this.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/api-clients`, {
      token: admin,
      body: { name: 'EMR', scopes },
    });
    const physician = await this.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/users`, {
      token: admin,
      body: {
        email: `dr.${key}@example.org`,
        firstName: 'Jan',
        lastName: 'Janssens',
        roles: ['physician'],
        physicianCode: 'DR1',
      },
    });
    await this.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/care-flow-definitions`, {
      token: admin,
      body: {
        key: 'knee-replacement',
        title: 'Knee replacement',
        baseline: [
          { key: 'surgeryDate', type: 'date', required: true },
          { key: 'appointmentDate', type: 'datetime', required: false },
          { key: 'side', type: 'string', required: false },
        ],
      },
    });
    return {
      id: hospital.id,
      token: await this.token(client.clientId, client.clientSecret),
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      physicianId: physician.id,
    };
  }

  async expect<T = any>(
    status: number,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const response = await this.request<T>(method, path, options);
    if (response.status !== status) {
      throw new Error(
        `${method} ${path}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    return response.body;
  }

  /**
   * Signs a token with the platform's own private key (ES256, its kid), for forging the bad tokens the
   * gateway must refuse for other reasons; with `secret`, an HS256 token of that secret instead.
   */
  forgeToken(claims: object, options: jwt.SignOptions & { secret?: string } = {}): string {
    const { secret, ...signOptions } = options;
    const key = this.platform.signingKey;
    return jwt.sign(claims, secret ?? key.privateKey, {
      algorithm: secret ? 'HS256' : 'ES256',
      ...(secret ? {} : { keyid: key.kid }),
      issuer: this.platform.jwt.issuer,
      audience: this.platform.jwt.audience,
      expiresIn: 600,
      ...signOptions,
    });
  }
}
