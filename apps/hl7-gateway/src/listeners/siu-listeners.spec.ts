import type { SiuListenerV1 } from '@bridge/contracts';
import { routablePorts, sourceFilter } from './siu-listeners';

const listener = (hospitalId: string, port: number): SiuListenerV1 => ({
  hospitalId,
  port,
  charset: 'utf-8',
});

describe("routablePorts (issue 10: one hospital must never receive another one's feed)", () => {
  it('serves a port claimed by two hospitals to neither, and says which', () => {
    const conflicts: [number, string[]][] = [];
    const routable = routablePorts(
      [listener('A', 7001), listener('B', 7001), listener('C', 7002)],
      (port, ids) => conflicts.push([port, ids]),
    );
    expect([...routable.keys()]).toEqual([7002]);
    expect(routable.get(7002)?.hospitalId).toBe('C');
    expect(conflicts).toEqual([[7001, ['A', 'B']]]);
  });
});

describe('sourceFilter (allowedSources)', () => {
  it('allows addresses inside the CIDRs, IPv4-mapped IPv6 peers included, and nothing else', () => {
    const allowed = sourceFilter(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);
    expect(['10.1.2.3', '::ffff:10.9.9.9', '192.168.1.7', 'fd12::1'].map(allowed)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['127.0.0.1', '::ffff:127.0.0.1', '192.168.1.8', '::1', ''].map(allowed)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
