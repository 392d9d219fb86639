import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openSiuFolders, simFolders, type SiuFolders } from '../support/siu-folders';
import { CuttingProxy } from '../support/sshd';
import {
  KNEE_RULE,
  dropFile,
  siuBatch,
  siuMessage,
  startSiuSuite,
  type Hospital,
  type SiuDriver,
  type SiuSuite,
} from './siu.fixtures';

/**
 * SIU over SFTP through the public API, against a real server on loopback (OpenSSH's sshd under
 * `npm run test:infra`, the hospital simulator's under `npm test`; throwaway keys, host key pinned): the file
 * handling that depends on the source (archive, delete, age, host key) and the faults of QUALITY.md R8 that
 * only a network source has (a connection cut in the middle of a download, a full disk on the server). The
 * HL7 rules themselves run on SFTP in siu-rules.
 */
describe('SIU over SFTP', () => {
  let suite: SiuSuite;
  let folders: SiuFolders;
  let siu: SiuDriver;
  let keys = 0;

  beforeAll(async () => {
    folders = await openSiuFolders('sftp');
    suite = await startSiuSuite(folders);
    siu = suite.siu;
  });
  afterAll(() => suite?.close());

  const sftpHospital = (connection: Record<string, unknown> = {}, options: { port?: number } = {}) =>
    siu.hospital(`siu-sftp-${++keys}`, connection, options);

  it('archives on the server, keeping names; the same name again goes beside the first, never over it', async () => {
    const hospital = await sftpHospital();
    const message = (i: number) => siuMessage({ event: 'S12', controlId: `A${i}`, patientCode: `P${i}` });
    dropFile(hospital.dir, 'a.hl7', message(1));
    dropFile(hospital.dir, 'b.hl7', siuBatch([message(2), message(3)]));
    expect(await siu.run(hospital.id)).toMatchObject({ status: 'succeeded', files: 2, messagesProcessed: 3 });
    expect(readdirSync(hospital.dir)).toEqual(['archive']);
    expect(readdirSync(join(hospital.dir, 'archive')).sort()).toEqual(['a.hl7', 'b.hl7']);

    dropFile(hospital.dir, 'a.hl7', message(4));
    expect(await siu.run(hospital.id)).toMatchObject({ status: 'succeeded', files: 1, careFlowsStarted: 1 });
    const archived = readdirSync(join(hospital.dir, 'archive')).filter((name) => name.startsWith('a.hl7'));
    expect(archived).toHaveLength(2);
    expect(archived.map((name) => readFileSync(join(hospital.dir, 'archive', name), 'utf8')).sort()).toEqual(
      [message(1), message(4)].sort(),
    );
  });

  it('deletes when configured so, and leaves files still being written', async () => {
    const hospital = await sftpHospital({ afterProcessing: 'delete', minFileAgeMs: 60_000 });
    dropFile(hospital.dir, 'old.hl7', siuMessage({ event: 'S12', controlId: '1', patientCode: 'P1' }));
    dropFile(hospital.dir, 'new.hl7', siuMessage({ event: 'S12', controlId: '2', patientCode: 'P2' }), {
      ageMs: 0,
    });
    expect(await siu.run(hospital.id)).toMatchObject({ status: 'succeeded', files: 1, careFlowsStarted: 1 });
    expect(readdirSync(hospital.dir)).toEqual(['new.hl7']);
  });

  it('refuses a server whose host key is not the pinned one, and touches nothing', async () => {
    const hospital = await sftpHospital();
    await siu.connect(hospital.id, {
      source: { ...hospital.source, hostKeySha256: 'SHA256:' + 'B'.repeat(43) },
      minFileAgeMs: 0,
      careFlowMap: [KNEE_RULE],
    });
    dropFile(hospital.dir, 'a.hl7', siuMessage({ event: 'S12', controlId: '1', patientCode: 'P1' }));
    const run = await siu.run(hospital.id);
    expect(run).toMatchObject({
      status: 'failed',
      files: 0,
      error: expect.stringContaining('could not be opened'),
    });
    expect(readdirSync(hospital.dir)).toEqual(['a.hl7']);
  });

  it('R8: a connection cut in the middle of a download leaves the file at the source; the next run takes it once', async () => {
    const proxy = new CuttingProxy(folders.port!);
    await proxy.start();
    try {
      const hospital = await sftpHospital({}, { port: proxy.port });
      const messages: string[] = [];
      for (let i = 0; i < 3000; i += 1)
        messages.push(siuMessage({ event: 'S12', controlId: `C${i}`, patientCode: `P${i}` }));
      dropFile(hospital.dir, 'big.hl7', messages.join(''));
      dropFile(hospital.dir, 'small.hl7', siuMessage({ event: 'S12', controlId: 'S', patientCode: 'PS' }));
      // The SSH handshake and listing take a few kB; the 2 MB download is cut after ~300 kB.
      proxy.cutAfter(300_000);
      const cut = await siu.run(hospital.id);
      expect(proxy.cuts).toBeGreaterThan(0);
      expect(cut).toMatchObject({ status: 'failed', files: 0, messagesReceived: 0 });
      expect(cut.failures[0]).toMatchObject({ file: 'big.hl7', controlId: '' });
      expect(readdirSync(hospital.dir).sort()).toEqual(['big.hl7', 'small.hl7']);

      proxy.cutAfter(Infinity);
      const whole = await siu.run(hospital.id, { timeoutMs: 120_000 });
      expect(whole).toMatchObject({
        status: 'succeeded',
        files: 2,
        messagesReceived: 3001,
        messagesProcessed: 3001,
        messagesDuplicate: 0,
        patientsCreated: 3001,
        careFlowsStarted: 3001,
      });
      expect(readdirSync(join(hospital.dir, 'archive')).sort()).toEqual(['big.hl7', 'small.hl7']);
    } finally {
      await proxy.stop();
    }
  });
});

