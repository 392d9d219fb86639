// SIU test files and the public-API steps every SIU suite repeats (e2e and infra). Not a suite itself.
import { utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectEventually } from '@bridge/testing';
import { seg } from '../../libs/hl7/src/__fixtures__/hl7-fixtures';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { directoryFolders, siuTempDir, type SiuFolder, type SiuFolders } from '../support/siu-folders';

export interface SiuSpec {
  event: string;
  controlId: string;
  patientCode: string;
  firstName?: string;
  lastName?: string;
  /** SCH-2.1 (filler appointment id); `''` leaves it empty. */
  fillerId?: string;
  /** SCH-1.1 (placer appointment id). */
  placerId?: string;
  /** TQ1-7 start; null leaves TQ1 out. */
  tq1Start?: string | null;
  /** SCH-11.4. */
  schStart?: string;
  /** AIS-4. */
  aisStart?: string;
  /** AIS-3.1: the care-flow map's default key is `KNEE`. */
  service?: string;
  /** AIP-3.1, AIG-3.1, PV1-7.1 */
  aip?: string;
  aig?: string;
  pv1Doctor?: string;
  sendingApplication?: string;
  sendingFacility?: string;
  /** Replaces the PID segment (e.g. one without PID-3). */
  pid?: string;
}

/** One SIU message in the usual shape (MSH SCH TQ1 PID PV1 RGS AIS AIG AIL AIP), `\r` terminated. */
export function siuMessage(spec: SiuSpec): string {
  const segments = [
    seg('MSH', {
      3: spec.sendingApplication ?? 'AGENDA',
      4: spec.sendingFacility ?? 'AZTEST',
      5: 'CAREFLOW',
      6: 'BRIDGE',
      7: '20260401060000',
      9: `SIU^${spec.event}^SIU_S12`,
      10: spec.controlId,
      11: 'P',
      12: '2.5',
    }),
    seg('SCH', {
      1: spec.placerId ?? '',
      2: spec.fillerId ?? `APT-${spec.controlId}`,
      7: 'CONSULT^Consultation^L',
      8: 'NORMAL^Normal^HL70277',
      11: spec.schStart ? `^^^${spec.schStart}` : '',
      25: 'Booked^Booked^HL70278',
    }),
    ...(spec.tq1Start === null ? [] : [seg('TQ1', { 1: '1', 7: spec.tq1Start ?? '20260415093000+0200' })]),
    spec.pid ??
      seg('PID', {
        1: '1',
        3: `${spec.patientCode}^^^AZTEST^MR`,
        5: `${spec.lastName ?? 'Peeters'}^${spec.firstName ?? 'Els'}^^^^^L`,
        7: '19800214',
        8: 'F',
      }),
    seg('PV1', {
      1: '1',
      2: 'O',
      3: 'ORTHO^12^A',
      7: spec.pv1Doctor ? `${spec.pv1Doctor}^Pv^One` : '',
      19: 'V1',
    }),
    seg('RGS', { 1: '1' }),
    seg('AIS', { 1: '1', 3: `${spec.service ?? 'KNEE'}^Knee consult^L`, 4: spec.aisStart ?? '' }),
    seg('AIG', { 1: '1', 3: spec.aig ? `${spec.aig}^Aig^Doc` : '' }),
    seg('AIL', { 1: '1', 3: 'ORTHO-POLI^Room 3^^AZTEST' }),
    seg('AIP', {
      1: '1',
      3: spec.aip === undefined ? 'DR1^Janssens^Jan' : spec.aip ? `${spec.aip}^Doc^Tor` : '',
    }),
  ];
  return segments.join('\r') + '\r';
}

/** An FHS/BHS ... BTS/FTS batch around messages. */
export function siuBatch(messages: string[]): string {
  return (
    [
      seg('FHS', { 3: 'AGENDA', 4: 'AZTEST', 7: '20260401060000' }),
      seg('BHS', { 3: 'AGENDA', 4: 'AZTEST' }),
      ...messages.map((message) => message.replace(/\r$/, '')),
      seg('BTS', { 1: String(messages.length) }),
      seg('FTS', { 1: '1' }),
    ].join('\r') + '\r'
  );
}

