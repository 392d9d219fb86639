import { DomainError, type MessageViewV1 } from '@bridge/contracts';
import type { Bus } from '@bridge/messaging';
import { getMessage, listMessages } from './message-log.fan-out';

function entry(id: string, createdAt: string, channel: MessageViewV1['channel']): MessageViewV1 {
  return { id, hospitalId: 'h', channel, direction: 'outbound', type: 'T', status: 'replied', createdAt };
}

/** A bus answering each pattern from a table; a function value may throw. */
function fakeBus(answers: Record<string, unknown>, calls: [string, unknown][] = []): Bus {
  return {
    request: (pattern: string, payload: unknown) => {
      calls.push([pattern, payload]);
      const answer = answers[pattern];
      return typeof answer === 'function'
        ? Promise.resolve().then(() => (answer as () => unknown)())
        : Promise.resolve(answer);
    },
  } as unknown as Bus;
}

describe('listMessages', () => {
  it('asks every journal with the same filters and the limit, and merges newest first', async () => {
    const calls: [string, unknown][] = [];
    const bus = fakeBus(
      {
        'hl7.messages.list.v1': [
          entry('a', '2026-01-01T10:00:03Z', 'a19'),
          entry('b', '2026-01-01T10:00:01Z', 'a19'),
        ],
        'imports.messages.list.v1': [entry('c', '2026-01-01T10:00:02Z', 'webservice')],
        'siu.messages.list.v1': [entry('d', '2026-01-01T10:00:00Z', 'siu-file')],
      },
      calls,
    );
    const merged = await listMessages(bus, { status: 'replied' });
    expect(merged.map((m) => m.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(calls).toEqual([
      ['hl7.messages.list.v1', { status: 'replied', limit: 100 }],
      ['imports.messages.list.v1', { status: 'replied', limit: 100 }],
      ['siu.messages.list.v1', { status: 'replied', limit: 100 }],
    ]);
  });

  it('keeps only the newest `limit` entries of the merge', async () => {
    const bus = fakeBus({
      'hl7.messages.list.v1': [
        entry('a', '2026-01-01T10:00:04Z', 'a19'),
        entry('b', '2026-01-01T10:00:01Z', 'a19'),
      ],
      'imports.messages.list.v1': [
        entry('c', '2026-01-01T10:00:03Z', 'webservice'),
        entry('d', '2026-01-01T10:00:02Z', 'webservice'),
      ],
      'siu.messages.list.v1': [],
    });
    expect((await listMessages(bus, { limit: 2 })).map((m) => m.id)).toEqual(['a', 'c']);
  });

  it('fails when a journal fails (a partial log would hide messages)', async () => {
    const bus = fakeBus({
      'hl7.messages.list.v1': [],
      'imports.messages.list.v1': () => {
        throw new DomainError('RPC_TIMEOUT', 'slow');
      },
    });
    await expect(listMessages(bus, {})).rejects.toMatchObject({ code: 'RPC_TIMEOUT' });
  });
});

describe('getMessage', () => {
  const notFound = () => {
    throw new DomainError('NOT_FOUND', 'No such message.');
  };

  it('answers with whichever journal knows the id', async () => {
    const detail = { ...entry('w', '2026-01-01T10:00:00Z', 'webservice'), raw: 'GET /Patient' };
    const bus = fakeBus({
      'hl7.messages.get.v1': notFound,
      'imports.messages.get.v1': detail,
      'siu.messages.get.v1': notFound,
    });
    await expect(getMessage(bus, 'w')).resolves.toEqual(detail);
  });

  it('is NOT_FOUND when no journal knows it', async () => {
    const bus = fakeBus({
      'hl7.messages.get.v1': notFound,
      'imports.messages.get.v1': notFound,
      'siu.messages.get.v1': notFound,
    });
    await expect(getMessage(bus, 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('passes on any other failure rather than calling the message unknown', async () => {
    const bus = fakeBus({
      'hl7.messages.get.v1': notFound,
      'imports.messages.get.v1': () => {
        throw new DomainError('SERVICE_UNAVAILABLE', 'down');
      },
      'siu.messages.get.v1': notFound,
    });
    await expect(getMessage(bus, 'x')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
