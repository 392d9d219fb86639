import {
  SIM_DATASET,
  SIM_IDS,
  nationalRegistryNumberOf,
  simPatientsByCode,
  simPatientsByVisit,
} from './dataset';

/** Belgian INSZ/NISS: 97 minus the first nine digits modulo 97 (prefixed by 2 for births from 2000). */
function validNationalNumber(digits: string, birthDate: string | undefined): boolean {
  const base = BigInt((birthDate && birthDate >= '2000' ? '2' : '') + digits.slice(0, 9));
  return 97n - (base % 97n) === BigInt(digits.slice(9));
}

describe('hospital-sim dataset', () => {
  it('gives every record a unique id and an AZDEMO MR equal to its patient code', () => {
    expect(new Set(SIM_DATASET.map((p) => p.id)).size).toBe(SIM_DATASET.length);
    for (const patient of SIM_DATASET) {
      expect(patient.identifiers).toContainEqual({
        value: patient.patientCode,
        type: 'MR',
        authority: 'AZDEMO',
      });
    }
  });

  it('has valid-looking Belgian national numbers whose sequence parity matches the sex', () => {
    for (const patient of SIM_DATASET) {
      const digits = nationalRegistryNumberOf(patient);
      if (digits === undefined) continue;
      expect(digits).toHaveLength(11);
      expect(validNationalNumber(digits, patient.birthDate)).toBe(true);
      if (patient.sex === 'M' || patient.sex === 'F') {
        expect(Number(digits.slice(6, 9)) % 2 === 1 ? 'M' : 'F').toBe(patient.sex);
      }
    }
  });

  it('holds the notable cases the README promises', () => {
    expect(simPatientsByVisit(SIM_IDS.sharedVisit)).toHaveLength(2);
    expect(simPatientsByVisit(SIM_IDS.francoiseVisit)).toHaveLength(1);
    expect(SIM_DATASET.filter((p) => p.patientCode === SIM_IDS.francoiseVisit)).toHaveLength(0);
    expect(simPatientsByCode(SIM_IDS.duplicateCode)).toHaveLength(2);
    expect(
      SIM_DATASET.filter((p) => p.identifiers.some((id) => id.value === SIM_IDS.collidingCode)),
    ).toHaveLength(2);
    const birthDates = SIM_DATASET.map((p) => p.birthDate);
    expect(birthDates).toEqual(expect.arrayContaining(['1985-07', '1990']));
    const streets = SIM_DATASET.map((p) => p.address?.street ?? '').join('');
    for (const delimiter of ['|', '^', '&', '~', '\\']) expect(streets).toContain(delimiter);
  });

  it('writes every PID-7 so that its calendar date is the birth date to read', () => {
    for (const patient of SIM_DATASET) {
      const digits = (patient.birthDateHl7 ?? '').slice(0, 8);
      const expected = (patient.birthDate ?? '').replace(/-/g, '');
      expect(digits).toBe(expected);
    }
  });
});
