import proxyAddr from '@fastify/proxy-addr';
import { compileTrust } from '../../../app/src/proxy/forwarding';

/** Addresses as they reach the trust function: socket peers (also IPv4-mapped) and X-Forwarded-For entries, junk included. */
const ADDRESSES = [
  '127.0.0.6',
  '::ffff:127.0.0.6',
  '127.0.0.7',
  '10.30.4.9',
  '::ffff:10.30.4.9',
  '203.0.113.10',
  '192.0.2.77',
  '::1',
  '::6',
  '2001:db8::5',
  'unknown',
  '',
];

describe('compileTrust', () => {
  it.each([
    [['127.0.0.6']],
    [['127.0.0.6', '10.30.0.0/16']],
    [['127.0.0.6', '192.0.2.0/24', '2001:db8::/32']],
    [['::1', '10.30.4.9']],
  ])('trusts exactly what proxy-addr trusts for %j', (trusted) => {
    const ours = compileTrust(trusted);
    const theirs = proxyAddr.compile(trusted);
    expect(ADDRESSES.map((address) => [address, ours(address, 0)])).toEqual(ADDRESSES.map((address) => [address, theirs(address, 0)]));
  });

  it('trusts nobody for an empty or missing list', () => {
    expect([compileTrust([])('127.0.0.6', 0), compileTrust(undefined)('127.0.0.6', 0)]).toEqual([false, false]);
  });
});
