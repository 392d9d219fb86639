import { isDomainError } from '../errors';
import { SiuConnectionInputV1 } from '../siu/siu-connection.v1';
import { validatePayload } from '../validation';
import { Hl7ConnectionInputV1 } from './hl7.rpc.v1';

/** `patientIdTypes` (HL7-RULES rule 10 b) on the HL7 and SIU connection bodies. */
describe('patientIdTypes on the HL7 and SIU connections', () => {
  const hl7 = { host: 'his', port: 2575, queryStyle: 'QRY_A19' };
  const siu = { source: { type: 'directory', path: '/srv/siu' }, careFlowMap: [] };

  function fieldsRefused(payloadClass: new () => object, body: object): string[] {
    try {
      validatePayload(payloadClass, body);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      return (error.details?.errors ?? []).map((e) => e.field);
    }
    return [];
  }

  it.each([
    ['HL7', Hl7ConnectionInputV1, hl7],
    ['SIU', SiuConnectionInputV1, siu],
  ] as const)('%s: optional, else a non-empty list of distinct short type codes', (_, payloadClass, base) => {
    expect(fieldsRefused(payloadClass, base)).toEqual([]);
    expect(
      fieldsRefused(payloadClass, { ...base, patientIdTypes: ['MRN', 'PI', 'NNBEL', 'local_id'] }),
    ).toEqual([]);
    // null is "not set", like every optional field (IsOptional): the default applies.
    expect(fieldsRefused(payloadClass, { ...base, patientIdTypes: null })).toEqual([]);
    expect(validatePayload<object>(payloadClass, { ...base, patientIdTypes: ['PI', 'MR'] })).toMatchObject({
      patientIdTypes: ['PI', 'MR'],
    });
    for (const bad of [[], 'MR', ['MR', 'MR'], ['M R'], [''], ['A'.repeat(11)], [1], Array(21).fill('X')]) {
      expect(fieldsRefused(payloadClass, { ...base, patientIdTypes: bad })).toEqual(['patientIdTypes']);
    }
  });
});
