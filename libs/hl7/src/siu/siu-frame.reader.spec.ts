import { batch, seg, siu } from '../__fixtures__/hl7-fixtures';
import { splitHl7BatchSync } from '../model/hl7-batch.splitter';
import { readSiuFrame } from './siu-frame.reader';
import type { SiuSettings } from './siu.types';

const settings: SiuSettings = {
  careFlowMap: [{ field: 'AIS-3.1', value: 'KNEE', careFlowDefinitionKey: 'knee' }],
};

describe('rule 26: one bad message fails alone', () => {
  it('reads every good message of a file and reports each bad one with its MSH-10', () => {
    const file = batch([
      siu({ event: 'S12', controlId: 'OK1' }),
      siu({ event: 'S12', controlId: 'NOID', pid: seg('PID', { 3: '^^^AZ^MR', 5: 'X^Y' }) }),
      'MSH|^~\\&|AGENDA|AZ|CF|BR|20240401\r', // truncated before MSH-9
      siu({ event: 'S14', controlId: 'OK2' }),
    ]);
    const results = splitHl7BatchSync(Buffer.from(file)).map((item) => readSiuFrame(item.raw, settings));
    expect(
      results.map((result) =>
        result.ok ? `ok:${result.appointment.controlId}` : `${result.code}:${result.controlId}`,
      ),
    ).toEqual(['ok:OK1', 'SIU_NO_PATIENT_ID:NOID', 'HL7_TRUNCATED:', 'ok:OK2']);
  });

  it('recovers the control id of a message the parser cannot read', () => {
    const damaged = Buffer.from('MSH|^^^|AGENDA|AZ|CF|BR|20240401||SIU^S12|DMG1|P|2.5\rPID|1||1^^^AZ^MR\r');
    expect(readSiuFrame(damaged, settings)).toMatchObject({ ok: false, code: 'HL7_BAD_DELIMITERS' });
    const damaged2 = Buffer.from(
      'MSH|^~\\&|AGENDA|AZ|CF|BR|20240401||SIU^S12|DMG2|P|2.5\rPID|1||1^^^AZ^MR\rMSH|^~\\&|X\r',
    );
    expect(readSiuFrame(damaged2, settings)).toMatchObject({
      ok: false,
      code: 'HL7_MULTIPLE_MESSAGES',
      controlId: 'DMG2',
    });
  });

  it('reads with the connection charset unless MSH-18 says otherwise', () => {
    const latin1 = Buffer.from(siu({ event: 'S12', controlId: 'L1' }), 'latin1');
    const result = readSiuFrame(latin1, settings, { charset: 'latin1' });
    expect(result.ok && result.appointment.patient.firstName).toBe('Françoise');
    expect(result.ok && result.duplicateKey).toBe(JSON.stringify([['AGENDA'], ['AZSTJAN'], 'L1']));
  });
});
