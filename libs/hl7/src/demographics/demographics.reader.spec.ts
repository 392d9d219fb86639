import { ADR_A19_THREE_PIDS, hl7, msh, PID_FRANCOISE, seg } from '../__fixtures__/hl7-fixtures';
import { parseHl7 } from '../model/hl7.parser';
import { readDemographics, readSex } from './demographics.reader';
import type { DemographicsOptions } from './demographics.types';
import { groupsByPid } from './pid-group';

/** Demographics of the first PID of a message made of the given PID fields (and optional PV1). */
function demographics(pid: Record<number, string>, options: DemographicsOptions = {}, extra: string[] = []) {
  const message = parseHl7(hl7([msh({ type: 'ADR^A19', controlId: 'C1' }), seg('PID', pid), ...extra]));
  return readDemographics(groupsByPid(message)[0], options);
}

describe('readDemographics', () => {
  it('reads a full Belgian candidate', () => {
    const message = parseHl7(ADR_A19_THREE_PIDS);
    expect(readDemographics(groupsByPid(message)[0], { patientIdAuthority: 'AZSTJAN' })).toEqual({
      patientCode: '000123456',
      nationalRegistryNumber: '83122515153',
      visitNumber: 'V2024-0001',
      lastName: 'Dubois-Lemaître',
      firstName: 'Françoise',
      middleName: 'Marie',
      birthDate: '1983-12-25',
      sex: 'female',
      email: 'francoise.dubois@example.be',
      phone: '+3242221111',
      mobilePhone: '+32475123456',
      preferredLanguage: 'FR',
      address: { street: "Rue de l'Église 12", city: 'Liège', state: 'Luik', zip: '4000', country: 'BE' },
      identifiers: [
        { system: 'OTHERHOSP', value: '999111', type: 'MR' },
        { system: 'BE-RRN', value: '83.12.25-151.53', type: 'NN' },
        { system: 'AZSTJAN', value: '000123456', type: 'MR' },
      ],
    });
  });

  describe('rule 10: patientCode', () => {
    const pid3 = '999111^^^OTHERHOSP^MR~83.12.25-151.53^^^BE-RRN^NN~000123456^^^AZSTJAN&1.2.3.4&ISO^MR';

    it('takes the MR repetition of the configured authority, wherever it is in PID-3', () => {
      expect(demographics({ 3: pid3 }, { patientIdAuthority: 'AZSTJAN' }).patientCode).toBe('000123456');
    });

    it('matches the authority on CX.4.2 (universal id) as well as CX.4.1', () => {
      expect(demographics({ 3: pid3 }, { patientIdAuthority: '1.2.3.4' }).patientCode).toBe('000123456');
    });

    it('takes the first MR repetition without a configured authority', () => {
      expect(demographics({ 3: pid3 }).patientCode).toBe('999111');
    });

    it('never takes a code of another authority when an authority is configured', () => {
      expect(demographics({ 3: pid3 }, { patientIdAuthority: 'UZLEUVEN' }).patientCode).toBeUndefined();
      expect(demographics({ 3: '5^^^OTHER^MR~6^^^^PI' }, { patientIdAuthority: 'AZSTJAN' }).patientCode).toBe(
        '6',
      );
    });

    it("takes the authority's first repetition of any type but a national, visit, account or document number", () => {
      const pid = (types: string[]) =>
        types.map((type, i) => `${i + 1}^^^AZSTJAN${type === '' ? '' : `^${type}`}`).join('~');
      const options = { patientIdAuthority: 'AZSTJAN' };
      expect(demographics({ 3: pid(['PI', 'MR']) }, options).patientCode).toBe('1');
      expect(demographics({ 3: pid(['', 'MR']) }, options).patientCode).toBe('1');
      expect(
        demographics({ 3: pid(['NN', 'NNBEL', 'SB', 'SS', 'VN', 'AN', 'PPN', 'DL', 'XX']) }, options)
          .patientCode,
      ).toBe('9');
      expect(demographics({ 3: pid(['NNNLD', 'vn']) }, options).patientCode).toBeUndefined();
    });

    it('takes the first repetition of the earliest default type: MR, MRN, PI, PT', () => {
      expect(demographics({ 3: '1^^^A^PT~2^^^A^PI~3^^^A^MRN~4^^^A^MR' }).patientCode).toBe('4');
      expect(demographics({ 3: '1^^^A^PT~2^^^A^PI~3^^^A^MRN~5^^^B^MRN' }).patientCode).toBe('3');
      expect(demographics({ 3: '1^^^A^PT~2^^^A^PI~7^^^B^PI' }).patientCode).toBe('2');
      expect(demographics({ 3: '1^^^A^pt' }).patientCode).toBe('1');
      expect(demographics({ 3: '123^^^AZSTJAN^PI~456^^^AZSTJAN^NN' }).patientCode).toBe('123');
    });

    it("follows the connection's patientIdTypes, in its order", () => {
      const pid = '1^^^A^MR~2^^^A^PI~3^^^A^XX';
      expect(demographics({ 3: pid }, { patientIdTypes: ['PI', 'MR'] }).patientCode).toBe('2');
      expect(demographics({ 3: pid }, { patientIdTypes: ['xx'] }).patientCode).toBe('3');
      expect(demographics({ 3: pid }, { patientIdTypes: ['PT'] }).patientCode).toBeUndefined();
    });

    it('skips a typed repetition without a value', () => {
      expect(demographics({ 3: '^^^A^MR~9^^^A^PI' }).patientCode).toBe('9');
    });

    it('takes the first untyped repetition when no repetition is typed at all', () => {
      expect(demographics({ 3: '~00777^^^AZSTJAN~00888' }).patientCode).toBe('00777');
    });

    it('does not fall back to untyped repetitions when some repetition is typed', () => {
      expect(demographics({ 3: '00777~83.12.25-151.53^^^BE^NN' }).patientCode).toBeUndefined();
    });

    it('with an authority, never takes an untyped repetition of another authority', () => {
      expect(
        demographics({ 3: '111^^^OTHER~222^^^AZSTJAN' }, { patientIdAuthority: 'AZSTJAN' }).patientCode,
      ).toBe('222');
      expect(demographics({ 3: '111^^^OTHER~333' }, { patientIdAuthority: 'AZSTJAN' }).patientCode).toBe(
        '333',
      );
      expect(
        demographics({ 3: '111^^^OTHER' }, { patientIdAuthority: 'AZSTJAN' }).patientCode,
      ).toBeUndefined();
    });

    it('keeps leading zeros and decodes escapes', () => {
      expect(demographics({ 3: '00\\F\\42^^^AZ^MR' }).patientCode).toBe('00|42');
    });

    it('lists every PID-3 repetition as an identifier, system = authority else type', () => {
      expect(demographics({ 3: '1^^^AZ^MR~2^^^^NN~3~^^^AZ^PI' }).identifiers).toEqual([
        { system: 'AZ', value: '1', type: 'MR' },
        { system: 'NN', value: '2', type: 'NN' },
        { system: '', value: '3' },
      ]);
    });
  });

  describe('rule 11: nationalRegistryNumber', () => {
    it('keeps only the digits of the first NN repetition', () => {
      expect(
        demographics({ 3: '1^^^AZ^MR~83.12.25-151.53^^^BE^NN~99.99.99-999.99^^^BE^NN' })
          .nationalRegistryNumber,
      ).toBe('83122515153');
    });

    it('reads NN followed by a country code (NNBEL, NNNLD), as v2.5+ senders write it', () => {
      expect(demographics({ 3: '1^^^AZ^MR~123456782^^^NLMINBIZA^NNNLD' }).nationalRegistryNumber).toBe(
        '123456782',
      );
      expect(demographics({ 3: '83.12.25-151.53^^^BE^nnbel' }).nationalRegistryNumber).toBe('83122515153');
    });

    it('does not take NN followed by anything else than three letters', () => {
      for (const type of ['NNBE', 'NNBELG', 'NN1BE', 'NXBEL']) {
        expect(demographics({ 3: `83122515153^^^BE^${type}` }).nationalRegistryNumber).toBeUndefined();
      }
    });

    it('accepts SB as well', () => {
      expect(demographics({ 3: '1^^^AZ^MR~85 07 14 123 45^^^BE^SB' }).nationalRegistryNumber).toBe(
        '85071412345',
      );
    });

    it('is absent without an NN or SB repetition', () => {
      expect(demographics({ 3: '83122515153^^^AZ^MR' }).nationalRegistryNumber).toBeUndefined();
    });
  });

  describe('rule 12: visitNumber', () => {
    it("is PV1-19.1 of the candidate's own group, not PID-18 nor PV1-5", () => {
      const result = demographics({ 3: '1^^^AZ^MR', 18: 'ACC1' }, {}, [
        seg('PV1', { 5: 'PRE1', 19: 'V42^^^AZ&1.2&ISO' }),
      ]);
      expect(result.visitNumber).toBe('V42');
      expect(
        demographics({ 3: '1^^^AZ^MR', 18: 'ACC1' }, {}, [seg('PV1', { 5: 'PRE1' })]).visitNumber,
      ).toBeUndefined();
    });
  });

  describe('rule 13: name', () => {
    it('takes the legal (L) name, wherever it is', () => {
      const result = demographics({ 5: 'Dubois^Fran^^^^^N~Dubois-Lemaître^Françoise^Marie^^Mevr.^Dr^L' });
      expect(result).toMatchObject({
        lastName: 'Dubois-Lemaître',
        firstName: 'Françoise',
        middleName: 'Marie',
      });
    });

    it('takes the first non-empty repetition without an L name', () => {
      expect(demographics({ 5: '^^^^^^~Peeters^Jan^^^^^N~Janssens^Els' })).toMatchObject({
        lastName: 'Peeters',
        firstName: 'Jan',
      });
    });

    it('reads the surname (FN.1) out of a compound family name, keeping case', () => {
      const result = demographics({ 5: 'Van den Broeck&Van den&Broeck^jan^^^^^L' });
      expect(result).toMatchObject({ lastName: 'Van den Broeck', firstName: 'jan' });
      expect(result.middleName).toBeUndefined();
    });

    it('never reads PID-6, PID-9 or NK1 names', () => {
      const result = demographics({ 6: 'Maiden^Anne', 9: 'Alias^Al' }, {}, [seg('NK1', { 2: 'Kin^Karel' })]);
      expect(result.lastName).toBeUndefined();
      expect(result.firstName).toBeUndefined();
    });
  });

  describe('rule 14: birthDate', () => {
    it.each([
      ['19831225', '1983-12-25'],
      ['19831225083000+0100', '1983-12-25'],
      ['19831225233000.1234-1100', '1983-12-25'],
      ['198507', '1985-07'],
      ['1990', '1990'],
      ['19850700', '1985-07'],
      ['19850230', undefined],
      ['20240229', '2024-02-29'],
      ['19851301', undefined],
      ['garbage', undefined],
      ['', undefined],
    ])('reads %s as %s', (pid7, expected) => {
      expect(demographics({ 7: pid7 }).birthDate).toBe(expected);
    });
  });

  describe('rule 15: sex', () => {
    it.each([
      ['M', 'male'],
      ['f', 'female'],
      ['O', 'other'],
      ['a', 'other'],
      ['U', 'unknown'],
      ['N', 'unknown'],
      ['', 'unknown'],
      ['X', 'unknown'],
      ['Male', 'unknown'],
    ])('reads %s as %s', (pid8, expected) => {
      expect(readSex(pid8)).toBe(expected);
      expect(demographics({ 8: pid8 }).sex).toBe(expected);
    });
  });

  describe('rules 16-17: phone, mobile and e-mail from PID-13', () => {
    it('reads each from its own kind of repetition', () => {
      const result = demographics({
        13: '^NET^Internet^first@example.be~+3242221111^PRN^PH~+32475123456^PRN^CP~^^^^^^~+3243333333^PRN^PH~^NET^X.400^second@example.be',
      });
      expect(result).toMatchObject({
        phone: '+3242221111',
        mobilePhone: '+32475123456',
        email: 'first@example.be',
      });
    });

    it('reads XTN.5-8 when XTN.1 is empty (v2.5+), leaving out empty parts, and never reads PID-14', () => {
      const result = demographics({
        13: '^PRN^PH^^32^4^2221111~+3242220000^PRN^FX',
        14: '+3222222222^WPN^PH',
      });
      expect(result.phone).toBe('+32 4 2221111');
      expect(demographics({ 13: '^PRN^PH^^1^416^5551545^12' }).phone).toBe('+1 416 5551545 ext 12');
      expect(demographics({ 13: '^^^^^513^5550124' }).phone).toBe('513 5550124');
      expect(demographics({ 13: '^PRN^PH^^1^^5551545^' }).phone).toBe('+1 5551545');
      expect(demographics({ 14: '+3222222222^WPN^PH' }).phone).toBeUndefined();
    });

    it('prefers XTN.1 when both are written, and reads a mobile from XTN.5-8 too', () => {
      expect(demographics({ 13: '(416)555-1545^PRN^PH^^1^416^5551545' }).phone).toBe('(416)555-1545');
      expect(demographics({ 13: '^PRN^CP^^32^475^123456' }).mobilePhone).toBe('+32 475 123456');
    });

    it('skips a repetition with no number at all, written neither way', () => {
      expect(demographics({ 13: '^PRN^PH~^PRN^PH^^^^^~+3242220000^PRN^FX' }).phone).toBe('+3242220000');
    });

    it('never takes an e-mail or a mobile as the phone', () => {
      const result = demographics({ 13: 'x@example.be^NET~+32475123456^ORN^CP' });
      expect(result.phone).toBeUndefined();
      expect(result.mobilePhone).toBe('+32475123456');
    });

    it('reads an e-mail from XTN.1 when XTN.4 is empty (v2.3), or flagged by XTN.3 Internet', () => {
      expect(demographics({ 13: 'jan@example.be^NET' }).email).toBe('jan@example.be');
      expect(demographics({ 13: 'jan@example.be^^Internet' }).email).toBe('jan@example.be');
      expect(demographics({ 13: 'legacy@example.be^NET^Internet^new@example.be' }).email).toBe(
        'new@example.be',
      );
    });
  });

  describe('rule 18: address', () => {
    it('reads the first repetition verbatim: SAD.1, city, zip, country', () => {
      const result = demographics({
        11: '^^^^^^~Grote Markt 1&Grote Markt&1^bus 2^Brussel^^1000^Belgique~Other 2^^Gent^^9000^BE',
      });
      expect(result.address).toEqual({
        street: 'Grote Markt 1',
        city: 'Brussel',
        zip: '1000',
        country: 'Belgique',
      });
    });

    it('is absent when PID-11 is empty', () => {
      expect(demographics({ 3: '1^^^AZ^MR' }).address).toBeUndefined();
    });
  });
});

