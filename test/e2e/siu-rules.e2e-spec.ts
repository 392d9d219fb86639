import type { Api } from '../support/api';
import { openSiuFolders, type SiuSourceKind } from '../support/siu-folders';
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
 * HL7-RULES 19-28 through the public API only: an SIU connection on a folder, files dropped there,
 * POST siu-runs, the run report, then the patients and care flows the Care app sees. Every rule is run on
 * both kinds of source: a directory, and SFTP (see openSiuFolders for which server).
 */
describe.each<SiuSourceKind>(['directory', 'sftp'])(
  'SIU files drive care flows by HL7-RULES 19-28 (%s source)',
  (kind) => {
    let suite: SiuSuite;
    let api: Api;
    let siu: SiuDriver;
    let keys = 0;

    beforeAll(async () => {
      suite = await startSiuSuite(await openSiuFolders(kind));
      ({ api, siu } = suite);
    });
    afterAll(() => suite?.close());

    const newHospital = (connection: Record<string, unknown> = {}) =>
      siu.hospital(`siu-rules-${kind}-${++keys}`, connection);

    async function careFlowsOf(hospital: Hospital, patientCode: string): Promise<any[]> {
      return (await siu.patient(hospital, patientCode))?.careFlows ?? [];
    }

    describe('rule 19: files in byte-wise name order, messages in file order, batches and concatenations', () => {
      it('takes files in byte-wise (UTF-8) order of their names, not a locale or UTF-16 order', async () => {
        const hospital = await newHospital();
        // UTF-16 puts U+1F600 (a surrogate pair, D83D) before U+FF21; UTF-8 puts EF BC A1 before F0 9F 98 80.
        dropFile(
          hospital.dir,
          '\uFF21.hl7',
          siuMessage({ event: 'S12', controlId: 'U1', patientCode: 'P1', fillerId: 'A1' }),
        );
        dropFile(
          hospital.dir,
          '\u{1F600}.hl7',
          siuMessage({ event: 'S15', controlId: 'U2', patientCode: 'P1', fillerId: 'A1' }),
        );
        // A locale sort puts `a` before `B`; bytes put `B` (0x42) first: the stop comes first and does nothing.
        dropFile(
          hospital.dir,
          'B.hl7',
          siuMessage({ event: 'S15', controlId: 'L1', patientCode: 'P2', fillerId: 'A2' }),
        );
        dropFile(
          hospital.dir,
          'a.hl7',
          siuMessage({ event: 'S12', controlId: 'L2', patientCode: 'P2', fillerId: 'A2' }),
        );
        const run = await siu.run(hospital.id);
        expect(run).toMatchObject({
          status: 'succeeded',
          files: 4,
          messagesProcessed: 4,
          careFlowsStarted: 2,
          careFlowsStopped: 1,
        });
        expect((await careFlowsOf(hospital, 'P1')).map((flow) => flow.status)).toEqual(['stopped']);
        expect((await careFlowsOf(hospital, 'P2')).map((flow) => flow.status)).toEqual(['active']);
      });

      it('applies the messages of a file in file order, whatever order the consumers take them in', async () => {
        const hospital = await newHospital();
        const messages: string[] = [];
        for (let i = 0; i < 40; i += 1) {
          // Each appointment is booked, moved, cancelled; every fifth is booked again after the cancel.
          messages.push(
            siuMessage({ event: 'S12', controlId: `S${i}`, patientCode: `P${i}`, fillerId: `A${i}` }),
          );
          messages.push(
            siuMessage({
              event: 'S14',
              controlId: `M${i}`,
              patientCode: `P${i}`,
              fillerId: `A${i}`,
              tq1Start: '20260501080000',
            }),
          );
          messages.push(
            siuMessage({ event: 'S15', controlId: `C${i}`, patientCode: `P${i}`, fillerId: `A${i}` }),
          );
        }
        dropFile(hospital.dir, 'day.hl7', messages.join(''));
        const run = await siu.run(hospital.id);
        expect(run).toMatchObject({
          messagesProcessed: 120,
          careFlowsStarted: 40,
          careFlowsUpdated: 40,
          careFlowsStopped: 40,
        });
        for (const i of [0, 17, 39]) {
          const [flow] = await careFlowsOf(hospital, `P${i}`);
          expect(flow).toMatchObject({
            status: 'stopped',
            baseline: expect.objectContaining({ appointmentDate: '2026-05-01T08:00' }),
          });
        }
      });

      it('splits FHS/BHS batches and concatenated messages, whatever the line terminator; envelopes are not messages', async () => {
        const hospital = await newHospital();
        const three = [1, 2, 3].map((i) =>
          siuMessage({ event: 'S12', controlId: `B${i}`, patientCode: `PB${i}` }),
        );
        dropFile(hospital.dir, 'batch.hl7', siuBatch(three));
        const concatenated = [4, 5].map((i) =>
          siuMessage({ event: 'S12', controlId: `B${i}`, patientCode: `PB${i}` }),
        );
        dropFile(hospital.dir, 'concat.hl7', concatenated.join('').replace(/\r/g, '\r\n') + '\n\n');
        const run = await siu.run(hospital.id);
        expect(run).toMatchObject({
          files: 2,
          messagesReceived: 5,
          messagesProcessed: 5,
          messagesFailed: 0,
          careFlowsStarted: 5,
        });
        for (const i of [1, 2, 3, 4, 5]) expect(await careFlowsOf(hospital, `PB${i}`)).toHaveLength(1);
      });
    });

    describe('rule 20: the action comes from the event map (defaults, or the hospital’s)', () => {
      it('applies the defaults: S12 start, S13/S14 update, S15/S17 stop, S26 and unknown events ignored', async () => {
        const hospital = await newHospital();
        const m = (event: string, controlId: string, fillerId: string, extra = {}) =>
          siuMessage({ event, controlId, patientCode: `P-${fillerId}`, fillerId, ...extra });
        dropFile(
          hospital.dir,
          'events.hl7',
          [
            m('S12', '1', 'A'),
            m('S13', '2', 'A', { tq1Start: '20260601100000' }),
            m('S12', '3', 'B'),
            m('S17', '4', 'B'),
            m('S12', '5', 'C'),
            m('S26', '6', 'C'),
            m('S16', '7', 'C'),
            m('S14', '8', 'D'),
          ].join(''),
        );
        const run = await siu.run(hospital.id);
        expect(run).toMatchObject({
          messagesProcessed: 8,
          careFlowsStarted: 4,
          careFlowsUpdated: 1,
          careFlowsStopped: 1,
        });
        expect(await careFlowsOf(hospital, 'P-A')).toMatchObject([
          { status: 'active', baseline: expect.objectContaining({ appointmentDate: '2026-06-01T10:00' }) },
        ]);
        expect(await careFlowsOf(hospital, 'P-B')).toMatchObject([
          { status: 'stopped', stopReason: expect.stringContaining('S17') },
        ]);
        expect(await careFlowsOf(hospital, 'P-C')).toMatchObject([{ status: 'active' }]);
        expect(await careFlowsOf(hospital, 'P-D')).toMatchObject([{ status: 'active' }]);
      });

      it("follows the hospital's event map over the defaults", async () => {
        const hospital = await newHospital({ eventMap: { S14: 'ignore', S26: 'stop' } });
        dropFile(
          hospital.dir,
          'events.hl7',
          [
            siuMessage({ event: 'S12', controlId: '1', patientCode: 'P1', fillerId: 'A1' }),
            siuMessage({
              event: 'S14',
              controlId: '2',
              patientCode: 'P1',
              fillerId: 'A1',
              tq1Start: '20300101000000',
            }),
            siuMessage({ event: 'S12', controlId: '3', patientCode: 'P2', fillerId: 'A2' }),
            siuMessage({ event: 'S26', controlId: '4', patientCode: 'P2', fillerId: 'A2' }),
          ].join(''),
        );
        const run = await siu.run(hospital.id);
        expect(run).toMatchObject({ careFlowsStarted: 2, careFlowsUpdated: 0, careFlowsStopped: 1 });
        expect((await careFlowsOf(hospital, 'P1'))[0].baseline.appointmentDate).toBe('2026-04-15T09:30');
        expect((await careFlowsOf(hospital, 'P2'))[0].status).toBe('stopped');
      });
    });

    it('rule 21: the appointment id is SCH-2.1, else SCH-1.1; a message with neither fails', async () => {
      const hospital = await newHospital();
      dropFile(
        hospital.dir,
        'ids.hl7',
        [
          siuMessage({
            event: 'S12',
            controlId: '1',
            patientCode: 'P1',
            fillerId: 'FIL-1',
            placerId: 'PLC-1',
          }),
          siuMessage({ event: 'S12', controlId: '2', patientCode: 'P2', fillerId: '', placerId: 'PLC-2' }),
          siuMessage({ event: 'S12', controlId: '3', patientCode: 'P3', fillerId: '', placerId: '' }),
        ].join(''),
      );
      const run = await siu.run(hospital.id);
      expect(run).toMatchObject({ messagesProcessed: 2, messagesFailed: 1 });
      expect(run.failures).toEqual([
        expect.objectContaining({ file: 'ids.hl7', controlId: '3', reason: expect.stringMatching(/SCH-2/) }),
      ]);
      expect((await careFlowsOf(hospital, 'P1'))[0].source).toMatchObject({
        kind: 'siu',
        appointmentId: 'FIL-1',
      });
      expect((await careFlowsOf(hospital, 'P2'))[0].source).toMatchObject({
        kind: 'siu',
        appointmentId: 'PLC-2',
      });
    });

    it('rule 22: appointmentDate is TQ1-7, else SCH-11.4, else AIS-4, in the hospital wall-clock time', async () => {
      const hospital = await newHospital();
      dropFile(
        hospital.dir,
        'dates.hl7',
        [
          // 00:30 at +02:00 is the previous day in UTC: the wall-clock date and time are kept.
          siuMessage({
            event: 'S12',
            controlId: '1',
            patientCode: 'P1',
            tq1Start: '20260415003000+0200',
            schStart: '20990101',
            aisStart: '20990101',
          }),
          siuMessage({
            event: 'S12',
            controlId: '2',
            patientCode: 'P2',
            tq1Start: null,
            schStart: '202604161400',
            aisStart: '20990101',
          }),
          siuMessage({
            event: 'S12',
            controlId: '3',
            patientCode: 'P3',
            tq1Start: null,
            aisStart: '20260417101500-0500',
          }),
          siuMessage({ event: 'S12', controlId: '4', patientCode: 'P4', tq1Start: null }),
          siuMessage({ event: 'S12', controlId: '5', patientCode: 'P5', tq1Start: '20260418' }),
        ].join(''),
      );
      await siu.run(hospital.id);
      const dateOf = async (code: string) => (await careFlowsOf(hospital, code))[0].baseline.appointmentDate;
      expect(await dateOf('P1')).toBe('2026-04-15T00:30');
      expect(await dateOf('P2')).toBe('2026-04-16T14:00');
      expect(await dateOf('P3')).toBe('2026-04-17T10:15');
      expect(await dateOf('P4')).toBeUndefined();
      // A date without a time stays a date (libs/hl7 does not invent 00:00).
      expect(await dateOf('P5')).toBe('2026-04-18');
      // The rest of the SIU baseline (PRODUCT.md CareFlow): type, physician code, location.
      expect((await careFlowsOf(hospital, 'P1'))[0].baseline).toEqual({
        appointmentDate: '2026-04-15T00:30',
        appointmentType: 'Knee consult',
        physicianCode: 'DR1',
        location: 'ORTHO-POLI / Room 3',
      });
    });

    it('rule 23: the first matching care-flow rule chooses the care flow; no match creates the patient only', async () => {
      const admin = siu.admin;
      const hospital = await newHospital({
        careFlowMap: [
          { field: 'AIS-3.1', value: 'HIP', careFlowDefinitionKey: 'hip-replacement' },
          KNEE_RULE,
          { field: 'SCH-7.1', value: 'CONSULT', careFlowDefinitionKey: 'hip-replacement' },
        ],
      });
      await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/care-flow-definitions`, {
        token: admin,
        body: { key: 'hip-replacement', title: 'Hip', baseline: [] },
      });
      dropFile(
        hospital.dir,
        'map.hl7',
        [
          siuMessage({ event: 'S12', controlId: '1', patientCode: 'P1', service: 'HIP' }),
          siuMessage({ event: 'S12', controlId: '2', patientCode: 'P2', service: 'KNEE' }),
          // KNEE is listed before the SCH-7 rule that also matches: the first rule wins.
          siuMessage({ event: 'S12', controlId: '3', patientCode: 'P3', service: 'EYE' }),
        ].join(''),
      );
      const unmapped = await siu.hospital(`siu-rules-${kind}-${++keys}`, { careFlowMap: [KNEE_RULE] });
      dropFile(
        unmapped.dir,
        'none.hl7',
        siuMessage({ event: 'S12', controlId: '9', patientCode: 'P9', service: 'EYE' }),
      );
      const run = await siu.run(hospital.id);
      expect(run).toMatchObject({ messagesProcessed: 3, careFlowsStarted: 3 });
      expect((await careFlowsOf(hospital, 'P1'))[0].definitionKey).toBe('hip-replacement');
      expect((await careFlowsOf(hospital, 'P2'))[0].definitionKey).toBe('knee-replacement');
      expect((await careFlowsOf(hospital, 'P3'))[0].definitionKey).toBe('hip-replacement');
      const none = await siu.run(unmapped.id);
      expect(none).toMatchObject({
        messagesProcessed: 1,
        messagesFailed: 0,
        patientsCreated: 1,
        careFlowsStarted: 0,
      });
      expect(await siu.patient(unmapped, 'P9')).toMatchObject({ firstName: 'Els', careFlows: [] });
    });

    it("rule 24: the physician comes from the hospital's physician field; an unknown code is kept without a user", async () => {
      const byDefault = await newHospital();
      dropFile(
        byDefault.dir,
        'doctors.hl7',
        [
          siuMessage({
            event: 'S12',
            controlId: '1',
            patientCode: 'P1',
            aip: 'DR1',
            aig: 'DR9',
            pv1Doctor: 'DR8',
          }),
          siuMessage({ event: 'S12', controlId: '2', patientCode: 'P2', aip: 'DR404' }),
        ].join(''),
      );
      await siu.run(byDefault.id);
      expect((await careFlowsOf(byDefault, 'P1'))[0]).toMatchObject({
        physicianId: byDefault.physicianId,
        physicianCode: 'DR1',
      });
      const unknown = (await careFlowsOf(byDefault, 'P2'))[0];
      expect(unknown.physicianCode).toBe('DR404');
      expect(unknown).not.toHaveProperty('physicianId');
      expect(unknown.baseline.physicianCode).toBe('DR404');

      for (const [physicianField, spec] of [
        ['AIG-3.1', { aip: 'DR9', aig: 'DR1' }],
        ['PV1-7.1', { aip: 'DR9', pv1Doctor: 'DR1' }],
      ] as const) {
        const hospital = await newHospital({ physicianField });
        dropFile(
          hospital.dir,
          'x.hl7',
          siuMessage({ event: 'S12', controlId: '1', patientCode: 'P1', ...spec }),
        );
        await siu.run(hospital.id);
        expect((await careFlowsOf(hospital, 'P1'))[0]).toMatchObject({
          physicianId: hospital.physicianId,
          physicianCode: 'DR1',
        });
      }
    });

    describe('rule 25: start, update, stop, ignore — out of order is normal', () => {
      it('a start of a known appointment changes nothing; an update re-reads baseline and physician', async () => {
        const hospital = await newHospital();
        dropFile(
          hospital.dir,
          '1.hl7',
          siuMessage({ event: 'S12', controlId: '1', patientCode: 'P1', fillerId: 'A1' }),
        );
        await siu.run(hospital.id);
        const [started] = await careFlowsOf(hospital, 'P1');
        dropFile(
          hospital.dir,
          '2.hl7',
          siuMessage({
            event: 'S12',
            controlId: '2',
            patientCode: 'P1',
            fillerId: 'A1',
            tq1Start: '20300101000000',
          }),
        );
        expect(await siu.run(hospital.id)).toMatchObject({
          messagesProcessed: 1,
          careFlowsStarted: 0,
          careFlowsUpdated: 0,
        });
        expect(await careFlowsOf(hospital, 'P1')).toEqual([started]);
        dropFile(
          hospital.dir,
          '3.hl7',
          siuMessage({
            event: 'S13',
            controlId: '3',
            patientCode: 'P1',
            fillerId: 'A1',
            tq1Start: '20260420111500',
            aip: 'DR77',
          }),
        );
        expect(await siu.run(hospital.id)).toMatchObject({ careFlowsUpdated: 1 });
        const [updated] = await careFlowsOf(hospital, 'P1');
        expect(updated).toMatchObject({ id: started.id, status: 'active', physicianCode: 'DR77' });
        expect(updated).not.toHaveProperty('physicianId');
        expect(updated.baseline).toMatchObject({
          appointmentDate: '2026-04-20T11:15',
          physicianCode: 'DR77',
        });
      });

      it('an update of an unknown appointment starts it; a stop of an unknown one is a successful no-op; ignore does nothing', async () => {
        const hospital = await newHospital();
        dropFile(
          hospital.dir,
          'ooo.hl7',
          [
            siuMessage({
              event: 'S14',
              controlId: '1',
              patientCode: 'P1',
              fillerId: 'A1',
              tq1Start: '20260502090000',
            }),
            siuMessage({
              event: 'S12',
              controlId: '2',
              patientCode: 'P1',
              fillerId: 'A1',
              tq1Start: '20990101000000',
            }),
            siuMessage({ event: 'S15', controlId: '3', patientCode: 'P2', fillerId: 'A2' }),
            siuMessage({ event: 'S26', controlId: '4', patientCode: 'P3', fillerId: 'A3' }),
          ].join(''),
        );
        const run = await siu.run(hospital.id);
        expect(run).toMatchObject({
          messagesProcessed: 4,
          messagesFailed: 0,
          careFlowsStarted: 1,
          careFlowsStopped: 0,
          patientsCreated: 3,
        });
        expect(await careFlowsOf(hospital, 'P1')).toMatchObject([
          { status: 'active', baseline: expect.objectContaining({ appointmentDate: '2026-05-02T09:00' }) },
        ]);
        expect(await careFlowsOf(hospital, 'P2')).toEqual([]);
        expect(await careFlowsOf(hospital, 'P3')).toEqual([]);
      });

      it('a stop stops the known appointment’s care flow, and a later start of it changes nothing', async () => {
        const hospital = await newHospital();
        dropFile(
          hospital.dir,
          '1.hl7',
          siuMessage({ event: 'S12', controlId: '1', patientCode: 'P1', fillerId: 'A1' }),
        );
        await siu.run(hospital.id);
        dropFile(
          hospital.dir,
          '2.hl7',
          [
            siuMessage({ event: 'S15', controlId: '2', patientCode: 'P1', fillerId: 'A1' }),
            siuMessage({ event: 'S12', controlId: '3', patientCode: 'P1', fillerId: 'A1' }),
          ].join(''),
        );
        expect(await siu.run(hospital.id)).toMatchObject({ careFlowsStarted: 0, careFlowsStopped: 1 });
        expect(await careFlowsOf(hospital, 'P1')).toMatchObject([
          { status: 'stopped', stopReason: expect.stringContaining('S15') },
        ]);
      });
    });

    it('rule 26: a message that cannot be processed fails alone, reported with its MSH-10; the file goes on', async () => {
      const hospital = await newHospital();
      dropFile(
        hospital.dir,
        'mixed.hl7',
        [
          siuMessage({ event: 'S12', controlId: 'OK1', patientCode: 'P1' }),
          siuMessage({ event: 'S12', controlId: 'NOPID', patientCode: 'x', pid: 'PID|1||||Peeters^Els' }),
          'MSH|^~\\&|AGENDA|AZTEST|CAREFLOW|BRIDGE|20260401||SIU^S12|TRUNC|P|2.5\r',
          siuMessage({ event: 'S12', controlId: 'NONAME', patientCode: 'P4', pid: 'PID|1||P4^^^AZTEST^MR' }),
          siuMessage({ event: 'S12', controlId: 'OK2', patientCode: 'P2' }),
        ].join(''),
      );
      const run = await siu.run(hospital.id);
      expect(run).toMatchObject({
        status: 'succeeded',
        messagesReceived: 5,
        messagesProcessed: 2,
        messagesFailed: 3,
        careFlowsStarted: 2,
      });
      expect(run.failures.map((failure: any) => [failure.file, failure.controlId])).toEqual([
        ['mixed.hl7', 'NOPID'],
        ['mixed.hl7', 'TRUNC'],
        ['mixed.hl7', 'NONAME'],
      ]);
      for (const failure of run.failures) expect(failure.reason).not.toMatch(/Peeters|Els/);
      // Without side effects: the failed ones created nothing.
      expect(await siu.patient(hospital, 'P4')).toBeUndefined();
      expect(await careFlowsOf(hospital, 'P1')).toHaveLength(1);
      expect(await careFlowsOf(hospital, 'P2')).toHaveLength(1);
    });

    it("rule 10: the patient code follows the hospital's patientIdTypes (Epic's MRN with the defaults)", async () => {
      // Epic types its record number MRN; an IHE-style PI follows it in PID-3.
      const epic = siuMessage({
        event: 'S12',
        controlId: 'EPIC1',
        patientCode: 'E1',
        pid: 'PID|1||E1^^^EPIC^MRN~PI-E1^^^AZTEST^PI||Peeters^Els^^^^^L||19800214|F',
      });
      const byDefault = await newHospital();
      const piFirst = await newHospital({ patientIdTypes: ['PI', 'MRN'] });
      const mrOnly = await newHospital({ patientIdTypes: ['MR'] });
      for (const hospital of [byDefault, piFirst, mrOnly]) dropFile(hospital.dir, 'epic.hl7', epic);
      expect(await siu.run(byDefault.id)).toMatchObject({ messagesProcessed: 1, careFlowsStarted: 1 });
      expect(await careFlowsOf(byDefault, 'E1')).toHaveLength(1);
      expect(await siu.run(piFirst.id)).toMatchObject({ messagesProcessed: 1, careFlowsStarted: 1 });
      expect(await careFlowsOf(piFirst, 'PI-E1')).toHaveLength(1);
      expect(await siu.patient(piFirst, 'E1')).toBeUndefined();
      const refused = await siu.run(mrOnly.id);
      expect(refused).toMatchObject({ messagesProcessed: 0, messagesFailed: 1 });
      expect(refused.failures.map((failure: any) => failure.controlId)).toEqual(['EPIC1']);
    });

    it('drops an optional PID value the push API would refuse (an e-mail that is not one) and applies the message', async () => {
      const hospital = await newHospital();
      const pid = (code: string, email: string) =>
        `PID|1||${code}^^^AZTEST^MR||Peeters^Els^^^^^L||19800214|F|||||^NET^Internet^${email}`;
      dropFile(
        hospital.dir,
        'emails.hl7',
        siuMessage({ event: 'S12', controlId: '1', patientCode: 'PE1', pid: pid('PE1', 'not-an-email') }) +
          siuMessage({ event: 'S12', controlId: '2', patientCode: 'PE2', pid: pid('PE2', 'els@example.be') }),
      );
      expect(await siu.run(hospital.id)).toMatchObject({
        messagesProcessed: 2,
        messagesFailed: 0,
        careFlowsStarted: 2,
      });
      const dropped = await siu.patient(hospital, 'PE1');
      expect(dropped).not.toHaveProperty('email');
      expect(dropped.careFlows).toHaveLength(1);
      expect(await siu.patient(hospital, 'PE2')).toMatchObject({ email: 'els@example.be' });
    });

    describe('rule 27: duplicates by (MSH-3, MSH-4, MSH-10) change nothing', () => {
      it('counts a repeated message as processed and duplicate; another sender with the same MSH-10 is no duplicate', async () => {
        const hospital = await newHospital();
        const message = siuMessage({ event: 'S12', controlId: 'SAME', patientCode: 'P1', fillerId: 'A1' });
        dropFile(
          hospital.dir,
          'dup.hl7',
          [
            message,
            message,
            siuMessage({
              event: 'S12',
              controlId: 'SAME',
              patientCode: 'P2',
              fillerId: 'A2',
              sendingApplication: 'OTHER',
            }),
          ].join(''),
        );
        const run = await siu.run(hospital.id);
        expect(run).toMatchObject({
          messagesProcessed: 3,
          messagesDuplicate: 1,
          careFlowsStarted: 2,
          patientsCreated: 2,
        });
        expect(await careFlowsOf(hospital, 'P1')).toHaveLength(1);
      });

      it('a message that failed holds no key: sent again once the cause is fixed, it is processed, then duplicates follow', async () => {
        const hospital = await newHospital({
          careFlowMap: [{ field: 'AIS-3.1', value: 'EYE', careFlowDefinitionKey: 'cataract' }],
        });
        const message = siuMessage({ event: 'S12', controlId: 'EYE1', patientCode: 'P1', service: 'EYE' });
        dropFile(hospital.dir, 'day1.hl7', message);
        expect(await siu.run(hospital.id)).toMatchObject({
          messagesProcessed: 0,
          messagesFailed: 1,
          failures: [
            expect.objectContaining({ reason: expect.stringContaining('CARE_FLOW_DEFINITION_NOT_FOUND') }),
          ],
        });
        await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/care-flow-definitions`, {
          token: siu.admin,
          body: { key: 'cataract', title: 'Cataract', baseline: [] },
        });
        dropFile(hospital.dir, 'day2.hl7', message);
        expect(await siu.run(hospital.id)).toMatchObject({
          messagesProcessed: 1,
          messagesDuplicate: 0,
          careFlowsStarted: 1,
        });
        dropFile(hospital.dir, 'day3.hl7', message);
        expect(await siu.run(hospital.id)).toMatchObject({
          messagesProcessed: 1,
          messagesDuplicate: 1,
          careFlowsStarted: 0,
        });
        expect(await careFlowsOf(hospital, 'P1')).toMatchObject([
          { definitionKey: 'cataract', status: 'active' },
        ]);
      });

      it('a file dropped again after it was processed changes nothing', async () => {
        const hospital = await newHospital();
        const content = [1, 2, 3]
          .map((i) => siuMessage({ event: 'S12', controlId: `D${i}`, patientCode: `P${i}` }))
          .join('');
        dropFile(hospital.dir, 'day.hl7', content);
        expect(await siu.run(hospital.id)).toMatchObject({
          files: 1,
          messagesProcessed: 3,
          careFlowsStarted: 3,
        });
        const before = await careFlowsOf(hospital, 'P1');
        dropFile(hospital.dir, 'day.hl7', content);
        const again = await siu.run(hospital.id);
        expect(again).toMatchObject({
          status: 'succeeded',
          files: 1,
          messagesProcessed: 3,
          messagesDuplicate: 3,
          patientsCreated: 0,
          careFlowsStarted: 0,
        });
        expect(await careFlowsOf(hospital, 'P1')).toEqual(before);
      });
    });

    it('rule 28: processed counts ignored, unmapped, stops of unknown appointments and duplicates; failed counts failures', async () => {
      const hospital = await newHospital();
      const start = siuMessage({ event: 'S12', controlId: '1', patientCode: 'P1' });
      dropFile(
        hospital.dir,
        'counts.hl7',
        [
          start,
          start,
          siuMessage({ event: 'S26', controlId: '2', patientCode: 'P2' }),
          siuMessage({ event: 'S12', controlId: '3', patientCode: 'P3', service: 'UNMAPPED' }),
          siuMessage({ event: 'S15', controlId: '4', patientCode: 'P4' }),
          siuMessage({ event: 'S12', controlId: '5', patientCode: 'x', pid: 'PID|1' }),
        ].join(''),
      );
      expect(await siu.run(hospital.id)).toMatchObject({
        status: 'succeeded',
        messagesReceived: 6,
        messagesProcessed: 5,
        messagesDuplicate: 1,
        messagesFailed: 1,
        patientsCreated: 4,
        careFlowsStarted: 1,
        careFlowsUpdated: 0,
        careFlowsStopped: 0,
        failures: [expect.objectContaining({ controlId: '5' })],
      });
    });
  },
);
