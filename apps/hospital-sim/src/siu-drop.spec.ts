import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SIU_EVENT_MAP, parseHl7, readSiuMessage, splitHl7BatchSync } from '@bridge/hl7';
import { SIM_DATASET } from './dataset';
import { dropSiuDay } from './siu-drop';

describe('dropSiuDay', () => {
  it('writes a day of SIU messages that read by the rules: book, reschedule, cancel, unmapped', () => {
    const file = dropSiuDay(mkdtempSync(join(tmpdir(), 'siu-drop-')), {
      physicianCode: 'PHY001',
      now: new Date('2026-11-26T08:00:00Z'),
    });
    expect(file).toMatch(/siu-20261126\.hl7$/);
    const settings = {
      physicianField: 'AIP-3.1' as const,
      careFlowMap: [{ field: 'AIS-3.1', value: 'KNEE', careFlowDefinitionKey: 'knee-replacement' }],
      eventMap: DEFAULT_SIU_EVENT_MAP,
      patientIdAuthority: 'AZDEMO',
    };
    const read = splitHl7BatchSync(readFileSync(file)).map(({ raw }) =>
      readSiuMessage(parseHl7(raw), settings),
    );
    expect(
      read.map((message) => [message.action, message.appointmentId, message.careFlowDefinitionKey ?? null]),
    ).toEqual([
      ['start', 'APT-20261126-1', 'knee-replacement'],
      ['start', 'APT-20261126-2', 'knee-replacement'],
      ['start', 'APT-20261126-3', 'knee-replacement'],
      ['update', 'APT-20261126-2', 'knee-replacement'],
      ['stop', 'APT-20261126-3', 'knee-replacement'],
      ['start', 'APT-20261126-6', null],
    ]);
    expect(read[0]).toMatchObject({
      physicianCode: 'PHY001',
      appointmentDate: '2026-11-26T09:00',
      patient: { patientCode: SIM_DATASET[0].patientCode },
    });
  });
});
