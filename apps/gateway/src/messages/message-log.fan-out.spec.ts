import { DomainError, type MessageLogEntryV1, type MessageViewV1 } from '@bridge/contracts';
import type { Bus } from '@bridge/messaging';
import { decodePageCursor } from '../http/page-cursor';
import { getMessage, listMessages } from './message-log.fan-out';

/** `id` is one hex digit; `at` a time to the microsecond, as the journals give it. */
function entry(id: string, at: string, channel: MessageViewV1['channel']): MessageLogEntryV1 {
  const uuid = `0000000${id}-0000-4000-8000-000000000000`;
  const createdAt = `${at.slice(0, 23)}Z`;
  return {
    id: uuid,
    hospitalId: 'h',
    channel,
    direction: 'outbound',
    type: 'T',
    status: 'replied',
    createdAt,
    position: { at, id: uuid },
  };
}

const ids = (page: { messages: MessageViewV1[] }) => page.messages.map((m) => m.id[7]);

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
          entry('a', '2026-01-01T10:00:03.000000Z', 'a19'),
          entry('b', '2026-01-01T10:00:01.000000Z', 'a19'),
        ],
        'imports.messages.list.v1': [entry('c', '2026-01-01T10:00:02.000000Z', 'webservice')],
        'siu.messages.list.v1': [entry('d', '2026-01-01T10:00:00.000000Z', 'siu-file')],
      },
      calls,
    );
    const page = await listMessages(bus, { status: 'replied' });
    expect(ids(page)).toEqual(['a', 'c', 'b', 'd']);
    expect(page.nextCursor).toBeUndefined();
    expect(page.messages[0]).not.toHaveProperty('position');
    expect(calls).toEqual([
      ['hl7.messages.list.v1', { status: 'replied', limit: 101 }],
      ['imports.messages.list.v1', { status: 'replied', limit: 101 }],
      ['siu.messages.list.v1', { status: 'replied', limit: 101 }],
    ]);
  });

  it('orders by the microsecond and then the id, as the journals do, not by the rounded createdAt', async () => {
    const bus = fakeBus({
      'hl7.messages.list.v1': [
        entry('a', '2026-01-01T10:00:00.000900Z', 'a19'),
        entry('f', '2026-01-01T10:00:00.000100Z', 'a19'),
      ],
      'imports.messages.list.v1': [entry('b', '2026-01-01T10:00:00.000900Z', 'webservice')],
      'siu.messages.list.v1': [entry('c', '2026-01-01T10:00:00.000500Z', 'siu-file')],
    });
    expect(ids(await listMessages(bus, {}))).toEqual(['b', 'a', 'c', 'f']);
  });

  it('gives a cursor at the last entry shown when more follow, and passes a cursor on as a position', async () => {
    const calls: [string, unknown][] = [];
    const bus = fakeBus(
      {
        'hl7.messages.list.v1': [
          entry('a', '2026-01-01T10:00:03.000001Z', 'a19'),
          entry('b', '2026-01-01T10:00:01.000001Z', 'a19'),
        ],
        'imports.messages.list.v1': [entry('c', '2026-01-01T10:00:02.000001Z', 'webservice')],
        'siu.messages.list.v1': [],
      },
      calls,
    );
    const first = await listMessages(bus, { limit: 2 });
    expect(ids(first)).toEqual(['a', 'c']);
    expect(decodePageCursor(first.nextCursor)).toEqual(
      entry('c', '2026-01-01T10:00:02.000001Z', 'a19').position,
    );
    calls.length = 0;
    await listMessages(bus, { limit: 2, cursor: first.nextCursor });
    expect(calls[0][1]).toEqual({
      limit: 3,
      after: { at: '2026-01-01T10:00:02.000001Z', id: '0000000c-0000-4000-8000-000000000000' },
    });
  });

  it('refuses a cursor it did not make before asking any journal', async () => {
    const calls: [string, unknown][] = [];
    const bus = fakeBus({}, calls);
    for (const cursor of ['nonsense', Buffer.from('2026-01-01|x').toString('base64url'), '']) {
      await expect(listMessages(bus, { cursor })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    }
    expect(calls).toEqual([]);
  });

  it('keeps only the newest `limit` entries of the merge', async () => {
    const bus = fakeBus({
      'hl7.messages.list.v1': [
        entry('a', '2026-01-01T10:00:04.000000Z', 'a19'),
        entry('b', '2026-01-01T10:00:01.000000Z', 'a19'),
      ],
      'imports.messages.list.v1': [
        entry('c', '2026-01-01T10:00:03.000000Z', 'webservice'),
        entry('d', '2026-01-01T10:00:02.000000Z', 'webservice'),
      ],
      'siu.messages.list.v1': [],
    });
    expect(ids(await listMessages(bus, { limit: 2 }))).toEqual(['a', 'c']);
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
    const detail = { ...entry('e', '2026-01-01T10:00:00.000000Z', 'webservice'), raw: 'GET /Patient' };
    const bus = fakeBus({
      'hl7.messages.get.v1': notFound,
      'imports.messages.get.v1': detail,
      'siu.messages.get.v1': notFound,
    });
    await expect(getMessage(bus, detail.id)).resolves.toEqual(detail);
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
