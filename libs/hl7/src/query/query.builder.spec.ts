import { parseHl7 } from '../model/hl7.parser';
import { MllpDecoder, encodeMllpFrame } from '../mllp/mllp-frame.codec';
import { Hl7BuildError } from '../model/hl7.errors';
import { buildQuery } from './query.builder';
import type { Hl7QueryRequest, Hl7QueryTemplate } from './query.types';

const at = new Date('2024-03-15T09:30:00.000Z');
const template: Hl7QueryTemplate = {
  queryStyle: 'QRY_A19',
  sendingApplication: 'CAREFLOW',
  sendingFacility: 'BRIDGE',
  receivingApplication: 'HIS',
  receivingFacility: 'AZSTJAN',
  patientIdAuthority: 'AZSTJAN',
};
const request: Hl7QueryRequest = { by: 'patientCode', value: '000123456', controlId: 'Q1', at };

describe('buildQuery', () => {
  it('builds a QRY^A19 with MSH and QRD', () => {
    expect(buildQuery(template, request)).toBe(
      'MSH|^~\\&|CAREFLOW|BRIDGE|HIS|AZSTJAN|20240315093000+0000||QRY^A19|Q1|P|2.3\r' +
        'QRD|20240315093000+0000|R|I|Q1|||10^RD|000123456^^^^^^^^AZSTJAN^^^^MR|DEM\r',
    );
  });

  it('uses the visit number type code, the template version, charset, time zone and a QRF', () => {
    const text = buildQuery(
      {
        ...template,
        version: '2.4',
        charset: 'latin1',
        timeZone: 'Europe/Brussels',
        identifierTypeCodes: { visitNumber: 'VISIT' },
        qrfWhereSubjectFilter: 'AZSTJAN',
        maxCandidates: 5,
      },
      { ...request, by: 'visitNumber', value: 'V2024-0001' },
    );
    const message = parseHl7(text);
    expect(message.version).toBe('2.4');
    expect(message.get('MSH-18')).toBe('8859/1');
    expect(message.get('MSH-7')).toBe('20240315103000+0100');
    expect(message.get('QRD-8.1')).toBe('V2024-0001');
    expect(message.get('QRD-8.13')).toBe('VISIT');
    expect(message.get('QRD-7')).toBe('5');
    expect(message.get('QRF-1')).toBe('AZSTJAN');
  });

  it('defaults the visit number type code to VN', () => {
    const message = parseHl7(buildQuery(template, { ...request, by: 'visitNumber' }));
    expect(message.get('QRD-8.13')).toBe('VN');
  });

  it('builds a QBP^Q22 IHE PDQ query with QPD and RCP', () => {
    const text = buildQuery({ ...template, queryStyle: 'QBP_Q22' }, request);
    expect(text).toBe(
      'MSH|^~\\&|CAREFLOW|BRIDGE|HIS|AZSTJAN|20240315093000+0000||QBP^Q22^QBP_Q21|Q1|P|2.5\r' +
        'QPD|IHE PDQ Query|Q1|@PID.3.1^000123456~@PID.3.4.1^AZSTJAN~@PID.3.5^MR\r' +
        'RCP|I|10^RD\r',
    );
  });

  it('leaves the authority out of QPD when none is configured', () => {
    const message = parseHl7(buildQuery({ queryStyle: 'QBP_Q22' }, { ...request, by: 'visitNumber' }));
    expect(
      message
        .first('QPD')
        ?.field(3)
        .map((repetition) => repetition.components()),
    ).toEqual([
      ['@PID.3.1', '000123456'],
      ['@PID.3.5', 'VN'],
    ]);
  });

  it.each(['QRY_A19', 'QBP_Q22'] as const)(
    'escapes values so that | ^ ~ & \\ cannot break a %s',
    (queryStyle) => {
      const value = 'A|B^C~D&E\\F';
      const text = buildQuery(
        { ...template, queryStyle, sendingFacility: 'Bridge|^' },
        { ...request, value, controlId: 'Q|1' },
      );
      const message = parseHl7(text);
      expect(message.segments.map((segment) => segment.name)).toEqual(
        queryStyle === 'QRY_A19' ? ['MSH', 'QRD'] : ['MSH', 'QPD', 'RCP'],
      );
      expect(message.controlId).toBe('Q|1');
      expect(message.sendingFacility).toBe('Bridge|^');
      expect(queryStyle === 'QRY_A19' ? message.get('QRD-8.1') : message.get('QPD-3.2')).toBe(value);
    },
  );

  it('rejects an empty value and a bad control id', () => {
    expect(() => buildQuery(template, { ...request, value: '  ' })).toThrow(Hl7BuildError);
    expect(() => buildQuery(template, { ...request, controlId: '' })).toThrow(
      expect.objectContaining({ code: 'HL7_BAD_CONTROL_ID' }),
    );
  });
});

describe('buildQuery: a lookup value cannot inject an MLLP frame (issue 10)', () => {
  it('a patientCode holding FS CR VT and a second message stays inside the one frame, as one value', () => {
    const value = 'X1\x1c\r\x0bMSH|^~\\&|EVIL|EVIL|HIS|AZSTJAN|20240315093000||ADT^A08|EVIL1|P|2.3';
    const frame = encodeMllpFrame(Buffer.from(buildQuery(template, { ...request, value }), 'utf8'));
    const frames = new MllpDecoder().push(frame);
    expect(frames).toHaveLength(1);
    const message = parseHl7(frames[0]);
    expect(message.segments.filter((segment) => segment.name === 'MSH')).toHaveLength(1);
    expect(message.get('QRD-8.1')).toBe(value);
  });
});
