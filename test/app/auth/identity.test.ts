import { identityHeaderValue } from '../../../app/src/auth/identity';

describe('identityHeaderValue', () => {
  it.each(['alice', 'user-1', 'admin:write', 'a/b+c=d', "o'brien"])('leaves the plain ASCII claim %s as it is', (claim) => {
    expect(identityHeaderValue(claim)).toBe(claim);
  });

  it.each([
    ['用户-42', '%E7%94%A8%E6%88%B7-42'],
    ['café', 'caf%C3%A9'],
    ['ops,eu', 'ops%2Ceu'],
    ['50%', '50%25'],
    ['two words', 'two%20words'],
    ['line\r\nbreak', 'line%0D%0Abreak'],
    ['tab\there', 'tab%09here'],
  ])('percent-encodes %j as %s, which decodeURIComponent turns back', (claim, encoded) => {
    expect(identityHeaderValue(claim)).toBe(encoded);
    expect(decodeURIComponent(encoded)).toBe(claim);
  });
});
