import { diff } from './config-diff';

describe('configuration diff', () => {
  it('is empty for equal documents whatever their key order', () => {
    expect(diff({ a: 1, b: { c: [1, 2], d: 'x' } }, { b: { d: 'x', c: [1, 2] }, a: 1 }, [])).toEqual([]);
  });

  it('names each changed leaf by JSON path, and whole array elements added or removed', () => {
    expect(
      diff(
        { hl7: { port: 1 }, list: [{ a: 1 }, { a: 2 }] },
        { hl7: { port: 2, tls: true }, list: [{ a: 3 }] },
        [],
      ),
    ).toEqual([
      { path: '$.hl7.port', change: 'changed', from: 1, to: 2 },
      { path: '$.hl7.tls', change: 'added', to: true },
      { path: '$.list[0].a', change: 'changed', from: 1, to: 3 },
      { path: '$.list[1]', change: 'removed', from: { a: 2 } },
    ]);
  });

  it('reads a section that appears as one added per field, and an empty array as a value', () => {
    expect(diff(null, { host: 'h', rules: [] }, [])).toEqual([
      { path: '$.host', change: 'added', to: 'h' },
      { path: '$.rules', change: 'added', to: [] },
    ]);
  });

  it('never shows a secret value: stored ones read {"secret":"set"}, new ones {"secret":"new"}', () => {
    const secrets = ['auth.password'];
    expect(
      diff({ auth: { password: { secret: 'set' } } }, { auth: { password: { secret: 'set' } } }, secrets),
    ).toEqual([]);
    const changed = diff(
      { auth: { password: { secret: 'set' } } },
      { auth: { password: 'hunter2' } },
      secrets,
    );
    expect(changed).toEqual([
      { path: '$.auth.password', change: 'changed', from: { secret: 'set' }, to: { secret: 'new' } },
    ]);
    expect(diff(null, { auth: { type: 'basic', password: 'hunter2' } }, secrets)).toEqual([
      { path: '$.auth.password', change: 'added', to: { secret: 'new' } },
      { path: '$.auth.type', change: 'added', to: 'basic' },
    ]);
    expect(JSON.stringify(diff({ auth: { password: { secret: 'set' } } }, null, secrets))).not.toContain(
      'hunter2',
    );
  });
});
