import { loadEnvConfig } from '../../../app/src/config/env-config';
import { ConfigError } from '../../../app/src/config/config-error';

const BASE = { UAG_ROUTES_FILE: 'routes.yaml' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadEnvConfig({ ...BASE, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadEnvConfig', () => {
  it('fills documented defaults', () => {
    const config = loadEnvConfig(BASE);
    expect(config).toMatchObject({
      UAG_HOST: '127.0.0.1',
      UAG_HTTP_PORT: 8080,
      UAG_ADMIN_PORT: 9090,
      UAG_DRAIN_DELAY_MS: 5000,
      UAG_SHUTDOWN_TIMEOUT_MS: 30000,
      UAG_ENV: 'local',
      LOG_LEVEL: 'info',
      OTEL_SERVICE_NAME: 'unified-access-gateway',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: 0.1,
      inKubernetes: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('detects Kubernetes and defaults the environment to dev and the listeners to every interface there', () => {
    expect(loadEnvConfig({ ...BASE, KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toMatchObject({ inKubernetes: true, UAG_ENV: 'dev', UAG_HOST: '0.0.0.0' });
    expect(loadEnvConfig({ ...BASE, KUBERNETES_SERVICE_HOST: '10.0.0.1', UAG_ENV: 'prod' }).UAG_ENV).toBe('prod');
  });

  it('binds to loopback outside Kubernetes unless UAG_HOST says otherwise', () => {
    expect(loadEnvConfig(BASE).UAG_HOST).toBe('127.0.0.1');
    expect(loadEnvConfig({ ...BASE, UAG_HOST: '0.0.0.0' }).UAG_HOST).toBe('0.0.0.0');
    expect(loadEnvConfig({ ...BASE, KUBERNETES_SERVICE_HOST: '10.0.0.1', UAG_HOST: '::' }).UAG_HOST).toBe('::');
  });

  it('treats empty values as unset', () => {
    expect(loadEnvConfig({ ...BASE, UAG_HTTP_PORT: '' }).UAG_HTTP_PORT).toBe(8080);
  });

  it('parses trusted proxies as a list', () => {
    expect(loadEnvConfig({ ...BASE, UAG_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1' }).UAG_TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });

  it.each([
    [{ UAG_ROUTES_FILE: '' }, 'UAG_ROUTES_FILE: is required: set it to the path of a route table file, e.g. app/routes.sample.yaml (got unset)'],
    [{ UAG_HTTP_PORT: 'eighty' }, 'UAG_HTTP_PORT: must be a port number 0..65535 (0 picks a free port) (got "eighty")'],
    [{ UAG_ADMIN_PORT: '70000' }, 'UAG_ADMIN_PORT: must be a port number 0..65535 (0 picks a free port) (got "70000")'],
    [{ UAG_ENV: 'production' }, 'UAG_ENV: must be one of local, dev, staging, prod (got "production")'],
    [{ UAG_DRAIN_DELAY_MS: '-1' }, 'UAG_DRAIN_DELAY_MS: must be a whole number of milliseconds 0..86400000 (got "-1")'],
    [{ UAG_SHUTDOWN_TIMEOUT_MS: '1.5' }, 'UAG_SHUTDOWN_TIMEOUT_MS: must be a whole number of milliseconds 1..86400000 (got "1.5")'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ UAG_TRUSTED_PROXIES: 'gateway.local' }, 'UAG_TRUSTED_PROXIES: must be a comma-separated list of IP addresses or CIDRs (prefix length 1..32 for IPv4, 1..128 for IPv6), e.g. 10.0.0.0/8,127.0.0.1; "gateway.local" is not (got "gateway.local")'],
    [{ UAG_TRUSTED_PROXIES: '10.0.0.0/33, fd00::/129' }, 'UAG_TRUSTED_PROXIES: must be a comma-separated list of IP addresses or CIDRs (prefix length 1..32 for IPv4, 1..128 for IPv6), e.g. 10.0.0.0/8,127.0.0.1; "10.0.0.0/33", "fd00::/129" are not (got "10.0.0.0/33, fd00::/129")'],
    [{ UAG_TRUSTED_PROXIES: '0.0.0.0/0' }, 'UAG_TRUSTED_PROXIES: must be a comma-separated list of IP addresses or CIDRs (prefix length 1..32 for IPv4, 1..128 for IPv6), e.g. 10.0.0.0/8,127.0.0.1; "0.0.0.0/0" is not (got "0.0.0.0/0")'],
    [{ UAG_MAX_HEADER_BYTES: '10' }, 'UAG_MAX_HEADER_BYTES: must be a whole number of bytes 1024..1048576 (got "10")'],
    [{ UAG_MAX_HEADER_COUNT: '0' }, 'UAG_MAX_HEADER_COUNT: must be a whole number of header lines 1..10000 (got "0")'],
    [{ UAG_UPSTREAM_UPLOAD_SLOTS: '512' }, 'UAG_UPSTREAM_UPLOAD_SLOTS: must be a whole number of uploads 1..511 (got "512")'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL such as http://jaeger-collector.observability:4318 (got "jaeger:4318")'],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER: must be one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio (got "sometimes")'],
    [{ OTEL_TRACES_SAMPLER_ARG: '2' }, 'OTEL_TRACES_SAMPLER_ARG: must be a number 0..1 (got "2")'],
    [{ UAG_HTTP_PORT: '9090' }, 'UAG_ADMIN_PORT: must differ from UAG_HTTP_PORT (both 9090)'],
    [{ UAG_DRAIN_DELAY_MS: '30000' }, 'UAG_DRAIN_DELAY_MS: must be less than UAG_SHUTDOWN_TIMEOUT_MS (30000 >= 30000); in-flight requests need time after the drain delay'],
    [{ UAG_HEADERS_TIMEOUT_MS: '90000' }, 'UAG_HEADERS_TIMEOUT_MS: must not exceed UAG_REQUEST_TIMEOUT_MS (90000 > 60000)'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(problemsOf(env)).toEqual([message]);
  });

  it('reports every bad variable, one line each', () => {
    expect(problemsOf({ UAG_HTTP_PORT: 'x', LOG_LEVEL: 'y' })).toHaveLength(2);
  });

  it('reports the rules between variables in the same run as the problems of single variables', () => {
    expect(problemsOf({ LOG_LEVEL: 'y', UAG_DRAIN_DELAY_MS: '40000', UAG_HEADERS_TIMEOUT_MS: '90000' })).toEqual([
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "y")',
      'UAG_DRAIN_DELAY_MS: must be less than UAG_SHUTDOWN_TIMEOUT_MS (40000 >= 30000); in-flight requests need time after the drain delay',
      'UAG_HEADERS_TIMEOUT_MS: must not exceed UAG_REQUEST_TIMEOUT_MS (90000 > 60000)',
    ]);
  });

  it('skips a rule whose other variable is itself invalid, which is reported instead', () => {
    expect(problemsOf({ UAG_DRAIN_DELAY_MS: '40000', UAG_SHUTDOWN_TIMEOUT_MS: 'soon' })).toEqual([
      'UAG_SHUTDOWN_TIMEOUT_MS: must be a whole number of milliseconds 1..86400000 (got "soon")',
    ]);
  });

  it('accepts what the data plane compiles: addresses, CIDRs and IPv6', () => {
    expect(loadEnvConfig({ ...BASE, UAG_TRUSTED_PROXIES: '10.0.0.0/8,192.168.1.7,fd00::/8,::1' }).UAG_TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1']);
  });
});