describe('groupsByPid (rule 9)', () => {
  it('starts a group at each PID and keeps the segments that follow it', () => {
    const groups = groupsByPid(parseHl7(ADR_A19_THREE_PIDS));
    expect(groups.map((group) => group.segments.map((segment) => segment.name))).toEqual([
      ['PID', 'PD1', 'NK1', 'PV1'],
      ['PID', 'PV1', 'GT1', 'IN1', 'ZPI'],
      ['PID', 'OBX'],
    ]);
    expect(groups.map((group) => group.pv1?.get(19))).toEqual(['V2024-0001', 'V2024-0002', undefined]);
  });

  it('never lets another group’s PV1 give a candidate a visit number', () => {
    const message = parseHl7(
      hl7([
        msh({ type: 'ADR^A19', controlId: 'C1' }),
        seg('PV1', { 19: 'BEFORE' }),
        PID_FRANCOISE,
        seg('PID', { 3: '2^^^AZ^MR' }),
        seg('PV1', { 19: 'V2' }),
      ]),
    );
    expect(groupsByPid(message).map((group) => readDemographics(group).visitNumber)).toEqual([
      undefined,
      'V2',
    ]);
  });

  it('returns no group for a message without PID', () => {
    expect(
      groupsByPid(parseHl7(hl7([msh({ type: 'ACK', controlId: 'A1' }), seg('MSA', { 1: 'AA', 2: 'Q' })]))),
    ).toEqual([]);
  });
});
