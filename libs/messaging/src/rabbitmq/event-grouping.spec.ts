import { PoisonMessageError } from '../transport';
import { MAX_EVENTS_PER_MESSAGE, readGroupedEvents } from './event-grouping';

describe('event-grouping', () => {
  const event = (id: string) => ({ id, correlationId: 'c', payload: { id } });

  it('reads a group of well-formed events, the trace context optional and a null payload kept', () => {
    const traced = { ...event('b'), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const empty = { id: 'c', correlationId: 'c', payload: null };
    expect(readGroupedEvents([event('a'), traced, empty])).toEqual([event('a'), traced, empty]);
  });

  it.each([
    ['not a list', { id: 'a' }],
    ['empty', []],
    ['too many', Array.from({ length: MAX_EVENTS_PER_MESSAGE + 1 }, (_, n) => event(`e${n}`))],
    ['a member without an id', [{ correlationId: 'c', payload: {} }]],
    ['a member with an id too long', [{ ...event('a'), id: 'x'.repeat(129) }]],
    ['a member without a payload', [{ id: 'a', correlationId: 'c' }]],
    ['a member whose trace context is not text', [{ ...event('a'), traceparent: 7 }]],
    ['a member that is not an object', ['a']],
  ])('refuses a group that is %s, as poison', (_case, body) => {
    expect(() => readGroupedEvents(body)).toThrow(PoisonMessageError);
  });
});
