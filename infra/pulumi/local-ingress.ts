import { INGRESS_SERVER_PORTS } from '../k8s/mesh/ingress-routing';
import { ingressServicePorts, type IngressTcpPort } from './ingress-service-ports';

/**
 * How the `local` stack's ingress gateway is reached: fixed node ports on its Service, which the
 * kind cluster (infra/local/kind-cluster.yaml) maps to ports on the workstation. A NodePort
 * Service is ready as soon as it exists, so the ingress gateway's release does not wait for a
 * load balancer address that kind never hands out (the release used to roll back after 900 s).
 */
export const LOCAL_INGRESS_PORTS = {
  http: { servicePort: INGRESS_SERVER_PORTS.http, nodePort: 30080, hostPort: 8080 },
  https: { servicePort: INGRESS_SERVER_PORTS.https, nodePort: 30443, hostPort: 8443 },
} as const;

/**
 * The ingress gateway chart's `service.ports` for the local stack, with the HTTP and HTTPS node
 * ports pinned so the host mapping is known in advance; TCP listeners get node ports Kubernetes
 * picks (reach them with `kubectl port-forward`).
 */
export function localIngressServicePorts(tcp: readonly IngressTcpPort[]): Record<string, unknown>[] {
  return ingressServicePorts(tcp, { http: LOCAL_INGRESS_PORTS.http.nodePort, https: LOCAL_INGRESS_PORTS.https.nodePort });
}

/** What `pulumi stack output ingress` prints on the local stack: where the gateway answers on this machine. */
export function localIngressInstructions(host: string, kubectlContext: string): string {
  const { hostPort } = LOCAL_INGRESS_PORTS.https;
  return (
    `https://${host}:${hostPort}/ (node port ${LOCAL_INGRESS_PORTS.https.nodePort} mapped to localhost:${hostPort} by infra/local/kind-cluster.yaml): ` +
    `curl -k --resolve ${host}:${hostPort}:127.0.0.1 https://${host}:${hostPort}/ (any answer from the gateway, a 404 for an unrouted path included, shows the path works); ` +
    `on a cluster without that mapping: kubectl ${kubectlContext}-n istio-system port-forward svc/istio-ingressgateway ${hostPort}:${LOCAL_INGRESS_PORTS.https.servicePort}`
  );
}
