import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { KNEE_RULE, SiuDriver, dropFile, siuBatch, siuMessage, type Hospital } from '../e2e/siu.fixtures';
import { CuttingProxy, startSshd, type Sshd } from './siu-sshd';

/**
 * SIU over SFTP against OpenSSH's sshd on loopback (throwaway keys, host key pinned), through the public
 * API: the rules that depend on the source (order, batches, duplicates, archive, delete, age) and the
 * faults of QUALITY.md R8 that only a network source has (a connection cut in the middle of a download).
 */
describe('SIU over SFTP (OpenSSH sshd on loopback)', () => {
  let platform: TestPlatform;
  let siu: SiuDriver;
  let sshd: Sshd;
  let keys = 0;

  beforeAll(async () => {
    sshd = await startSshd();
    platform = await startTestPlatform();
    const api = new Api(platform);
    siu = new SiuDriver(api, await api.adminToken());
  });
  afterAll(async () => {
    await platform?.close();
    await sshd?.stop();
  });

  /** A hospital whose SIU source is a fresh folder served by sshd. */
  async function sftpHospital(connection: Record<string, unknown> = {}, options: { port?: number } = {}) {
    const key = `siu-sftp-${++keys}`;
    const hospital: Hospital = await siu.api.createHospital(key);
    const dir = join(sshd.root, key);
    mkdirSync(dir);
    const source = {
      type: 'sftp',
      host: '127.0.0.1',
      port: options.port ?? sshd.port,
      username: sshd.username,
      privateKey: sshd.privateKey,
      hostKeySha256: sshd.hostKeySha256,
      path: dir,
    };
    await siu.connect(hospital.id, { source, minFileAgeMs: 0, careFlowMap: [KNEE_RULE], ...connection });
    return { ...hospital, dir, source };
  }

  const careFlowsOf = async (hospital: Hospital, code: string) =>
    (await siu.patient(hospital, code))?.careFlows ?? [];

  it('takes files in byte-wise order, splits batches, skips duplicates and archives on the server', async () => {
    const hospital = await sftpHospital();
    dropFile(
      hospital.dir,
      'B.hl7',
      siuMessage({ event: 'S15', controlId: '1', patientCode: 'P1', fillerId: 'A1' }),
    );
    dropFile(
      hospital.dir,
      'a.hl7',
      siuMessage({ event: 'S12', controlId: '2', patientCode: 'P1', fillerId: 'A1' }),
    );
    const start = siuMessage({ event: 'S12', controlId: '3', patientCode: 'P2', fillerId: 'A2' });
    dropFile(
      hospital.dir,
      'c.hl7',
      siuBatch([
        start,
        start,
        siuMessage({
          event: 'S14',
          controlId: '4',
          patientCode: 'P2',
          fillerId: 'A2',
          tq1Start: '20260601090000',
        }),
      ]),
    );
    const run = await siu.run(hospital.id);
    expect(run).toMatchObject({
      status: 'succeeded',
      files: 3,
      messagesReceived: 5,
      messagesProcessed: 5,
      messagesDuplicate: 1,
      careFlowsStarted: 2,
      careFlowsUpdated: 1,
      careFlowsStopped: 0,
    });
    expect((await careFlowsOf(hospital, 'P1')).map((flow: any) => flow.status)).toEqual(['active']);
    expect((await careFlowsOf(hospital, 'P2'))[0].baseline.appointmentDate).toBe('2026-06-01T09:00');
    expect(readdirSync(hospital.dir)).toEqual(['archive']);
    expect(readdirSync(join(hospital.dir, 'archive')).sort()).toEqual(['B.hl7', 'a.hl7', 'c.hl7']);
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
    const proxy = new CuttingProxy(sshd.port);
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
