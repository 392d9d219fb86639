import { ConfigError, loadConfig } from './load-config';
import { GatewayEnv } from './env.schemas';
import { parseTrustProxy } from './trust-proxy';

describe('TRUST_PROXY', () => {
  it('unset, empty or 0 trusts no proxy (never `true`)', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
  });

  it('reads a hop count or proxy addresses and CIDRs', () => {
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.10,fd00::/8')).toEqual([
      '10.0.0.0/8',
      '192.168.1.10',
      'fd00::/8',
    ]);
  });

  it.each(['true', '*', '10.0.0.0/33', '10.0.0/8', 'proxy.example.org', '11', '10.0.0.1/8/8', '::1/129'])(
    'refuses %s at start-up, naming the variable',
    (value) => {
      expect(parseTrustProxy(value)).toBeUndefined();
      expect(() => loadConfig(GatewayEnv, { JWT_SECRET: 'x'.repeat(32), TRUST_PROXY: value })).toThrow(
        ConfigError,
      );
    },
  );

  it('is optional in the gateway env', () => {
    expect(loadConfig(GatewayEnv, { JWT_SECRET: 'x'.repeat(32) }).TRUST_PROXY).toBeUndefined();
    expect(loadConfig(GatewayEnv, { JWT_SECRET: 'x'.repeat(32), TRUST_PROXY: '127.0.0.1' }).TRUST_PROXY).toBe(
      '127.0.0.1',
    );
  });
});
