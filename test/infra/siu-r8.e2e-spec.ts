import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  dropFile,
  siuMessage,
  startSiuSuite,
  tempDir,
  type SiuDriver,
  type SiuSuite,
} from '../e2e/siu.fixtures';

/**
 * QUALITY.md R8 on a directory source (the SFTP faults are in test/e2e/siu-sftp): files being written, an
 * archive that has disappeared, a malformed file, all in one day's drop; and an archive on a file system that
 * is full. Every file stays at the source or ends in the archive, and every message is accounted for in the
 * run reports, exactly once.
 */
describe('R8: SIU files are never lost (directory source)', () => {
  let suite: SiuSuite;
  let siu: SiuDriver;

  beforeAll(async () => {
    suite = await startSiuSuite();
    siu = suite.siu;
  });
  afterAll(() => suite?.close());

  const messages = (file: number, count: number) =>
    Array.from({ length: count }, (_, i) =>
      siuMessage({
        event: 'S12',
        controlId: `F${file}-${i}`,
        patientCode: `P${file}-${i}`,
        fillerId: `A${file}-${i}`,
      }),
    ).join('');

  it('being written, archive gone, malformed: every file kept or archived, every message counted once', async () => {
    const archive = join(tempDir('siu-r8-archive-'), 'archive');
    const hospital = await siu.hospital(`siu-r8-${Date.now()}`, {
      archivePath: archive,
      minFileAgeMs: 30_000,
    });
    dropFile(hospital.dir, '001.hl7', messages(1, 50));
    dropFile(hospital.dir, '002.hl7', messages(2, 50));
    // Garbage between good messages: lines before the first MSH and a damaged message fail alone.
    dropFile(
      hospital.dir,
      '003.hl7',
      Buffer.concat([
        Buffer.from([0xde, 0xad, 0x0a]),
        Buffer.from(messages(3, 10)),
        Buffer.from('MSH|^~\\&|X\r'),
      ]),
    );
    dropFile(hospital.dir, '004.hl7', messages(4, 50), { ageMs: 0 });

    // The archive is not there (an unmounted share): everything is stored and processed, nothing leaves.
    const first = await siu.run(hospital.id);
    expect(first).toMatchObject({
      status: 'failed',
      files: 3,
      messagesReceived: 112,
      messagesProcessed: 110,
      messagesFailed: 2,
    });
    // File-level problems (no message id) first, then the failed messages with the file they came from.
    expect(
      first.failures.map((failure: any) => [failure.file, failure.messageId ? 'message' : 'file']),
    ).toEqual([
      ['001.hl7', 'file'],
      ['002.hl7', 'file'],
      ['003.hl7', 'file'],
      ['003.hl7', 'message'],
      ['003.hl7', 'message'],
    ]);
    expect(first.failures[0].reason).toMatch(/archive failed.*ENOENT/);
    expect(readdirSync(hospital.dir).sort()).toEqual(['001.hl7', '002.hl7', '003.hl7', '004.hl7']);

    // The share is back: the stored files are archived, not read again; the young one still waits.
    mkdirSync(archive);
    const second = await siu.run(hospital.id);
    expect(second).toMatchObject({ status: 'succeeded', files: 0, messagesReceived: 0 });
    expect(readdirSync(archive).sort()).toEqual(['001.hl7', '002.hl7', '003.hl7']);
    expect(readdirSync(hospital.dir)).toEqual(['004.hl7']);

    // The last file is complete now (older than minFileAgeMs), but the archive goes away again mid-day.
    dropFile(hospital.dir, '004.hl7', messages(4, 50), { ageMs: 120_000 });
    rmSync(archive, { recursive: true });
    const third = await siu.run(hospital.id);
    expect(third).toMatchObject({ status: 'failed', files: 1, messagesProcessed: 50, messagesDuplicate: 0 });
    mkdirSync(archive);
    expect(await siu.run(hospital.id)).toMatchObject({ status: 'succeeded', files: 0 });
    expect(existsSync(join(archive, '004.hl7'))).toBe(true);

    // Exactly once: every good message made one patient with one care flow, and none twice.
    const runs = [first, second, third];
    const total = (field: string) => runs.reduce((sum, run) => sum + run[field], 0);
    expect({ patients: total('patientsCreated'), careFlows: total('careFlowsStarted') }).toEqual({
      patients: 160,
      careFlows: 160,
    });
    for (const code of ['P1-0', 'P2-49', 'P3-9', 'P4-25']) {
      expect((await siu.patient(hospital, code)).careFlows).toHaveLength(1);
    }
  });

  it('a full disk under the archive (a file system of its own): no partial copy, the file stays at the source, the next run only archives it', async () => {
    const archive = tempDir('siu-r8-full-');
    mountSmallFileSystem(archive, '64k');
    try {
      const hospital = await siu.hospital(`siu-r8-full-${Date.now()}`, { archivePath: archive });
      // About 200 kB: a third fits, then the file system is full.
      const path = dropFile(hospital.dir, 'day.hl7', messages(5, 400));
      const original = readFileSync(path);

      const failed = await siu.run(hospital.id);
      expect(failed).toMatchObject({
        status: 'failed',
        files: 1,
        messagesProcessed: 400,
        careFlowsStarted: 400,
      });
      expect(failed.failures).toEqual([
        { file: 'day.hl7', controlId: '', reason: expect.stringMatching(/archive failed.*ENOSPC/) },
      ]);
      expect(readdirSync(hospital.dir)).toEqual(['day.hl7']);
      expect(readdirSync(archive)).toEqual([]);

      execFileSync('mount', ['-o', 'remount,size=4m', archive]);
      await siu.runOnlyArchiving(hospital.id);
      expect(readdirSync(hospital.dir)).toEqual([]);
      expect(readFileSync(join(archive, 'day.hl7'))).toEqual(original);
      expect((await siu.patient(hospital, 'P5-399')).careFlows).toHaveLength(1);
    } finally {
      execFileSync('umount', [archive]);
    }
  });
});

/** A tmpfs of `size` at `path`: a disk that fills up for real (ENOSPC). Needs root, as CI runs. */
function mountSmallFileSystem(path: string, size: string): void {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `this R8 test mounts a small tmpfs to fill a disk for real and needs root (CI runs as root): ${
        (error as Error).message
      }`,
    );
  }
}
