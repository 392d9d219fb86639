import { parseHl7, sendMllp } from '@bridge/hl7';
import { freePort, openFields, SecretBox, sealingContext } from '@bridge/database';
import { expectEventually } from '@bridge/testing';
import { Client } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import {
  SiuListenersRepository,
  SIU_LISTENER_SECRETS,
} from '../../apps/hl7-gateway/src/listeners/siu-listeners.repository';
import { announceSiuListenersMigration } from '../../apps/siu-ingestor/src/migrations/1796228500000-announce-siu-listeners';
import { selfSignedCertificate } from '../../libs/hl7/src/mllp/mllp-test.helpers';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { SiuDriver, siuMessage } from './siu.fixtures';

/**
 * Issue 11: no service asks another on a timer. siu-ingestor announces each listener change
 * (`siu.listener.changed.v1`) through its outbox; hl7-gateway keeps the newest per hospital in its own table,
 * with the TLS key sealed, and runs its listeners from that table. Listeners saved before were announced once.
 */
describe('SIU listeners travel as events (issue 11)', () => {
  let platform: TestPlatform;
  let api: Api;
  let siu: SiuDriver;
  let client: Client;
  let box: SecretBox;
  let sequence = 0;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    siu = new SiuDriver(api, await api.adminToken());
    client = new Client({ connectionString: platform.databaseUrl });
    await client.connect();
    box = new SecretBox(platform.secretsKey);
  });
  afterAll(async () => {
    await client?.end();
    await platform?.close();
  });

  const query = async (sql: string, parameters?: unknown[]) => (await client.query(sql, parameters)).rows;
  const kept = async (hospitalId: string) =>
    (
      await query(`SELECT settings, version FROM hl7_gateway.siu_listeners WHERE hospital_id = $1`, [
        hospitalId,
      ])
    )[0] as { settings: Record<string, unknown> | null; version: string } | undefined;
  const send = (port: number, options: Record<string, unknown> = {}) =>
    sendMllp(
      siuMessage({
        event: 'S12',
        controlId: `EV-${++sequence}`,
        patientCode: `EV-P${sequence}`,
        service: 'KNEE',
      }),
      {
        host: '127.0.0.1',
        port,
        timeoutMs: 3000,
        ...options,
      },
    );
  const ackCode = (reply: Buffer) => parseHl7(reply).get('MSA-1');

  it('a saved listener reaches hl7-gateway with its TLS key sealed, and serves TLS with it', async () => {
    const port = await freePort();
    const tls = selfSignedCertificate();
    const hospital = await siu.hospital(`events-tls-${++sequence}`, { mllpListener: { port, tls } });
    await expectEventually(
      async () =>
        expect(ackCode(await send(port, { tls: { ca: tls.cert, servername: 'localhost' } }))).toBe('AA'),
      {
        timeoutMs: 15_000,
        intervalMs: 100,
      },
    );
    const row = await kept(hospital.id);
    expect(JSON.stringify(row)).not.toContain(tls.key.split('\n')[1]);
    expect(row?.settings).toMatchObject({
      port,
      charset: 'utf-8',
      tls: { cert: tls.cert, key: { sealed: 'aes-256-gcm' } },
    });
    const opened = openFields(
      box,
      row!.settings,
      SIU_LISTENER_SECRETS.paths,
      sealingContext(SIU_LISTENER_SECRETS.table, hospital.id),
    );
    expect((opened as { tls: { key: string } }).tls.key).toBe(tls.key);
  });

  it('removing the listener stops it on hl7-gateway; an older event cannot bring it back', async () => {
    const port = await freePort();
    const hospital = await siu.hospital(`events-stop-${++sequence}`, { mllpListener: { port } });
    await expectEventually(async () => expect(ackCode(await send(port))).toBe('AA'), {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    const started = await kept(hospital.id);

    await siu.connect(hospital.id, { source: hospital.source, careFlowMap: [] });
    await expectEventually(
      async () =>
        expect(await send(port).catch((error: { code?: string }) => error)).toMatchObject({
          code: 'MLLP_CONNECTION_REFUSED',
        }),
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    const stopped = await kept(hospital.id);
    expect(stopped?.settings).toBeNull();
    expect(Number(stopped?.version)).toBeGreaterThan(Number(started?.version));

    // The first event delivered again (a redelivery, or one overtaken on the way): nothing changes.
    const repository = new SiuListenersRepository({ query } as unknown as DataSource, box);
    const late = {
      hospitalId: hospital.id,
      version: Number(started!.version),
      listener: { port, charset: 'utf-8' as const },
    };
    expect(await repository.apply(late)).toBe(false);
    expect(await kept(hospital.id)).toEqual(stopped);
    // A newer one does apply, and every instance follows its own table: the listener comes back.
    expect(await repository.apply({ ...late, version: Number(stopped!.version) + 1000 })).toBe(true);
    await expectEventually(async () => expect(ackCode(await send(port))).toBe('AA'), {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
  });

  it('announces the listeners saved before the event existed, once, with the TLS key sealed in the outbox', async () => {
    const port = await freePort();
    const tls = selfSignedCertificate();
    const hospital = await api.createHospital(`events-old-${++sequence}`);
    // A connection as the previous release stored it (and announced nothing).
    await query(`INSERT INTO siu_ingestor.siu_connections (hospital_id, settings) VALUES ($1, $2)`, [
      hospital.id,
      {
        source: { type: 'directory', path: '/nonexistent/events-old' },
        filePattern: '*',
        minFileAgeMs: 0,
        afterProcessing: 'archive',
        schedule: '0 6 1 1 *',
        timezone: 'Europe/Brussels',
        charset: 'latin1',
        physicianField: 'AIP-3.1',
        demographics: 'message',
        eventMap: {},
        careFlowMap: [],
        mllpListener: { port, tls },
      },
    ]);
    const Migration = announceSiuListenersMigration(box);
    const runner = { query } as unknown as QueryRunner;
    await query('BEGIN');
    try {
      await new Migration().up(runner);
      const announced = await query(
        `SELECT payload FROM siu_ingestor.outbox WHERE event = 'siu.listener.changed.v1' AND payload->>'hospitalId' = $1`,
        [hospital.id],
      );
      expect(announced).toHaveLength(1);
      expect(JSON.stringify(announced)).not.toContain(tls.key.split('\n')[1]);
      expect(announced[0].payload.listener).toMatchObject({
        port,
        charset: 'latin1',
        tls: { key: { sealed: 'aes-256-gcm' } },
      });
    } finally {
      await query('COMMIT');
    }
    await expectEventually(
      async () =>
        expect(ackCode(await send(port, { tls: { ca: tls.cert, servername: 'localhost' } }))).toBe('AA'),
      {
        timeoutMs: 15_000,
        intervalMs: 100,
      },
    );
    expect((await kept(hospital.id))?.settings).toMatchObject({ port, charset: 'latin1' });
  });
});
