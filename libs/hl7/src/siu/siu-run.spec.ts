import { siu } from '../__fixtures__/hl7-fixtures';
import { parseHl7 } from '../model/hl7.parser';
import { compareFileNamesBytewise, planSiuEffect, siuDuplicateKey, tallySiuOutcomes } from './siu-run';

describe('rule 19: file order', () => {
  it('sorts names by their UTF-8 bytes, not by locale or UTF-16 units', () => {
    const names = [
      'siu_b.hl7',
      'SIU_c.hl7',
      'siu_a.hl7',
      'siu_\u{1F600}.hl7',
      'siu_\uFF01.hl7',
      'siu_é.hl7',
      'siu_10.hl7',
      'siu_9.hl7',
    ];
    expect([...names].sort(compareFileNamesBytewise)).toEqual([
      'SIU_c.hl7',
      'siu_10.hl7',
      'siu_9.hl7',
      'siu_a.hl7',
      'siu_b.hl7',
      'siu_é.hl7',
      'siu_\uFF01.hl7',
      'siu_\u{1F600}.hl7',
    ]);
    expect(compareFileNamesBytewise(Buffer.from('a'), 'b')).toBeLessThan(0);
  });
});

describe('rule 25: planSiuEffect', () => {
  it.each([
    ['start', false, true, 'create_appointment'],
    ['start', true, true, 'none'],
    ['update', true, true, 'update_appointment'],
    ['update', false, true, 'create_appointment'],
    ['stop', true, true, 'stop_appointment'],
    ['stop', false, true, 'none'],
    ['ignore', false, true, 'none'],
    ['ignore', true, true, 'none'],
    ['start', false, false, 'none'],
    ['update', false, false, 'none'],
    ['update', true, false, 'update_appointment'],
    ['stop', true, false, 'stop_appointment'],
  ] as const)(
    '%s with appointment known=%s, mapped=%s -> %s',
    (action, appointmentKnown, careFlowMapped, effect) => {
      expect(planSiuEffect({ action, appointmentKnown, careFlowMapped })).toBe(effect);
    },
  );
});

describe('rule 27: duplicate key', () => {
  const key = (text: string) => siuDuplicateKey(parseHl7(text));

  it('is the same for the same MSH-3, MSH-4 and MSH-10, whatever the rest', () => {
    expect(key(siu({ event: 'S12', controlId: 'M1' }))).toBe(key(siu({ event: 'S14', controlId: 'M1' })));
  });

  it('treats trailing empty HD components as absent', () => {
    const base = siu({ event: 'S12', controlId: 'M1' });
    expect(key(base.replace('|AGENDA|', '|AGENDA^^|'))).toBe(key(base));
  });

  it('differs when the sender, its facility or the control id differ', () => {
    const base = siu({ event: 'S12', controlId: 'M1' });
    expect(key(base)).not.toBe(key(siu({ event: 'S12', controlId: 'M2' })));
    expect(key(base)).not.toBe(key(base.replace('|AGENDA|', '|OTHER|')));
    expect(key(base)).not.toBe(key(base.replace('|AZSTJAN|', '|UZGENT|')));
    // No separator trick can make two different triples collide.
    expect(key(base.replace('|AGENDA|AZSTJAN|', '|AGENDA\\T\\A|ZSTJAN|'))).not.toBe(
      key(base.replace('|AGENDA|AZSTJAN|', '|AGENDA|A\\T\\ZSTJAN|')),
    );
  });
});

describe('rule 28: run counts', () => {
  it('counts duplicates and no-op messages as processed, failures apart', () => {
    expect(tallySiuOutcomes(['processed', 'duplicate', 'failed', 'processed', 'duplicate'])).toEqual({
      messagesProcessed: 4,
      messagesFailed: 1,
      messagesDuplicate: 2,
    });
    expect(tallySiuOutcomes([])).toEqual({ messagesProcessed: 0, messagesFailed: 0, messagesDuplicate: 0 });
  });
});
