import { seg, siu } from '../__fixtures__/hl7-fixtures';
import { Hl7ParseError } from '../model/hl7.errors';
import { parseHl7 } from '../model/hl7.parser';
import { DEFAULT_SIU_EVENT_MAP, readSiuMessage } from './siu-message.reader';
import type { SiuSettings } from './siu.types';

const settings: SiuSettings = {
  physicianField: 'AIP-3.1',
  careFlowMap: [
    { field: 'AIS-3.1', value: 'HIP', careFlowDefinitionKey: 'hip-replacement' },
    { field: 'AIS-3.1', value: 'KNEE', careFlowDefinitionKey: 'knee-replacement' },
    { field: 'SCH-7.1', value: 'FOLLOWUP', careFlowDefinitionKey: 'follow-up' },
  ],
  patientIdAuthority: 'AZSTJAN',
};

const read = (text: string, overrides: Partial<SiuSettings> = {}) =>
  readSiuMessage(parseHl7(text), { ...settings, ...overrides });

function failure(text: string): Hl7ParseError {
  try {
    read(text);
  } catch (error) {
    if (error instanceof Hl7ParseError) return error;
    throw error;
  }
  throw new Error('expected an Hl7ParseError');
}

describe('readSiuMessage', () => {
  it('reads an S12', () => {
    expect(read(siu({ event: 'S12', controlId: 'SIU0001' }))).toEqual({
      event: 'S12',
      action: 'start',
      appointmentId: 'FIL200',
      appointmentDate: '2024-04-15T09:30',
      appointmentType: 'Knee replacement consult',
      location: 'ORTHO-POLI / Room 3',
      fillerStatus: 'Booked',
      physicianCode: 'DR123',
      careFlowDefinitionKey: 'knee-replacement',
      patient: {
        patientCode: '000123456',
        visitNumber: 'V2024-0042',
        lastName: 'Dubois-Lemaître',
        firstName: 'Françoise',
        birthDate: '1983-12-25',
        sex: 'female',
        identifiers: [{ system: 'AZSTJAN', value: '000123456', type: 'MR' }],
      },
      controlId: 'SIU0001',
      sendingApplication: 'AGENDA',
      sendingFacility: 'AZSTJAN',
    });
  });

  describe('rule 20: event and action', () => {
    it.each([
      ['S12', 'start'],
      ['S13', 'update'],
      ['S14', 'update'],
      ['S15', 'stop'],
      ['S17', 'stop'],
      ['S26', 'ignore'],
      ['S16', 'ignore'],
      ['S99', 'ignore'],
    ])('maps %s to %s by default', (event, action) => {
      expect(read(siu({ event, controlId: 'C' })).action).toBe(action);
      expect(DEFAULT_SIU_EVENT_MAP[event] ?? 'ignore').toBe(action);
    });

    it("applies the hospital's event map over the defaults", () => {
      const eventMap = { S14: 'ignore', S26: 'stop' } as const;
      expect(read(siu({ event: 'S14', controlId: 'C' }), { eventMap }).action).toBe('ignore');
      expect(read(siu({ event: 'S26', controlId: 'C' }), { eventMap }).action).toBe('stop');
      expect(read(siu({ event: 'S12', controlId: 'C' }), { eventMap }).action).toBe('start');
    });
  });

  describe('rule 21: appointmentId', () => {
    it('is SCH-2.1 when present, else SCH-1.1', () => {
      expect(
        read(siu({ event: 'S12', controlId: 'C', sch: { 1: 'PLC1^X', 2: 'FIL1^Y' } })).appointmentId,
      ).toBe('FIL1');
      expect(read(siu({ event: 'S12', controlId: 'C', sch: { 1: 'PLC1^X', 2: '^Y' } })).appointmentId).toBe(
        'PLC1',
      );
    });
  });

  describe('rule 22: appointmentDate', () => {
    const sch = { 2: 'F1', 11: '^^^202404150815+0200' };
    const ais = { 1: '1', 3: 'KNEE', 4: '20240415074500-0500' };

    it('is TQ1-7 first, as wall-clock time without any UTC conversion', () => {
      expect(
        read(siu({ event: 'S12', controlId: 'C', sch, ais, tq1: { 7: '20240415233000-1100' } }))
          .appointmentDate,
      ).toBe('2024-04-15T23:30');
    });

    it('falls back to SCH-11.4, then AIS-4', () => {
      expect(read(siu({ event: 'S12', controlId: 'C', sch, ais, tq1: null })).appointmentDate).toBe(
        '2024-04-15T08:15',
      );
      expect(
        read(siu({ event: 'S12', controlId: 'C', sch: { 2: 'F1' }, ais, tq1: null })).appointmentDate,
      ).toBe('2024-04-15T07:45');
      expect(
        read(siu({ event: 'S12', controlId: 'C', sch: { 2: 'F1' }, ais: { 3: 'KNEE' }, tq1: null }))
          .appointmentDate,
      ).toBeUndefined();
    });

    it('keeps date precision rather than inventing midnight', () => {
      expect(read(siu({ event: 'S12', controlId: 'C', tq1: { 7: '20240415' } })).appointmentDate).toBe(
        '2024-04-15',
      );
    });
  });

  describe('rule 23: care flow', () => {
    it('takes the first rule whose field equals the value exactly', () => {
      // AIS-3.1 = KNEE also matches SCH-7.1 = FOLLOWUP further down: the first rule wins.
      expect(read(siu({ event: 'S12', controlId: 'C' })).careFlowDefinitionKey).toBe('knee-replacement');
      expect(read(siu({ event: 'S12', controlId: 'C', ais: { 3: 'OTHER' } })).careFlowDefinitionKey).toBe(
        'follow-up',
      );
    });

    it('leaves the care flow out when no rule matches exactly (case and first repetition)', () => {
      const careFlowMap = [{ field: 'AIS-3.1', value: 'KNEE', careFlowDefinitionKey: 'knee' }];
      expect(
        read(siu({ event: 'S12', controlId: 'C', ais: { 3: 'knee' } }), { careFlowMap })
          .careFlowDefinitionKey,
      ).toBeUndefined();
      expect(
        read(siu({ event: 'S12', controlId: 'C', ais: { 3: 'HIP~KNEE' } }), { careFlowMap })
          .careFlowDefinitionKey,
      ).toBeUndefined();
      expect(
        read(siu({ event: 'S12', controlId: 'C', ais: { 3: 'X' } }), {
          careFlowMap: [{ field: 'AIS-9.1', value: '', careFlowDefinitionKey: 'k' }],
        }).careFlowDefinitionKey,
      ).toBeUndefined();
    });
  });

  describe('rule 24: physicianCode', () => {
    it.each([
      ['AIP-3.1', 'DR123'],
      ['AIG-3.1', 'AIGDOC'],
      ['PV1-7.1', 'PV1DOC'],
    ] as const)('reads the configured field %s', (physicianField, expected) => {
      expect(read(siu({ event: 'S12', controlId: 'C' }), { physicianField }).physicianCode).toBe(expected);
    });

    it('reads the first AIP occurrence and defaults to AIP-3.1', () => {
      const text = siu({ event: 'S12', controlId: 'C', extra: [seg('AIP', { 1: '2', 3: 'DR999' })] });
      expect(read(text, { physicianField: undefined }).physicianCode).toBe('DR123');
    });
  });

  it('reads appointment type and location by their documented fallbacks', () => {
    const text = siu({ event: 'S12', controlId: 'C', ais: { 1: '1' } });
    const withoutAil = text.replace(/AIL\|[^\r]*\r/, '');
    expect(read(text).appointmentType).toBe('Follow-up');
    expect(read(withoutAil).location).toBe('ORTHO / 12 / A');
    const bare = siu({ event: 'S12', controlId: 'C', sch: { 2: 'F', 8: 'NORMAL' }, ais: { 1: '1' } });
    expect(read(bare).appointmentType).toBe('NORMAL');
  });

  describe("rule 10: the patient code by the connection's patientIdTypes", () => {
    const epic = (pid3: string) =>
      siu({ event: 'S12', controlId: 'EPIC1', pid: seg('PID', { 3: pid3, 5: 'X^Y' }) });

    it("reads Epic's MRN type with the defaults (MR, MRN, PI, PT)", () => {
      expect(read(epic('3002505^^^MRN^MRN'), { patientIdAuthority: undefined }).patient.patientCode).toBe(
        '3002505',
      );
    });

    it('takes only the configured types, in their order', () => {
      const message = epic('1^^^X^PI~2^^^X^MRN');
      expect(read(message, { patientIdAuthority: undefined }).patient.patientCode).toBe('2');
      expect(
        read(message, { patientIdAuthority: undefined, patientIdTypes: ['PI', 'MRN'] }).patient.patientCode,
      ).toBe('1');
      expect(() => read(message, { patientIdAuthority: undefined, patientIdTypes: ['MR'] })).toThrow(
        expect.objectContaining({ code: 'SIU_NO_PATIENT_ID' }),
      );
    });
  });

  describe('rule 26: messages that cannot be processed', () => {
    it('fails with SIU_NO_PATIENT_ID and the control id when PID-3 has no usable id', () => {
      const noMr = siu({
        event: 'S12',
        controlId: 'BAD1',
        pid: seg('PID', { 3: '83.12.25-151.53^^^BE^NN', 5: 'X^Y' }),
      });
      expect(failure(noMr)).toMatchObject({ code: 'SIU_NO_PATIENT_ID', controlId: 'BAD1' });
      const noPid = siu({ event: 'S12', controlId: 'BAD2' }).replace(/PID\|[^\r]*\r/, '');
      expect(failure(noPid)).toMatchObject({ code: 'SIU_NO_PATIENT_ID', controlId: 'BAD2' });
    });

    it('fails without an appointment id unless the event is ignored', () => {
      expect(failure(siu({ event: 'S12', controlId: 'BAD3', sch: { 7: 'X' } }))).toMatchObject({
        code: 'SIU_NO_APPOINTMENT_ID',
      });
      expect(read(siu({ event: 'S26', controlId: 'OK', sch: { 7: 'X' } })).action).toBe('ignore');
    });

    it('fails a message that is not an SIU', () => {
      const adt = siu({ event: 'S12', controlId: 'ADT1' }).replace('SIU^S12^SIU_S12', 'ADT^A08');
      expect(failure(adt)).toMatchObject({ code: 'SIU_NOT_SIU', controlId: 'ADT1' });
    });
  });
});
