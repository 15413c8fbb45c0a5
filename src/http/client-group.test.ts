import { describe, expect, it } from 'vitest';
import { clientGroup } from './client-group.ts';

describe('clientGroup', () => {
  it('keeps IPv4 addresses and groups IPv6 by /64', () => {
    expect(clientGroup('203.0.113.7')).toBe('203.0.113.7');
    expect(clientGroup('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientGroup('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(clientGroup('2001:db8:1:2::ffff')).toBe(clientGroup('2001:db8:1:2:9::1'));
    expect(clientGroup('2001:db8:1:3::1')).not.toBe(clientGroup('2001:db8:1:2::1'));
    expect(clientGroup('::1')).toBe('0:0:0:0::/64');
    expect(clientGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientGroup('::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(clientGroup('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });
});
