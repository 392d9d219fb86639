import { readMessageHeader } from './message-header';

describe('readMessageHeader', () => {
  it('reads type, control id, sender and facility from the MSH line alone', () => {
    const raw = Buffer.from(
      'MSH|^~\\&|AGENDA^1.2^ISO|AZ|CF|BR|20240401||SIU^S12^SIU_S12|C001|P|2.5\rPID|1||0042^^^AZ^MR\r',
    );
    expect(readMessageHeader(raw)).toEqual({
      type: 'SIU^S12',
      controlId: 'C001',
      sendingApplication: 'AGENDA',
      sendingFacility: 'AZ',
    });
  });

  it('reads the appointment key from SCH-2.1, else SCH-1.1 (rule 21)', () => {
    const msh = 'MSH|^~\\&|AGENDA|AZ|CF|BR|20240401||SIU^S14|C002|P|2.5\r';
    expect(readMessageHeader(Buffer.from(`${msh}SCH|PLC1^X|FIL9^Y\rPID|1\r`)).appointmentKey).toBe('FIL9');
    expect(readMessageHeader(Buffer.from(`${msh}SCH|PLC1^X|\rPID|1\r`)).appointmentKey).toBe('PLC1');
    expect(readMessageHeader(Buffer.from(`${msh}PID|1\r`)).appointmentKey).toBeUndefined();
  });

  it('recovers what it can from a damaged header, and answers empty values for no header at all', () => {
    expect(readMessageHeader(Buffer.from('MSH|^~\\&|APP|FAC|||||||\rgarbage')).controlId).toBe('');
    expect(readMessageHeader(Buffer.from('not hl7 at all\r'))).toEqual({
      type: '',
      controlId: '',
      sendingApplication: '',
      sendingFacility: '',
    });
  });
});
