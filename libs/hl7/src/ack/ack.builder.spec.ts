import { hl7, msh, seg, siu } from '../__fixtures__/hl7-fixtures';
import { parseHl7 } from '../model/hl7.parser';
import { buildAck, buildRejectAck, recoverAckTarget } from './ack.builder';

const at = new Date('2024-04-01T08:00:00Z');

describe('buildAck', () => {
  const received = parseHl7(
    hl7([
      seg('MSH', {
        3: 'AGENDA^1.2.3^ISO',
        4: 'AZSTJAN',
        5: 'CAREFLOW',
        6: 'BRIDGE',
        7: '20240401',
        9: 'SIU^S12^SIU_S12',
        10: 'SIU0001',
        11: 'T',
        12: '2.5',
        18: '8859/1',
      }),
      seg('SCH', { 1: 'P1' }),
    ]),
  );

  it('answers AA with MSA-2 = the received MSH-10 and sender/receiver swapped', () => {
    const ack = buildAck(received, { code: 'AA', controlId: 'ACK1', at });
    expect(ack).toBe(
      'MSH|^~\\&|CAREFLOW|BRIDGE|AGENDA^1.2.3^ISO|AZSTJAN|20240401080000+0000||ACK^S12^ACK|ACK1|T|2.5||||||8859/1\rMSA|AA|SIU0001\r',
    );
    const parsed = parseHl7(ack);
    expect(parsed.get('MSA-2')).toBe(received.controlId);
    expect(parsed.receivingApplication).toBe(received.sendingApplication);
    expect(parsed.sendingApplication).toBe(received.receivingApplication);
  });

  it('adds a v2.5 ERR to an AE, with the text escaped', () => {
    const ack = parseHl7(
      buildAck(received, {
        code: 'AE',
        text: 'PID-3 missing | no id',
        controlId: 'ACK2',
        at,
        errorCode: '101',
      }),
    );
    expect(ack.get('MSA-1')).toBe('AE');
    expect(ack.get('MSA-3')).toBe('PID-3 missing | no id');
    expect(ack.get('ERR-3.1')).toBe('101');
    expect(ack.get('ERR-3.2')).toBe('Required field missing');
    expect(ack.get('ERR-4')).toBe('E');
    expect(ack.get('ERR-8')).toBe('PID-3 missing | no id');
  });

  it('uses the v2.3 ERR-1 layout for older versions and plain ACK^event', () => {
    const target = {
      controlId: 'M1',
      sendingApplication: 'HIS',
      sendingFacility: 'AZ',
      receivingApplication: 'CF',
      receivingFacility: 'BR',
      version: '2.3',
      event: 'A19',
    };
    const ack = parseHl7(buildAck(target, { code: 'CR', text: 'rejected', controlId: 'A1', at }));
    expect(ack.type).toBe('ACK^A19');
    expect(ack.get('MSH-9.3')).toBe('');
    expect(ack.get('ERR-1.4.1')).toBe('207');
    expect(ack.get('ERR-1.4.2')).toBe('Application internal error');
    expect(ack.sendingApplication).toBe('CF');
    expect(ack.receivingFacility).toBe('AZ');
  });

  it('adds no ERR to an AA', () => {
    expect(
      parseHl7(buildAck(received, { code: 'CA', text: 'fine', controlId: 'A', at })).first('ERR'),
    ).toBeUndefined();
  });
});

describe('recoverAckTarget and buildRejectAck', () => {
  it('recovers MSH-10 and the sender from a message the parser rejects', () => {
    const damaged = `\x00\x01MSH|^~\\&|AGENDA|AZSTJAN|CF|BR|20240401||SIU^S12|SIU0042|P|2.5\rMSH|^~\\&|second`;
    expect(() => parseHl7(damaged)).toThrow();
    expect(recoverAckTarget(damaged)).toMatchObject({
      controlId: 'SIU0042',
      sendingApplication: 'AGENDA',
      event: 'S12',
    });
    const ack = parseHl7(
      buildRejectAck(Buffer.from(damaged, 'latin1'), { text: 'unreadable', controlId: 'A9', at }),
    );
    expect(ack.get('MSA-1')).toBe('AR');
    expect(ack.get('MSA-2')).toBe('SIU0042');
    expect(ack.receivingApplication).toBe('AGENDA');
  });

  it('rule 29: locates MSH-10 on the bytes when MSH-2 itself cannot be read', () => {
    // A UTF-8 replacement character (EF BF BD) where `~` belongs: read byte-wise, MSH-2 has 6 characters.
    const damaged = Buffer.concat([
      Buffer.from('MSH|^', 'latin1'),
      Buffer.from([0xef, 0xbf, 0xbd]),
      Buffer.from(
        '\\&|PAMS|IHE|CF|BR|20111219123224||ADT^A01^ADT_A01|20111219123224|P|2.5||||||UNICODE UTF-8\rPID|||1^^^A^PI\r',
        'latin1',
      ),
    ]);
    expect(() => parseHl7(damaged)).toThrow(expect.objectContaining({ code: 'HL7_BAD_DELIMITERS' }));
    expect(recoverAckTarget(damaged)).toMatchObject({
      controlId: '20111219123224',
      sendingApplication: 'PAMS',
      event: 'A01',
      version: '2.5',
    });
    const ack = parseHl7(buildRejectAck(damaged, { text: 'unreadable header', controlId: 'A11', at }));
    expect(ack.get('MSA-1')).toBe('AR');
    expect(ack.get('MSA-2')).toBe('20111219123224');
  });

  it('rule 29: a repeated encoding character leaves MSH-1 and the characters before it usable', () => {
    const target = recoverAckTarget('MSH|^^\\&|APP|FAC|||2024||SIU^S12|C-7|P|2.5');
    expect(target).toMatchObject({ controlId: 'C-7', sendingApplication: 'APP', event: 'S12' });
    expect(recoverAckTarget('MSHA^~\\&A|B')).toBeUndefined();
  });

  it('answers AR with an empty MSA-2 when no control id can be recovered', () => {
    const ack = parseHl7(
      buildRejectAck('\x0b random bytes', {
        controlId: 'A10',
        at,
        sendingApplication: 'CAREFLOW',
        sendingFacility: 'BRIDGE',
      }),
    );
    expect(ack.get('MSA-1')).toBe('AR');
    expect(ack.get('MSA-2')).toBe('');
    expect(ack.sendingApplication).toBe('CAREFLOW');
    expect(ack.controlId).toBe('A10');
  });

  it('recovers from a truncated MSH and strips control characters', () => {
    expect(recoverAckTarget('MSH|^~\\&|A|B|C|D|2024||SIU^S12|ID\x07X')?.controlId).toBe('IDX');
    expect(recoverAckTarget(siu({ event: 'S12', controlId: 'OK1' }))?.controlId).toBe('OK1');
    expect(recoverAckTarget('MSH')).toBeUndefined();
  });

  it('builds an ACK for a message with a bare ACK type', () => {
    const ack = parseHl7(
      buildAck(parseHl7(hl7([msh({ type: 'ACK', controlId: 'X1' })])), { code: 'AA', controlId: 'Y', at }),
    );
    expect(ack.type).toBe('ACK');
    expect(ack.get('MSA-2')).toBe('X1');
  });
});
