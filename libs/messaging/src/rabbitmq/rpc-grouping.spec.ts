import { MAX_REQUESTS_PER_MESSAGE, readGroupedReplies, readGroupedRequests } from './rpc-grouping';

describe('rpc-grouping', () => {
  const request = (id: string) => ({ id, correlationId: 'c', deadline: 1_000, payload: { id } });

  it('reads a group of well-formed requests, the trace context optional', () => {
    const traced = {
      ...request('b'),
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    };
    expect(readGroupedRequests([request('a'), traced])).toEqual([request('a'), traced]);
  });

  it.each([
    ['not a list', { id: 'a' }],
    ['empty', []],
    ['too many', Array.from({ length: MAX_REQUESTS_PER_MESSAGE + 1 }, (_, n) => request(`r${n}`))],
    ['a member without a deadline', [{ id: 'a', correlationId: 'c', payload: {} }]],
    ['a member with an empty id', [{ ...request('a'), id: '' }]],
    ['a member whose trace context is not text', [{ ...request('a'), traceparent: 7 }]],
  ])('refuses a group that is %s', (_case, body) => {
    expect(() => readGroupedRequests(body)).toThrow(/grouped request/);
  });

  it('keeps the replies that are [id, envelope] and skips the rest', () => {
    const ok = ['a', { ok: true, result: 1 }];
    const failed = ['b', { ok: false, error: { code: 'NOT_FOUND', message: 'x' } }];
    expect(readGroupedReplies([ok, ['c'], [7, { ok: true }], ['d', { result: 1 }], failed])).toEqual([
      ok,
      failed,
    ]);
    expect(readGroupedReplies({ not: 'a list' })).toEqual([]);
  });
});
