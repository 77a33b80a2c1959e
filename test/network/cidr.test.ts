import { cidrContains, cidrsOverlap, parseCidr } from '../../lib/network/cidr';

const parsed = (text: string) => {
  const c = parseCidr(text);
  if ('reason' in c) throw new Error(`${text}: ${c.reason}`);
  return c;
};

describe('parseCidr', () => {
  test.each(['0.0.0.0/0', '10.0.0.0/8', '203.0.113.7/32', '::/0', 'fe80::/10', 'fd00:ec2::254/128', '2001:db8:0:0:1::/128'])(
    '%s is a canonical block', (text) => {
      expect(parsed(text).text).toBe(text);
    });

  test.each([
    ['10.1.0.0/8', 'is not in canonical form: write "10.0.0.0/8"'],
    ['FD00:EC2::254/128', 'write "fd00:ec2::254/128"'],
    ['2001:db8:0:0:1:0:0:0/128', 'write "2001:db8:0:0:1::/128"'],
    ['10.0.0.0', 'needs a prefix length'],
    ['10.0.0.0/33', 'longer than 32 bits'],
    ['10.0.0.01/32', 'is no IPv4 or IPv6 address'],
    ['256.0.0.0/8', 'is no IPv4 or IPv6 address'],
    ['1::2::3/64', 'is no IPv4 or IPv6 address'],
    ['api.example.com/32', 'is no IPv4 or IPv6 address'],
  ])('%s is refused: %s', (text, reason) => {
    const result = parseCidr(text);
    expect('reason' in result && result.reason).toContain(reason);
  });
});

describe('containment', () => {
  test('a block contains its sub-blocks and itself, not its super-blocks or other families', () => {
    expect(cidrContains(parsed('169.254.0.0/16'), parsed('169.254.169.254/32'))).toBe(true);
    expect(cidrContains(parsed('169.254.0.0/16'), parsed('169.254.0.0/16'))).toBe(true);
    expect(cidrContains(parsed('169.254.169.254/32'), parsed('169.254.0.0/16'))).toBe(false);
    expect(cidrContains(parsed('0.0.0.0/0'), parsed('fe80::/10'))).toBe(false);
    expect(cidrContains(parsed('::/0'), parsed('fd00:ec2::254/128'))).toBe(true);
    expect(cidrsOverlap(parsed('10.0.0.0/8'), parsed('11.0.0.0/8'))).toBe(false);
    expect(cidrsOverlap(parsed('10.0.0.0/7'), parsed('11.0.0.0/8'))).toBe(true);
  });
});
