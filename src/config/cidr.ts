import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** One address or CIDR range, IPv4 or IPv6 ("10.0.0.0/8", "::1", "203.0.113.7"). */
export const cidr = z.string().refine(
  (v) => {
    try {
      if (v.includes('/')) ipaddr.parseCIDR(v);
      else ipaddr.parse(v);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not an IP address or CIDR range' },
);
