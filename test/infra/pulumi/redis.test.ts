import { redisUrl, replicationSettings } from '../../../infra/pulumi/redis';

describe('redisUrl', () => {
  it('is a TLS URL with the token URL-encoded as the password', () => {
    expect(redisUrl('master.redis.test', 'a+b=c:d')).toBe('rediss://:a%2Bb%3Dc%3Ad@master.redis.test:6379');
  });
});

describe('replicationSettings', () => {
  it('turns failover and Multi-AZ on only when there is a replica', () => {
    expect(replicationSettings(1)).toEqual({ numCacheClusters: 1, automaticFailoverEnabled: false, multiAzEnabled: false });
    expect(replicationSettings(3)).toEqual({ numCacheClusters: 3, automaticFailoverEnabled: true, multiAzEnabled: true });
    expect(() => replicationSettings(0)).toThrow("Redis: 'nodes' (0) must be a whole number from 1 to 6 (primary plus up to five replicas)");
  });
});
