import { DomainError } from '@bridge/contracts';
import { MllpError, type Demographics, type QueryReply } from '@bridge/hl7';
import {
  answersTheQuery,
  replyOutcome,
  toDemographicsV1,
  transportOutcome,
  unreadableOutcome,
} from './query-outcome';

const MESSAGE_ID = '6f1c1c1e-0000-4000-8000-000000000001';

const JAN: Demographics = {
  patientCode: '000123',
  firstName: 'Jan',
  lastName: 'Peeters',
  birthDate: '1985-07',
  sex: 'male',
  identifiers: [
    { system: 'AZSTJAN', value: '000123', type: 'MR' },
    { system: '', value: 'untyped-and-unauthorised' },
  ],
};

describe('transportOutcome: MLLP failures become problem codes', () => {
  it.each([
    ['MLLP_TIMEOUT', 'HOSPITAL_TIMEOUT', 'TIMEOUT'],
    ['MLLP_CONNECTION_REFUSED', 'HOSPITAL_ERROR', 'CONNECTION_REFUSED'],
    ['MLLP_CONNECTION_FAILED', 'HOSPITAL_ERROR', 'CONNECTION_FAILED'],
    ['MLLP_TLS_ERROR', 'HOSPITAL_ERROR', 'TLS_ERROR'],
    ['MLLP_CONNECTION_CLOSED', 'HOSPITAL_ERROR', 'CONNECTION_CLOSED'],
    ['MLLP_FRAME_TOO_LARGE', 'HOSPITAL_ERROR', 'REPLY_TOO_LARGE'],
  ] as const)('%s -> %s (%s), journaled as failed', (mllpCode, code, reason) => {
    const outcome = transportOutcome(
      new MllpError(mllpCode, 'technical text from 10.0.0.1:2575'),
      MESSAGE_ID,
    );
    expect(outcome.failure).toBeInstanceOf(DomainError);
    expect(outcome.failure).toMatchObject({ code, details: { messageId: MESSAGE_ID, reason } });
    // The technical text is for the admin's log, not the clinical user.
    expect(outcome.failure?.message).not.toContain('10.0.0.1');
    expect(outcome.end).toMatchObject({ status: 'failed', summary: { outcome: 'failed', reason } });
    expect(outcome.end.error).toContain(mllpCode);
    expect(outcome.candidates).toEqual([]);
  });
});

describe('unreadableOutcome', () => {
  it('is a HOSPITAL_ERROR that keeps the raw reply for the journal', () => {
    const outcome = unreadableOutcome('HL7_NO_MSH', 'garbage', MESSAGE_ID);
    expect(outcome.failure).toMatchObject({
      code: 'HOSPITAL_ERROR',
      details: { reason: 'UNREADABLE_REPLY' },
    });
    expect(outcome.end).toMatchObject({
      status: 'failed',
      rawIn: 'garbage',
      error: 'unreadable reply: HL7_NO_MSH',
    });
  });
});