describe('SIU over SFTP: faults the simulated server makes on demand (R8)', () => {
  let suite: SiuSuite;
  let folders: Awaited<ReturnType<typeof simFolders>>;
  let siu: SiuDriver;
  let keys = 0;

  beforeAll(async () => {
    folders = await simFolders();
    suite = await startSiuSuite(folders);
    siu = suite.siu;
  });
  afterAll(() => suite?.close());
  afterEach(() => folders.sftp.setFaults({}));

  const message = (i: number) => siuMessage({ event: 'S12', controlId: `D${i}`, patientCode: `P${i}` });

  it('a full disk under the archive: the file stays at the source, the run says why, the next run only archives it', async () => {
    const key = `siu-sim-${++keys}`;
    const hospital = await siu.hospital(key);
    mkdirSync(join(hospital.dir, 'archive'));
    dropFile(hospital.dir, 'day.hl7', message(1) + message(2));
    folders.sftp.setFaults({ diskFullUnder: `/${key}/archive` });

    const failed = await siu.run(hospital.id);
    expect(failed).toMatchObject({ status: 'failed', files: 1, messagesProcessed: 2, careFlowsStarted: 2 });
    expect(failed.failures).toEqual([
      {
        file: 'day.hl7',
        controlId: '',
        reason: expect.stringMatching(/archive failed.*No space left on device/),
      },
    ]);
    expect(readdirSync(hospital.dir).sort()).toEqual(['archive', 'day.hl7']);
    expect(readdirSync(join(hospital.dir, 'archive'))).toEqual([]);

    folders.sftp.setFaults({});
    await siu.runOnlyArchiving(hospital.id);
    expect(readdirSync(hospital.dir)).toEqual(['archive']);
    expect(readdirSync(join(hospital.dir, 'archive'))).toEqual(['day.hl7']);
    expect((await siu.patient(hospital, 'P1')).careFlows).toHaveLength(1);
    expect((await siu.patient(hospital, 'P2')).careFlows).toHaveLength(1);
  });

  it('a full disk where the archive folder is to be made: the run names the full disk, the file stays', async () => {
    const key = `siu-sim-${++keys}`;
    const hospital = await siu.hospital(key);
    dropFile(hospital.dir, 'day.hl7', message(3));
    folders.sftp.setFaults({ diskFullUnder: `/${key}/archive` });
    const failed = await siu.run(hospital.id);
    expect(failed).toMatchObject({ status: 'failed', files: 1, messagesProcessed: 1 });
    expect(failed.failures[0].reason).toMatch(/archive failed.*No space left on device/);
    expect(readdirSync(hospital.dir)).toEqual(['day.hl7']);
  });

  it('a download cut by the server: nothing of the file is stored, it stays at the source, the next run takes it once', async () => {
    const hospital = await siu.hospital(`siu-sim-${++keys}`);
    const messages = Array.from({ length: 1000 }, (_, i) => message(i)).join('');
    dropFile(hospital.dir, 'big.hl7', messages);
    folders.sftp.setFaults({ cutReadAfterBytes: 100_000 });

    const cut = await siu.run(hospital.id);
    expect(cut).toMatchObject({ status: 'failed', files: 0, messagesReceived: 0 });
    expect(cut.failures[0]).toMatchObject({ file: 'big.hl7', controlId: '' });
    expect(readdirSync(hospital.dir)).toEqual(['big.hl7']);

    folders.sftp.setFaults({});
    expect(await siu.run(hospital.id, { timeoutMs: 120_000 })).toMatchObject({
      status: 'succeeded',
      files: 1,
      messagesReceived: 1000,
      messagesProcessed: 1000,
      careFlowsStarted: 1000,
    });
    expect(readdirSync(join(hospital.dir, 'archive'))).toEqual(['big.hl7']);
  });

  it('a wrong password fails the run with its reason and touches nothing', async () => {
    const hospital = await siu.hospital(`siu-sim-${++keys}`);
    await siu.connect(hospital.id, {
      source: { ...hospital.source, password: 'not-the-password' },
      minFileAgeMs: 0,
      careFlowMap: [KNEE_RULE],
    });
    dropFile(hospital.dir, 'a.hl7', message(1));
    expect(await siu.run(hospital.id)).toMatchObject({
      status: 'failed',
      files: 0,
      error: expect.stringContaining('could not be opened'),
    });
    expect(readdirSync(hospital.dir)).toEqual(['a.hl7']);
  });
});
