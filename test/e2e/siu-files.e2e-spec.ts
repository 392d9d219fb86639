import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropFile, siuMessage, startSiuSuite, tempDir, type SiuDriver, type SiuSuite } from './siu.fixtures';

/**
 * The life of an SIU file (PRODUCT.md SIU section, QUALITY.md R8 on a directory source): taken only once
 * old enough and matching the pattern, its messages committed before it leaves the source, then archived
 * or deleted; never lost, never processed twice.
 */
describe('SIU files: pattern, age, archive, delete, failures', () => {
  let suite: SiuSuite;
  let siu: SiuDriver;
  let keys = 0;

  beforeAll(async () => {
    suite = await startSiuSuite();
    siu = suite.siu;
  });
  afterAll(() => suite?.close());

  const newHospital = (connection: Record<string, unknown> = {}) =>
    siu.hospital(`siu-files-${++keys}`, connection);
  const message = (i: number) => siuMessage({ event: 'S12', controlId: `F${i}`, patientCode: `P${i}` });

  it("archives processed files into the source's archive folder by default, keeping their names", async () => {
    const hospital = await newHospital();
    dropFile(hospital.dir, 'a.hl7', message(1));
    dropFile(hospital.dir, 'b.hl7', message(2));
    expect(await siu.run(hospital.id)).toMatchObject({ status: 'succeeded', files: 2, messagesProcessed: 2 });
    expect(readdirSync(hospital.dir).sort()).toEqual(['archive']);
    expect(readdirSync(join(hospital.dir, 'archive')).sort()).toEqual(['a.hl7', 'b.hl7']);
    expect(readFileSync(join(hospital.dir, 'archive', 'a.hl7'), 'utf8')).toBe(message(1));
    // The same name again is archived beside the first, never over it.
    dropFile(hospital.dir, 'a.hl7', message(3));
    await siu.run(hospital.id);
    const archived = readdirSync(join(hospital.dir, 'archive')).sort();
    expect(archived).toHaveLength(3);
    expect(
      archived
        .filter((name) => name.startsWith('a.hl7'))
        .map((name) => readFileSync(join(hospital.dir, 'archive', name), 'utf8'))
        .sort(),
    ).toEqual([message(1), message(3)].sort());
  });

  it('archives into a configured archive path, or deletes when configured so', async () => {
    const archivePath = tempDir('siu-archive-');
    const archiving = await newHospital({ archivePath });
    dropFile(archiving.dir, 'a.hl7', message(1));
    await siu.run(archiving.id);
    expect(readdirSync(archiving.dir)).toEqual([]);
    expect(readdirSync(archivePath)).toEqual(['a.hl7']);

    const deleting = await newHospital({ afterProcessing: 'delete' });
    dropFile(deleting.dir, 'a.hl7', message(1));
    expect(await siu.run(deleting.id)).toMatchObject({ status: 'succeeded', files: 1, careFlowsStarted: 1 });
    expect(readdirSync(deleting.dir)).toEqual([]);
  });

  it('leaves files younger than minFileAgeMs (still being written) and takes them once old enough', async () => {
    const hospital = await newHospital({ minFileAgeMs: 60_000 });
    const path = dropFile(hospital.dir, 'late.hl7', message(1).slice(0, 40), { ageMs: 0 });
    expect(await siu.run(hospital.id)).toMatchObject({ status: 'succeeded', files: 0, messagesReceived: 0 });
    expect(readdirSync(hospital.dir)).toEqual(['late.hl7']);
    // The hospital finished writing it a while ago.
    dropFile(hospital.dir, 'late.hl7', message(1), { ageMs: 120_000 });
    expect(existsSync(path)).toBe(true);
    expect(await siu.run(hospital.id)).toMatchObject({ files: 1, messagesProcessed: 1, messagesFailed: 0 });
  });

  it('takes only files matching the pattern; hidden files and folders are never read', async () => {
    const hospital = await newHospital({ filePattern: '*.hl7,SIU_????.txt' });
    dropFile(hospital.dir, 'a.hl7', message(1));
    dropFile(hospital.dir, 'SIU_0001.txt', message(2));
    dropFile(hospital.dir, 'notes.txt', 'not hl7');
    dropFile(hospital.dir, '.upload.hl7', message(3));
    mkdirSync(join(hospital.dir, 'folder.hl7'));
    expect(await siu.run(hospital.id)).toMatchObject({ files: 2, messagesProcessed: 2 });
    expect(readdirSync(hospital.dir).sort()).toEqual(['.upload.hl7', 'archive', 'folder.hl7', 'notes.txt']);
  });

  it('when the archive fails, the file stays at the source and the run says so; the next run only archives it', async () => {
    const missing = join(tempDir('siu-gone-'), 'archive-that-does-not-exist');
    const hospital = await newHospital({ archivePath: missing });
    dropFile(hospital.dir, 'day.hl7', message(1) + message(2));
    const failed = await siu.run(hospital.id);
    expect(failed).toMatchObject({ status: 'failed', files: 1, messagesProcessed: 2, careFlowsStarted: 2 });
    expect(failed.failures).toEqual([
      { file: 'day.hl7', controlId: '', reason: expect.stringMatching(/archive failed.*ENOENT/) },
    ]);
    expect(readdirSync(hospital.dir)).toEqual(['day.hl7']);

    mkdirSync(missing);
    await siu.runOnlyArchiving(hospital.id);
    expect(readdirSync(hospital.dir)).toEqual([]);
    expect(readdirSync(missing)).toEqual(['day.hl7']);
    expect((await siu.patient(hospital, 'P1')).careFlows).toHaveLength(1);
  });

  it('a file with the name of one left at the source but other content is a new file', async () => {
    const blocked = join(tempDir('siu-blocked-'), 'a-file-not-a-folder');
    writeFileSync(blocked, 'x');
    const hospital = await newHospital({ archivePath: blocked });
    dropFile(hospital.dir, 'day.hl7', message(1));
    expect(await siu.run(hospital.id)).toMatchObject({ status: 'failed', messagesProcessed: 1 });
    dropFile(hospital.dir, 'day.hl7', message(1) + message(2));
    expect(await siu.run(hospital.id)).toMatchObject({
      files: 1,
      messagesReceived: 2,
      messagesDuplicate: 1,
      careFlowsStarted: 1,
    });
  });

  it('a file holding no HL7 is reported by name, size and hash, never its content, and stays at the source (never lost)', async () => {
    const hospital = await newHospital();
    dropFile(hospital.dir, 'garbage.hl7', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x41, 0x42, 0x43]));
    dropFile(hospital.dir, 'ok.hl7', message(1));
    const run = await siu.run(hospital.id);
    // Issue 10: a file without one MSH is not a hospital's message; its bytes are never stored or shown.
    expect(run).toMatchObject({ status: 'failed', files: 2, messagesProcessed: 1, messagesFailed: 0 });
    expect(run.failures).toEqual([
      expect.objectContaining({
        file: 'garbage.hl7',
        reason: expect.stringMatching(/no HL7 message \(8 bytes, sha256 [0-9a-f]{64}\)/),
      }),
    ]);
    expect(readdirSync(join(hospital.dir, 'archive')).sort()).toEqual(['ok.hl7']);
    expect(readdirSync(hospital.dir).sort()).toEqual(['archive', 'garbage.hl7']);
  });

  it('a file that cannot be split (a line over 16 MiB) is not stored, is reported, and stays at the source', async () => {
    const hospital = await newHospital();
    dropFile(
      hospital.dir,
      'huge.hl7',
      Buffer.concat([
        Buffer.from('MSH|^~\\&|A|B|||||SIU^S12|1|P|2.5\rNTE|'),
        Buffer.alloc(17 * 1024 * 1024, 0x41),
      ]),
    );
    dropFile(hospital.dir, 'ok.hl7', message(1));
    const run = await siu.run(hospital.id);
    expect(run).toMatchObject({ status: 'failed', files: 1, messagesReceived: 1, messagesProcessed: 1 });
    expect(run.failures).toEqual([
      { file: 'huge.hl7', controlId: '', reason: expect.stringContaining('larger than') },
    ]);
    expect(readdirSync(hospital.dir).sort()).toEqual(['archive', 'huge.hl7']);
  });

  it('an unreadable source fails the run with its reason and loses nothing', async () => {
    const hospital = await newHospital();
    dropFile(hospital.dir, 'a.hl7', message(1));
    await siu.connect(hospital.id, {
      source: { type: 'directory', path: join(hospital.dir, 'nowhere') },
      minFileAgeMs: 0,
      careFlowMap: [],
    });
    const run = await siu.run(hospital.id);
    expect(run).toMatchObject({
      status: 'failed',
      files: 0,
      error: expect.stringMatching(/could not be listed.*ENOENT/),
    });
    expect(readdirSync(hospital.dir)).toEqual(['a.hl7']);
  });
});