describe('replyOutcome: rules 7-8 outcomes', () => {
  const context = { rawIn: 'MSH|...', messageId: MESSAGE_ID, hospitalText: '' };

  it('found -> candidates, journaled as replied with counts only (no PHI in the summary)', () => {
    const reply: QueryReply = { status: 'found', candidates: [JAN, { sex: 'unknown', identifiers: [] }] };
    const outcome = replyOutcome(reply, context);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.candidates).toHaveLength(2);
    expect(outcome.end).toEqual({
      status: 'replied',
      rawIn: 'MSH|...',
      summary: { outcome: 'found', candidates: 2, incomplete: 1 },
    });
    expect(JSON.stringify(outcome.end.summary)).not.toContain('Peeters');
  });

  it('not_found -> PATIENT_NOT_FOUND_AT_HOSPITAL, journaled as replied', () => {
    const outcome = replyOutcome({ status: 'not_found', candidates: [] }, context);
    expect(outcome.failure).toMatchObject({
      code: 'PATIENT_NOT_FOUND_AT_HOSPITAL',
      details: { messageId: MESSAGE_ID },
    });
    expect(outcome.end).toMatchObject({
      status: 'replied',
      summary: { outcome: 'not_found', candidates: 0 },
    });
  });

  it.each(['MSA_REJECTED', 'QAK_REJECTED', 'UNKNOWN_ACK_CODE'] as const)(
    '%s -> HOSPITAL_ERROR carrying the hospital text in details, not in the message',
    (reason) => {
      const reply: QueryReply = {
        status: 'hospital_error',
        candidates: [],
        reason,
        errorText: 'Patient Peeters locked',
      };
      const outcome = replyOutcome(reply, { ...context, hospitalText: 'Patient Peeters locked' });
      expect(outcome.failure).toMatchObject({
        code: 'HOSPITAL_ERROR',
        details: { reason, hospitalText: 'Patient Peeters locked', messageId: MESSAGE_ID },
      });
      expect(outcome.failure?.message).not.toContain('Peeters');
      expect(outcome.end).toMatchObject({ status: 'failed', error: 'Patient Peeters locked' });
      expect(outcome.end.summary).toEqual({ outcome: 'hospital_error', reason });
    },
  );

  it('an AE without any hospital text has no hospitalText (our own description is not the hospital speaking)', () => {
    const reply: QueryReply = {
      status: 'hospital_error',
      candidates: [],
      reason: 'MSA_REJECTED',
      errorText: 'the hospital answered MSA-1 AE',
    };
    const outcome = replyOutcome(reply, context);
    expect(outcome.failure?.details).not.toHaveProperty('hospitalText');
    expect(outcome.end.error).toBe('the hospital answered MSA-1 AE');
  });

  it('a mismatched MSA-2 is a HOSPITAL_ERROR whose text is never shown as this query’s (rule 7)', () => {
    const reply: QueryReply = {
      status: 'hospital_error',
      candidates: [],
      reason: 'CONTROL_ID_MISMATCH',
      errorText: 'the reply acknowledges MSA-2 "X", not the query\'s MSH-10 "Y"',
    };
    const outcome = replyOutcome(reply, { ...context, hospitalText: 'text for another query' });
    expect(outcome.failure).toMatchObject({
      code: 'HOSPITAL_ERROR',
      details: { reason: 'CONTROL_ID_MISMATCH' },
    });
    expect(outcome.failure?.details).not.toHaveProperty('hospitalText');
    expect(outcome.end.error).toContain('MSA-2');
  });

  it('a reply without MSA is a HOSPITAL_ERROR', () => {
    const outcome = replyOutcome(
      { status: 'hospital_error', candidates: [], reason: 'NO_MSA', errorText: 'no MSA' },
      context,
    );
    expect(outcome.failure).toMatchObject({ code: 'HOSPITAL_ERROR', details: { reason: 'NO_MSA' } });
  });
});

describe('answersTheQuery: whether the connection may carry the next query', () => {
  const context = { rawIn: 'MSH|...', messageId: MESSAGE_ID, hospitalText: '' };
  const rejected = (reason: NonNullable<QueryReply['reason']>) =>
    replyOutcome({ status: 'hospital_error', candidates: [], reason, errorText: reason }, context);

  it('yes after a reply acknowledging the query: found, not found, an AE/AR in MSA or QAK', () => {
    expect(answersTheQuery(replyOutcome({ status: 'found', candidates: [JAN] }, context))).toBe(true);
    expect(answersTheQuery(replyOutcome({ status: 'not_found', candidates: [] }, context))).toBe(true);
    expect(answersTheQuery(rejected('MSA_REJECTED'))).toBe(true);
    expect(answersTheQuery(rejected('QAK_REJECTED'))).toBe(true);
  });

  it('no after a reply that may be another query’s, or that could not be read', () => {
    for (const reason of ['CONTROL_ID_MISMATCH', 'NO_MSA', 'UNKNOWN_ACK_CODE'] as const) {
      expect(answersTheQuery(rejected(reason))).toBe(false);
    }
    expect(answersTheQuery(unreadableOutcome('HL7_NO_MSH', 'garbage', MESSAGE_ID))).toBe(false);
  });
});

describe('toDemographicsV1', () => {
  it('keeps the fields, drops identifier types and identifiers without a system', () => {
    expect(toDemographicsV1(JAN)).toEqual({
      patientCode: '000123',
      firstName: 'Jan',
      lastName: 'Peeters',
      birthDate: '1985-07',
      sex: 'male',
      identifiers: [{ system: 'AZSTJAN', value: '000123' }],
    });
  });

  it('keeps a candidate without patient code or names, with empty strings, and sex unknown', () => {
    expect(toDemographicsV1({ sex: 'unknown', identifiers: [] })).toEqual({
      patientCode: '',
      firstName: '',
      lastName: '',
      sex: 'unknown',
      identifiers: [],
    });
  });
});
