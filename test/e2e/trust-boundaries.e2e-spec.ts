import { expectEventually } from '@bridge/testing';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { siuTempDir } from '../support/siu-folders';
import { dropFile, KNEE_RULE, siuMessage } from './siu.fixtures';

/**
 * QUALITY.md R9 (issue 10): as platform admin, point connections at files and hosts outside their bounds.
 * Loopback destinations are NOT allowed here (ALLOW_LOOPBACK_DESTINATIONS=false). Each is refused with a
 * field-named 400 / CONNECTION_DESTINATION_REFUSED, before any byte is read, moved or sent.
 */
describe('R9 trust boundaries: what a connection may reach', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let keys = 0;
  /** Inside SIU_DIRECTORY_ROOTS: the data directory and the folders hospitals may use. */
  let base: string;
  let dataDir: string;
  /** Outside every root: a "secrets" folder nothing may read, move or delete. */
  let outside: string;
  /** A fake hospital on loopback that counts every connection made to it. */
  let listener: Server;
  let listenerPort: number;
  let connections = 0;

  beforeAll(async () => {
    base = siuTempDir('r9-');
    dataDir = join(base, 'data');
    mkdirSync(join(dataDir, 'siu'), { recursive: true });
    writeFileSync(join(dataDir, 'secrets.json'), '{"JWT_SECRET":"r9-signing-secret"}');
    outside = mkdtempSync(join(tmpdir(), 'r9-outside-'));
    writeFileSync(join(outside, 'secret.hl7'), 'SECRET=r9-outside-secret\n');
    listener = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerPort = (listener.address() as { port: number }).port;
    platform = await startTestPlatform({ ALLOW_LOOPBACK_DESTINATIONS: 'false', DATA_DIR: dataDir });
    api = new Api(platform);
    admin = await api.adminToken();
  });
  afterAll(async () => {
    await platform?.close();
    await new Promise<void>((resolve) => listener?.close(() => resolve()));
    rmSync(outside, { recursive: true, force: true });
  });

  const hospital = () => api.createHospital(`r9-${++keys}`);
  const put = (hospitalId: string, kind: 'siu' | 'hl7' | 'webservice', body: unknown) =>
    api.request('PUT', `/v1/admin/hospitals/${hospitalId}/connections/${kind}`, { token: admin, body });
  const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((error) => error.field);
  const directory = (path: string, extra: Record<string, unknown> = {}) => ({
    source: { type: 'directory', path },
    careFlowMap: [KNEE_RULE],
    minFileAgeMs: 0,
    ...extra,
  });

  describe('SIU directories: inside SIU_DIRECTORY_ROOTS, real paths, never DATA_DIR', () => {
    it.each([
      ['/etc', () => directory('/etc'), 'source.path'],
      ['DATA_DIR', () => directory(dataDir), 'source.path'],
      ['a folder outside the roots', () => directory(outside), 'source.path'],
      ['".." in path', () => directory(`${base}/../../${outside}`), 'source.path'],
      [
        '".." in archivePath',
        () => directory(join(base, 'ok-1'), { archivePath: `${base}/ok-1/../../..${outside}` }),
        'archivePath',
      ],
      [
        'archivePath in DATA_DIR',
        () => directory(join(base, 'ok-2'), { archivePath: join(dataDir, 'postgres') }),
        'archivePath',
      ],
    ])('refuses %s with a 400 naming the field', async (_, body, field) => {
      const target = await hospital();
      const response = await put(target.id, 'siu', body());
      expect(response.status).toBe(400);
      expect(fields(response.body)).toEqual([field]);
      expect(
        (await api.request('GET', `/v1/admin/hospitals/${target.id}/connections/siu`, { token: admin }))
          .status,
      ).toBe(404);
    });

    it('refuses a symlink out of the root as the folder or as the archive (real path, links followed)', async () => {
      const links = join(base, 'links');
      mkdirSync(links);
      symlinkSync(outside, join(links, 'to-outside'));
      symlinkSync(dataDir, join(links, 'to-data'));
      const target = await hospital();
      for (const [body, field] of [
        [directory(join(links, 'to-outside')), 'source.path'],
        [directory(join(links, 'to-data')), 'source.path'],
        [directory(join(links, 'to-outside', 'sub')), 'source.path'],
        [directory(join(base, 'ok-3'), { archivePath: join(links, 'to-outside') }), 'archivePath'],
      ] as const) {
        const response = await put(target.id, 'siu', body);
        expect(response.status).toBe(400);
        expect(fields(response.body)).toEqual([field]);
      }
    });

    it("accepts DATA_DIR's siu folder (the embedded default's root)", async () => {
      const target = await hospital();
      expect((await put(target.id, 'siu', directory(join(dataDir, 'siu')))).status).toBe(200);
    });

    it('checks again at run time: a symlink planted after the save reads, moves and deletes nothing outside', async () => {
      const folder = join(base, 'planted');
      mkdirSync(folder);
      const target = await hospital();
      for (const afterProcessing of ['archive', 'delete']) {
        expect((await put(target.id, 'siu', directory(folder, { afterProcessing }))).status).toBe(200);
        symlinkSync(join(outside, 'secret.hl7'), join(folder, 'secret.hl7'));
        symlinkSync(join(dataDir, 'secrets.json'), join(folder, 'secrets.hl7'));
        const run = await runAndWait(target.id);
        expect(run.failures.map((failure: { file: string }) => failure.file).sort()).toEqual([
          'secret.hl7',
          'secrets.hl7',
        ]);
        expect(JSON.stringify(run)).not.toMatch(/r9-outside-secret|r9-signing-secret/);
        rmSync(join(folder, 'secret.hl7'));
        rmSync(join(folder, 'secrets.hl7'));
      }
      expect(readFileSync(join(outside, 'secret.hl7'), 'utf8')).toContain('r9-outside-secret');
      expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).toContain('r9-signing-secret');
      expect(await messageLogText(target.id)).not.toMatch(/r9-outside-secret|r9-signing-secret/);
    });

    it('checks again at run time: the folder itself swapped for a symlink out is neither listed nor read', async () => {
      const folder = join(base, 'swapped');
      mkdirSync(folder);
      const target = await hospital();
      expect((await put(target.id, 'siu', directory(folder))).status).toBe(200);
      rmSync(folder, { recursive: true });
      symlinkSync(outside, folder);
      const run = await runAndWait(target.id);
      expect(run.status).toBe('failed');
      expect(run.files).toBe(0);
      expect(existsSync(join(outside, 'secret.hl7'))).toBe(true);
      expect(existsSync(join(outside, 'archive'))).toBe(false);
    });

    it('records a file that holds no HL7 by name, size and hash, never its content, and leaves it in place', async () => {
      const folder = join(base, 'not-hl7');
      mkdirSync(folder);
      const target = await hospital();
      expect((await put(target.id, 'siu', directory(folder))).status).toBe(200);
      dropFile(folder, 'passwords.txt', 'root:hunter2-r9\nadmin:hunter3-r9\n');
      dropFile(
        folder,
        'today.hl7',
        siuMessage({ event: 'S12', controlId: 'R9-1', patientCode: 'R9-P1', service: 'KNEE' }),
      );
      const run = await runAndWait(target.id);
      expect(run.failures).toEqual([
        expect.objectContaining({
          file: 'passwords.txt',
          reason: expect.stringMatching(/no HL7.*\d+ bytes, sha256 [0-9a-f]{64}/),
        }),
      ]);
      expect(JSON.stringify(run)).not.toContain('hunter');
      expect(await messageLogText(target.id)).not.toContain('hunter');
      expect(existsSync(join(folder, 'passwords.txt'))).toBe(true);
    });
  });

  describe('outbound destinations: refused at save when written as an address', () => {
    it.each([
      ['169.254.169.254 (cloud metadata)', 'http://169.254.169.254/latest/meta-data'],
      ['loopback', () => `http://127.0.0.1:${listenerPort}/pdq`],
      ['localhost', () => `http://localhost:${listenerPort}/pdq`],
      ["the platform's own database", () => databaseUrlAsHttp()],
      ['the broker port on loopback', 'http://127.0.0.1:5672/'],
      ['fe80::1 (link-local)', 'http://[fe80::1]/pdq'],
    ])('web service baseUrl at %s: 400 CONNECTION_DESTINATION_REFUSED naming baseUrl', async (_, url) => {
      const target = await hospital();
      const baseUrl = typeof url === 'function' ? url() : url;
      const response = await put(target.id, 'webservice', { flavor: 'pdq', baseUrl });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('CONNECTION_DESTINATION_REFUSED');
      expect(fields(response.body)).toEqual(['baseUrl']);
    });

    it('HL7 host and SFTP host at loopback, link-local or the database: refused, naming the field', async () => {
      const target = await hospital();
      const database = new URL(process.env.TEST_DATABASE_URL!);
      for (const [host, port] of [
        ['127.0.0.1', listenerPort],
        ['169.254.169.254', 2575],
        ['localhost', Number(database.port) || 5432],
      ] as const) {
        const hl7 = await put(target.id, 'hl7', { host, port, queryStyle: 'QRY_A19' });
        expect(hl7.status).toBe(400);
        expect(hl7.body.code).toBe('CONNECTION_DESTINATION_REFUSED');
        expect(fields(hl7.body)).toEqual(['host']);
        const sftp = await put(target.id, 'siu', {
          source: {
            type: 'sftp',
            host,
            port,
            username: 'u',
            password: 'p',
            path: '/siu',
            hostKeySha256: 'SHA256:' + 'A'.repeat(43),
          },
          careFlowMap: [KNEE_RULE],
        });
        expect(sftp.status).toBe(400);
        expect(sftp.body.code).toBe('CONNECTION_DESTINATION_REFUSED');
        expect(fields(sftp.body)).toEqual(['source.host']);
      }
      expect(connections).toBe(0);
    });

    it('keeps private ranges: hospitals sit behind VPNs', async () => {
      const target = await hospital();
      expect(
        (await put(target.id, 'webservice', { flavor: 'pdq', baseUrl: 'https://10.20.30.40/pdq' })).status,
      ).toBe(200);
      expect(
        (await put(target.id, 'hl7', { host: '192.168.50.10', port: 2575, queryStyle: 'QRY_A19' })).status,
      ).toBe(200);
    });

    it('a custom URL template never takes "." or ".." from a lookup: 400 before anything is sent', async () => {
      const target = await hospital();
      const saved = await put(target.id, 'webservice', {
        flavor: 'custom',
        // A private address nothing listens on: a request sent would time out, not answer 400.
        baseUrl: 'http://10.255.255.1',
        timeoutMs: 1000,
        custom: {
          urlTemplate: '/api/patients/{value}/summary',
          resultsPath: 'data',
          fields: { patientCode: 'id', firstName: 'first', lastName: 'last' },
        },
      });
      expect(saved.status).toBe(200);
      await api.expect(200, 'PUT', `/v1/admin/hospitals/${target.id}/import-source`, {
        token: admin,
        body: { source: 'webservice' },
      });
      for (const patientCode of ['..', '.']) {
        const response = await api.request('POST', '/v1/imports', {
          token: target.token,
          body: { patientCode },
        });
        expect(response.status).toBe(400);
        expect(fields(response.body)).toEqual(['patientCode']);
      }
    });
  });

  describe('sharing: two hospitals never share a listener port or a folder (409)', () => {
    it('refuses a second hospital on the same listener port, folder or nested folder, and the platform database port', async () => {
      const first = await hospital();
      const second = await hospital();
      const folder = join(base, 'shared');
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      expect((await put(first.id, 'siu', directory(folder, { mllpListener: { port } }))).status).toBe(200);
      for (const [body, field] of [
        [directory(join(base, 'other-1'), { mllpListener: { port } }), 'mllpListener.port'],
        [directory(folder), 'source.path'],
        [directory(join(folder, 'archive')), 'source.path'],
        [directory(join(base, 'other-2'), { archivePath: folder }), 'source.path'],
        [
          directory(join(base, 'other-3'), {
            mllpListener: { port: Number(new URL(process.env.TEST_DATABASE_URL!).port) || 5432 },
          }),
          'mllpListener.port',
        ],
      ] as const) {
        const response = await put(second.id, 'siu', body);
        expect(response.status).toBe(409);
        expect(response.body.code).toBe('CONNECTION_IN_USE');
        expect(fields(response.body)).toEqual([field]);
      }
      // The first hospital may save its own connection again.
      expect((await put(first.id, 'siu', directory(folder, { mllpListener: { port } }))).status).toBe(200);
    });
  });

  async function runAndWait(hospitalId: string): Promise<any> {
    const started = await api.expect(202, 'POST', `/v1/admin/hospitals/${hospitalId}/siu-runs`, {
      token: admin,
    });
    let run: any;
    await expectEventually(
      async () => {
        run = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospitalId}/siu-runs/${started.id}`, {
          token: admin,
        });
        expect(run.status).not.toBe('running');
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    return run;
  }

  async function messageLogText(hospitalId: string): Promise<string> {
    const log = (
      await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${hospitalId}`, { token: admin })
    ).messages;
    const details = await Promise.all(
      log.map((entry: { id: string }) =>
        api.expect(200, 'GET', `/v1/admin/messages/${entry.id}`, { token: admin }),
      ),
    );
    return JSON.stringify(details);
  }

  function databaseUrlAsHttp(): string {
    const database = new URL(process.env.TEST_DATABASE_URL!);
    return `http://${database.hostname}:${database.port || 5432}/`;
  }
});
