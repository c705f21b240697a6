import { describeUnknownVariable, unknownGatewayVariables } from '../../../app/src/config/unknown-variables';

describe('unknown UAG_ variables', () => {
  it('names a typo and the variable it most likely meant', () => {
    expect(unknownGatewayVariables({ UAG_HTTP_PORTT: '8081', UAG_HTTP_PORT: '8080', HOME: '/root' })).toEqual([{ name: 'UAG_HTTP_PORTT', suggestion: 'UAG_HTTP_PORT' }]);
    expect(unknownGatewayVariables({ UAG_DRAIN_DELAY: '1000' })).toEqual([{ name: 'UAG_DRAIN_DELAY', suggestion: 'UAG_DRAIN_DELAY_MS' }]);
  });

  it('guesses nothing for a name unlike every known one', () => {
    expect(unknownGatewayVariables({ UAG_IMAGE_REGISTRY: 'registry.example.com' })).toEqual([{ name: 'UAG_IMAGE_REGISTRY', suggestion: undefined }]);
  });

  it('ignores the service-link variables the kubelet injects for a Service named uag-*, inside Kubernetes only', () => {
    const links = { UAG_CACHE_SERVICE_HOST: '10.0.0.9', UAG_CACHE_SERVICE_PORT: '6379', UAG_CACHE_SERVICE_PORT_REDIS: '6379', UAG_CACHE_PORT: 'tcp://10.0.0.9:6379', UAG_CACHE_PORT_6379_TCP_ADDR: '10.0.0.9' };
    expect(unknownGatewayVariables({ ...links, KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toEqual([]);
    expect(unknownGatewayVariables(links).map((unknown) => unknown.name)).toEqual(Object.keys(links).sort());
  });

  it('words the warning with the suggestion, or points at the README without one', () => {
    expect(describeUnknownVariable({ name: 'UAG_HTTP_PORTT', suggestion: 'UAG_HTTP_PORT' })).toBe('UAG_HTTP_PORTT is set but the gateway does not read it; did you mean UAG_HTTP_PORT?');
    expect(describeUnknownVariable({ name: 'UAG_IMAGE_REGISTRY', suggestion: undefined })).toBe('UAG_IMAGE_REGISTRY is set but the gateway does not read it; see the README for the variables it reads');
  });
});
