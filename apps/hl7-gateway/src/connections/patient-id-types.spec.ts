import { DEFAULT_PATIENT_ID_TYPES as API_DEFAULT } from '@bridge/contracts';
import { DEFAULT_PATIENT_ID_TYPES as READER_DEFAULT } from '@bridge/hl7';

describe('patientIdTypes default (HL7-RULES rule 10 b)', () => {
  it('is the same in what GET shows and in what the HL7 reader applies', () => {
    expect(API_DEFAULT).toEqual(['MR', 'MRN', 'PI', 'PT']);
    expect(READER_DEFAULT).toEqual(API_DEFAULT);
  });
});
