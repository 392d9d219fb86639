import { DestinationPolicy } from './destination-policy';
import { SelfTestRecorder, probeName } from './connection-probe';

describe('connection probes', () => {
  const policy = (answers: Record<string, string[]>) =>
    new DestinationPolicy({
      allowLoopback: false,
      platformEndpoints: [],
      resolveAll: async (host) => {
        const addresses = answers[host];
        if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        return addresses.map((address) => ({ address, family: 4 as const }));
      },
    });

  it('answers the checked address of a name', async () => {
    const outcome = await probeName(policy({ 'his.example': ['10.1.2.3'] }), 'his.example', 2575);
    expect(outcome).toEqual({
      ok: true,
      detail: 'his.example resolves to 10.1.2.3.',
      value: { address: '10.1.2.3', family: 4 },
    });
  });

  it('applies the destination policy exactly as a real exchange: a name that resolves to link-local is refused', async () => {
    const outcome = await probeName(
      policy({ 'metadata.example': ['169.254.169.254'] }),
      'metadata.example',
      80,
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(
      /^Refused by the platform's destination policy: 169\.254\.169\.254 is a link-local address/,
    );
  });

  it('explains a name that does not exist', async () => {
    const outcome = await probeName(policy({}), 'nowhere.example', 2575);
    expect(outcome).toEqual({
      ok: false,
      detail: expect.stringMatching(/nowhere\.example does not exist in DNS \(ENOTFOUND\)/),
    });
  });

  it('records steps in order with timings, and a step that throws as a failure', async () => {
    const test = new SelfTestRecorder();
    expect(await test.step('first', async () => ({ ok: true, detail: 'fine', value: 1 }))).toBe(1);
    expect(
      await test.step('second', async () => {
        throw new Error('boom');
      }),
    ).toBeUndefined();
    const result = test.result();
    expect(result.ok).toBe(false);
    expect(result.steps).toEqual([
      { name: 'first', ok: true, ms: expect.any(Number), detail: 'fine' },
      { name: 'second', ok: false, ms: expect.any(Number), detail: 'Unexpected failure: boom' },
    ]);
  });
});
