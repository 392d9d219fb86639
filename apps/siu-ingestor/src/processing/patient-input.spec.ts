import { DomainError } from '@bridge/contracts';
import { validatedPatientInput } from './patient-input';

const pid = {
  patientCode: '000123',
  firstName: 'Els',
  lastName: 'Peeters',
  birthDate: '1980-02',
  sex: 'female' as const,
  email: 'not an e-mail',
  address: { city: 'Gent', zip: '9000' },
  identifiers: [{ system: 'AZ', value: '000123', type: 'MR' }],
};

describe('validatedPatientInput', () => {
  it('keeps what fits the push API and drops an optional value that does not', () => {
    expect({ ...validatedPatientInput(pid) }).toEqual({
      patientCode: '000123',
      firstName: 'Els',
      lastName: 'Peeters',
      birthDate: '1980-02',
      sex: 'female',
      address: { city: 'Gent', zip: '9000' },
      identifiers: [{ system: 'AZ', value: '000123' }],
    });
  });

  it('fails without a name, naming the fields but not their values', () => {
    try {
      validatedPatientInput({ ...pid, firstName: undefined, lastName: 'Peeters' });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).message).toContain('firstName');
      expect((error as DomainError).message).not.toContain('Peeters');
    }
  });
});
