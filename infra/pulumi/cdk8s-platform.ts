import { ENVIRONMENTS } from '../environments';
import { synthesizePlatform } from '../platform';
import { imageContentTag } from '../synth/image-reference';
import type { KubernetesObject, PlatformSource } from './platform-contract';

/** The real platform: synthesizes the cdk8s App in process and hands back its objects. */
export function cdk8sPlatform(): PlatformSource {
  return {
    render: ({ environment, image, hosts, gatewayExternalEgress, storageClassName }) => {
      const spec = ENVIRONMENTS[environment];
      const app = synthesizePlatform({ environment: hosts === undefined ? spec : { ...spec, ingress: { ...spec.ingress, hosts } }, image, gatewayExternalEgress, storageClassName });
      return app.charts.flatMap((chart) => chart.toJson() as KubernetesObject[]);
    },
    imageTag: (root) => imageContentTag(root),
    ingressTlsSecretName: (environment) => ENVIRONMENTS[environment].ingress.tlsCredentialName,
    clientAddress: (environment) => ENVIRONMENTS[environment].clientAddress,
    ingressHosts: (environment) => ENVIRONMENTS[environment].ingress.hosts,
  };
}
