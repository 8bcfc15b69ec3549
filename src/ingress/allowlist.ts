import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A parsed CIDR allowlist; IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) count as IPv4. */
export class IpAllowlist {
  private readonly ranges: Range[];

  constructor(cidrs: readonly string[]) {
    this.ranges = cidrs.map((c): Range => {
      if (c.includes('/')) return ipaddr.parseCIDR(c);
      const addr = ipaddr.process(c);
      return [addr, addr.kind() === 'ipv4' ? 32 : 128];
    });
  }

  allows(ip: string): boolean {
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      addr = ipaddr.process(ip);
    } catch {
      return false;
    }
    return this.ranges.some(
      ([range, bits]) => range.kind() === addr.kind() && addr.match(range, bits),
    );
  }
}