/** Writes a file as a hospital drops it, its modification time a minute ago (older than any test minFileAgeMs). */
export function dropFile(
  directory: string,
  name: string,
  content: string | Buffer,
  options: { ageMs?: number } = {},
): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  const time = new Date(Date.now() - (options.ageMs ?? 60_000));
  utimesSync(path, time, time);
  return path;
}

/** A fresh folder where test platforms allow directory sources and archives (TEST_SIU_ROOT). */
export function tempDir(prefix: string): string {
  return siuTempDir(prefix);
}

export const KNEE_RULE = { field: 'AIS-3.1', value: 'KNEE', careFlowDefinitionKey: 'knee-replacement' };

export type Hospital = Awaited<ReturnType<Api['createHospital']>>;

/** The public-API steps of an SIU test: connect a hospital, run now, wait for the report, read patients. */
export class SiuDriver {
  constructor(
    readonly api: Api,
    readonly admin: string,
    /** Where hospitals' SIU folders are made; by default temp directories read as `directory` sources. */
    private readonly folders: SiuFolders = directoryFolders(),
  ) {}

  /**
   * A hospital (physician DR1, definition knee-replacement) whose SIU source is a fresh folder: `dir` on disk,
   * reached through `source` (a directory, or an SFTP server over it).
   */
  async hospital(
    key: string,
    connection: Record<string, unknown> = {},
    options: { port?: number } = {},
  ): Promise<Hospital & SiuFolder> {
    const hospital = await this.api.createHospital(key);
    const folder = this.folders.create(key, options);
    await this.connect(hospital.id, {
      source: folder.source,
      minFileAgeMs: 0,
      careFlowMap: [KNEE_RULE],
      ...connection,
    });
    return { ...hospital, ...folder };
  }

  async connect(hospitalId: string, connection: Record<string, unknown>): Promise<any> {
    return this.api.expect(200, 'PUT', `/v1/admin/hospitals/${hospitalId}/connections/siu`, {
      token: this.admin,
      body: connection,
    });
  }

  /** Run now, then poll the run until it is no longer running. */
  async run(hospitalId: string, options: { timeoutMs?: number } = {}): Promise<any> {
    const started = await this.api.expect(202, 'POST', `/v1/admin/hospitals/${hospitalId}/siu-runs`, {
      token: this.admin,
    });
    return this.finished(hospitalId, started.id, options);
  }

  async finished(hospitalId: string, runId: string, options: { timeoutMs?: number } = {}): Promise<any> {
    let run: any;
    await expectEventually(
      async () => {
        run = await this.api.expect(200, 'GET', `/v1/admin/hospitals/${hospitalId}/siu-runs/${runId}`, {
          token: this.admin,
        });
        expect(run.status).not.toBe('running');
      },
      { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 100 },
    );
    return run;
  }

  /**
   * The run after one whose archive failed (R8): the stored file is only archived now, nothing is read or
   * applied again.
   */
  async runOnlyArchiving(hospitalId: string): Promise<any> {
    const run = await this.run(hospitalId);
    expect(run).toMatchObject({
      status: 'succeeded',
      files: 0,
      messagesReceived: 0,
      careFlowsStarted: 0,
      failures: [],
    });
    return run;
  }

  async patient(hospital: Hospital, patientCode: string): Promise<any | undefined> {
    const found = await this.api.expect(200, 'POST', '/v1/patients/search', {
      token: hospital.token,
      body: { patientCode },
    });
    return found.patients[0];
  }
}

/** One suite's platform and the SIU driver every SIU suite uses, over `folders` (default: temp directories). */
export interface SiuSuite {
  platform: TestPlatform;
  api: Api;
  siu: SiuDriver;
  /** Stops the platform, then the folders' server. */
  close(): Promise<void>;
}

export async function startSiuSuite(folders?: SiuFolders): Promise<SiuSuite> {
  const platform = await startTestPlatform({}, { tenantIsolated: true });
  const api = new Api(platform);
  return {
    platform,
    api,
    siu: new SiuDriver(api, await api.adminToken(), folders),
    close: async () => {
      await platform.close();
      await folders?.close();
    },
  };
}
