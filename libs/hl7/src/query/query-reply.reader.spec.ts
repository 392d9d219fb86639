import {
  ADR_A19_NO_PID,
  ADR_A19_ONE_PID,
  ADR_A19_THREE_PIDS,
  AE_WITH_ERR,
  BARE_ACK_AA,
  BARE_ACK_AR,
  hl7,
  msh,
  notFoundReply,
  PID_JAN,
  RSP_K22_FOUND,
  seg,
} from '../__fixtures__/hl7-fixtures';
import { parseHl7 } from '../model/hl7.parser';
import { readQueryReply } from './query-reply.reader';

const read = (
  reply: string,
  expectedControlId: string,
  patientIdAuthority?: string,
  patientIdTypes?: readonly string[],
) => readQueryReply(parseHl7(reply), { expectedControlId, patientIdAuthority, patientIdTypes });

describe('readQueryReply', () => {
  describe('rule 7: correlation', () => {
    it('is a hospital error, without candidates, when MSA-2 is not the query MSH-10', () => {
      const result = read(ADR_A19_THREE_PIDS, 'QRY9999');
      expect(result).toMatchObject({
        status: 'hospital_error',
        candidates: [],
        reason: 'CONTROL_ID_MISMATCH',
      });
      expect(result.errorText).toContain('QRY0001');
    });

    it('applies to not-found replies too', () => {
      expect(read(notFoundReply('AA', 'QBP0002'), 'QBP0003').status).toBe('hospital_error');
    });

    it('compares exactly (case and content)', () => {
      expect(read(ADR_A19_THREE_PIDS, 'qry0001').status).toBe('hospital_error');
      expect(read(ADR_A19_THREE_PIDS, 'QRY0001').status).toBe('found');
    });

    it('is a hospital error when there is no MSA at all', () => {
      expect(read(hl7([msh({ type: 'ADR^A19', controlId: 'R' }), PID_JAN]), 'Q')).toMatchObject({
        status: 'hospital_error',
        reason: 'NO_MSA',
        candidates: [],
      });
    });

    it('never matches an empty expected control id', () => {
      expect(read(hl7([msh({ type: 'ACK', controlId: 'R' }), 'MSA|AA']), '').status).toBe('hospital_error');
    });
  });

  describe('rule 8: status', () => {
    it('QAK-2 NF is not found, whatever MSA-1 says', () => {
      for (const ackCode of ['AA', 'AE', 'AR']) {
        expect(read(notFoundReply(ackCode), 'QBP0002')).toEqual({ status: 'not_found', candidates: [] });
      }
    });

    it('MSA-1 AE is a hospital error with MSA-3 and ERR texts, even with a PID and "No records found"', () => {
      expect(read(AE_WITH_ERR, 'QRY0009')).toEqual({
        status: 'hospital_error',
        candidates: [],
        reason: 'MSA_REJECTED',
        errorText:
          'No records found; Patient index offline; Application internal error; Unknown key identifier',
      });
    });

    it.each(['AR', 'CE', 'CR'])('MSA-1 %s is a hospital error', (code) => {
      const reply = hl7([
        msh({ type: 'ADR^A19', controlId: 'R' }),
        seg('MSA', { 1: code, 2: 'Q1' }),
        PID_JAN,
      ]);
      expect(read(reply, 'Q1')).toMatchObject({
        status: 'hospital_error',
        candidates: [],
        errorText: `the hospital answered MSA-1 ${code}`,
      });
    });

    it('joins MSA-3, ERR-8, ERR-7, ERR-6, ERR-3.2 and ERR-1, each distinct text once', () => {
      const reply = hl7([
        msh({ type: 'RSP^K23', controlId: 'R' }),
        seg('MSA', { 1: 'AE', 2: 'Q1', 3: 'Query failed' }),
        seg('ERR', {
          1: 'Lock timeout',
          3: '204^Unknown key identifier^HL70357',
          6: 'QPD-3',
          7: 'Domain \\T\\ assigner unknown',
          8: 'Query failed',
        }),
      ]);
      expect(read(reply, 'Q1').errorText).toBe(
        'Query failed; Domain & assigner unknown; QPD-3; Unknown key identifier; Lock timeout',
      );
    });

    it('reads the text of ERR-6 when it is the only one (IHE PDQ, rule 8)', () => {
      const reply = hl7([
        msh({ type: 'RSP^K23', controlId: 'R' }),
        seg('MSA', { 1: 'AE', 2: 'Q1' }),
        seg('QAK', { 1: 'Q1', 2: 'AE' }),
        seg('ERR', { 2: 'QPD^1^3^1^1', 3: '204', 4: 'E', 6: 'Unknown patient ID' }),
      ]);
      expect(read(reply, 'Q1')).toMatchObject({ status: 'hospital_error', errorText: 'Unknown patient ID' });
    });

    it('reads a free-text ERR-1 from non-conformant senders', () => {
      const reply = hl7([
        msh({ type: 'ADR^A19', controlId: 'R' }),
        seg('MSA', { 1: 'AE', 2: 'Q1' }),
        seg('ERR', { 1: 'Database locked' }),
      ]);
      expect(read(reply, 'Q1').errorText).toBe('Database locked');
    });

    it.each(['AE', 'AR'])('QAK-2 %s after MSA-1 AA is a hospital error', (code) => {
      const reply = hl7([
        msh({ type: 'RSP^K22', controlId: 'R' }),
        seg('MSA', { 1: 'AA', 2: 'Q1' }),
        seg('QAK', { 1: 'Q1', 2: code }),
        PID_JAN,
      ]);
      expect(read(reply, 'Q1')).toMatchObject({
        status: 'hospital_error',
        reason: 'QAK_REJECTED',
        candidates: [],
      });
    });

    it('MSA-1 AA with no PID is not found', () => {
      expect(read(ADR_A19_NO_PID, 'QRY0003')).toEqual({ status: 'not_found', candidates: [] });
    });

    it('MSA-1 CA with a PID is found', () => {
      const reply = hl7([
        msh({ type: 'ADR^A19', controlId: 'R' }),
        seg('MSA', { 1: 'CA', 2: 'Q1' }),
        PID_JAN,
      ]);
      expect(read(reply, 'Q1').status).toBe('found');
    });

    it('a bare ACK is a valid reply: AA without PID is not found, AR is a hospital error', () => {
      expect(read(BARE_ACK_AA, 'QRY0010')).toEqual({ status: 'not_found', candidates: [] });
      expect(read(BARE_ACK_AR, 'QRY0011')).toMatchObject({
        status: 'hospital_error',
        errorText: 'Message type not supported',
      });
    });

    it('never reads success into an unknown MSA-1', () => {
      const reply = hl7([
        msh({ type: 'ADR^A19', controlId: 'R' }),
        seg('MSA', { 1: 'OK', 2: 'Q1' }),
        PID_JAN,
      ]);
      expect(read(reply, 'Q1')).toMatchObject({
        status: 'hospital_error',
        reason: 'UNKNOWN_ACK_CODE',
        candidates: [],
      });
    });
  });

  describe("rule 10 in replies: the connection's patientIdTypes", () => {
    const codes = (patientIdTypes?: readonly string[]) =>
      read(ADR_A19_THREE_PIDS, 'QRY0001', undefined, patientIdTypes).candidates.map((c) => c.patientCode);

    it('without an authority, an MR anywhere beats an earlier PI (default types)', () => {
      expect(codes()).toEqual(['999111', '0042', '55555']);
    });

    it('follows the configured order', () => {
      expect(codes(['PI', 'MR'])).toEqual(['999111', '0042', '77777']);
      expect(codes(['PT'])).toEqual([undefined, undefined, undefined]);
    });
  });

  describe('rule 9: candidates', () => {
    it('makes one candidate per PID, in message order, none from NK1/GT1/IN1', () => {
      const result = read(ADR_A19_THREE_PIDS, 'QRY0001', 'AZSTJAN');
      expect(result.status).toBe('found');
      expect(
        result.candidates.map((candidate) => [
          candidate.patientCode,
          candidate.lastName,
          candidate.visitNumber,
        ]),
      ).toEqual([
        ['000123456', 'Dubois-Lemaître', 'V2024-0001'],
        ['0042', 'Van den Broeck', 'V2024-0002'],
        // Rule 10 a: the authority's first repetition that is not a national/visit/... number, PI or not.
        ['77777', "O'Brien", undefined],
      ]);
      expect(result.candidates[2]).toMatchObject({ firstName: 'Seán', birthDate: '1990', sex: 'unknown' });
      expect(result.candidates[1]).toMatchObject({ birthDate: '1985-07', email: 'jan.vdb@example.be' });
    });

    it('does not filter candidates against the query value', () => {
      // The query asked for 0042; the hospital sent three patients: all three are candidates.
      expect(read(ADR_A19_THREE_PIDS, 'QRY0001').candidates).toHaveLength(3);
    });

    it('reads a single-PID ADR^A19 and an RSP^K22 with \\n separators', () => {
      expect(read(ADR_A19_ONE_PID, 'QRY0002').candidates).toHaveLength(1);
      const rsp = read(RSP_K22_FOUND, 'QBP0001');
      expect(rsp.status).toBe('found');
      expect(rsp.candidates[0]).toMatchObject({
        patientCode: '0042',
        lastName: 'Van den Broeck',
        firstName: 'Jan',
        sex: 'male',
      });
    });
  });
});
