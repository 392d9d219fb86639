import { fitDemographicsToPatientInput } from './fit-patient-input';

const base = { patientCode: 'P1', firstName: 'Els', lastName: 'Peeters', identifiers: [] };

describe('fitDemographicsToPatientInput', () => {
  it('keeps demographics that fit as they are', () => {
    const full = { ...base, birthDate: '1980-02-14', sex: 'female', email: 'els@example.be' };
    expect(fitDemographicsToPatientInput(full)).toEqual({ ok: true, patient: full });
  });

  it('drops only the optional values the payload class refuses, nested ones one by one', () => {
    const fitted = fitDemographicsToPatientInput({
      ...base,
      email: 'not an e-mail',
      address: { street: 'Kerkstraat 1', zip: '9'.repeat(21) },
      identifiers: [
        { system: 'urn:a', value: '1' },
        { system: '', value: '' },
      ],
    });
    expect(fitted).toEqual({
      ok: true,
      patient: {
        ...base,
        address: { street: 'Kerkstraat 1' },
        identifiers: [{ system: 'urn:a', value: '1' }],
      },
    });
  });

  it('names the required fields that are missing or refused, never their values', () => {
    expect(
      fitDemographicsToPatientInput({ ...base, firstName: undefined, lastName: 'x'.repeat(500) }),
    ).toEqual({
      ok: false,
      missing: ['firstName', 'lastName'],
    });
  });
});
