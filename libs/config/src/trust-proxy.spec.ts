import { ConfigError, loadConfig } from './load-config';
import { GatewayEnv } from './env.schemas';
import Fastify from 'fastify';
import { fastifyTrustProxy, parseTrustProxy } from './trust-proxy';

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

  describe('as Fastify reads it: the client address a request gets', () => {
    async function clientAddress(setting: string, forwardedFor?: string): Promise<string> {
      const app = Fastify({ trustProxy: fastifyTrustProxy(parseTrustProxy(setting) ?? false) });
      app.get('/', async (request) => request.ip);
      try {
        const response = await app.inject({
          url: '/',
          remoteAddress: '10.1.2.3',
          headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
        });
        return response.body;
      } finally {
        await app.close();
      }
    }

    it('unset: the TCP peer, whatever X-Forwarded-For says', async () => {
      expect(await clientAddress('', '203.0.113.7')).toBe('10.1.2.3');
    });

    it('a hop count: that many proxies in front, the entry before them is the client', async () => {
      expect(await clientAddress('1', '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
      expect(await clientAddress('2', '198.51.100.1, 203.0.113.7')).toBe('198.51.100.1');
      expect(await clientAddress('1')).toBe('10.1.2.3');
    });

    it('proxy addresses: entries believed only as far as they came through them', async () => {
      expect(await clientAddress('10.0.0.0/8', '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
      expect(await clientAddress('192.168.0.0/16', '203.0.113.7')).toBe('10.1.2.3');
    });
  });
});
