import type { DemographicsV1 } from '@bridge/contracts';
import { patientInputOfCandidate, saveableCandidateOf } from './candidates';

const base: DemographicsV1 = {
  patientCode: '000777',
  firstName: 'Lucas',
  lastName: 'Peeters',
  sex: 'male',
  identifiers: [],
};

describe('saveableCandidateOf', () => {
  it('keeps a candidate that fits the push API payload as it is', () => {
    const full = { ...base, birthDate: '1990', email: 'lucas@example.be', address: { city: 'Antwerpen' } };
    expect(saveableCandidateOf(full)).toEqual(full);
  });

  it('drops optional values that do not fit instead of losing the patient', () => {
    const candidate = saveableCandidateOf({
      ...base,
      email: 'not an e-mail',
      phone: '0'.repeat(80),
      address: { city: 'Antwerpen', zip: '1'.repeat(40) },
      identifiers: [
        { system: 'urn:a', value: '1' },
        { system: '', value: '2' },
      ],
    });
    expect(candidate).toEqual({
      ...base,
      address: { city: 'Antwerpen' },
      identifiers: [{ system: 'urn:a', value: '1' }],
    });
  });

  it('is no candidate without a patient code, a first name or a last name', () => {
    expect(saveableCandidateOf({ ...base, patientCode: '' })).toBeUndefined();
    expect(saveableCandidateOf({ ...base, firstName: '' })).toBeUndefined();
    expect(saveableCandidateOf({ ...base, lastName: 'x'.repeat(101) })).toBeUndefined();
  });

  it('caps identifiers at the 20 a patient may carry', () => {
    const identifiers = Array.from({ length: 25 }, (_, index) => ({ system: 'urn:x', value: String(index) }));
    expect(saveableCandidateOf({ ...base, identifiers })?.identifiers).toHaveLength(20);
  });
});

describe('patientInputOfCandidate', () => {
  it('leaves out what the platform added to the candidate', () => {
    expect(
      patientInputOfCandidate({ ...base, existingPatientId: '6f1c8f46-6a5a-4d3e-9d9e-3f1b2d4c5a6b' }),
    ).toEqual(base);
  });
});
