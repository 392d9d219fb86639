import { RPC_REQUEST_CLASSES, type RpcPattern, type RpcRequest } from './rpc-map';
import { validatePayload } from './validation';

// Compile-time checks (run by `npm run typecheck`): a wrong payload for a pattern does not compile.
function send<P extends RpcPattern>(_pattern: P, _payload: RpcRequest<P>): void {}
send('patients.get.v1', { hospitalId: 'h', patientId: 'p' });
// @ts-expect-error patientId is required
send('patients.get.v1', { hospitalId: 'h' });
// @ts-expect-error this pattern carries a hospital, not a client secret
send('tenancy.hospital.get.v1', { clientId: 'x', clientSecret: 'y' });

describe('RPC_REQUEST_CLASSES', () => {
  it('has a validation class for every pattern, and names follow <context>.<entity>.<verb>.v<N>', () => {
    for (const [pattern, requestClass] of Object.entries(RPC_REQUEST_CLASSES)) {
      expect(pattern).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+){1,3}\.v\d+$/);
      expect(typeof requestClass).toBe('function');
    }
  });

  it('refuses a payload with a missing or foreign field at the receiver', () => {
    const requestClass = RPC_REQUEST_CLASSES['patients.get.v1'];
    expect(() =>
      validatePayload(requestClass, { hospitalId: '6f1c8f46-6a5a-4d3e-9d9e-3f1b2d4c5a6b' }),
    ).toThrow(/patientId/);
    expect(() =>
      validatePayload(requestClass, {
        hospitalId: '6f1c8f46-6a5a-4d3e-9d9e-3f1b2d4c5a6b',
        patientId: '6f1c8f46-6a5a-4d3e-9d9e-3f1b2d4c5a6c',
        sneaky: 1,
      }),
    ).toThrow(/sneaky/);
  });
});
