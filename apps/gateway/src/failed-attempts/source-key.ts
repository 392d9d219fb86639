import { isIPv4, isIPv6 } from 'node:net';

/**
 * The source a failed attempt is counted against. IPv4: the address (an IPv4-mapped IPv6 form too).
 * IPv6: its /64, because one subscriber or server usually holds a whole /64 and could otherwise rotate
 * through 2^64 addresses, each a fresh budget.
 */
export function sourceKeyOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail] = address.toLowerCase().split('%')[0].split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
