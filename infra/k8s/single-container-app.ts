import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { ComputeResources } from '../environments/types';
import * as kplus from './cdk8s-plus';
import { clusterIpService } from './cluster-ip-service';
import { appLabels, versionedLabels, type Labels } from './labels';
import { restrictedContainer, restrictedWorkload, type ContainerPort } from './restricted-pods';

export interface SingleContainerAppProps {
  readonly namespace: string;
  readonly name: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** Image repository without tag, e.g. `grafana/grafana`. */
  readonly imageRepository: string;
  /** Exact image tag; also the `version` label of the Deployment and its pods. */
  readonly version: string;
  readonly ports: readonly ContainerPort[];
  /** Name of the port (one of `ports`), path and scheme (default HTTP) answering liveness and readiness. */
  readonly health: { readonly port: string; readonly path: string; readonly scheme?: 'HTTP' | 'HTTPS' };
  readonly resources: ComputeResources;
  /** @default [] */
  readonly args?: readonly string[];
  /** In the order the container sees them. @default {} */
  readonly env?: Readonly<Record<string, kplus.EnvValue>>;
  /** Writable or config volumes; the root filesystem is read-only. @default [] */
  readonly volumeMounts?: readonly kplus.VolumeMount[];
  /** Extra pod template annotations, e.g. config checksums. @default {} */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /**
   * `Recreate` for apps that hold a ReadWriteOnce volume, which two pods cannot mount at once.
   * @default 'RollingUpdate'
   */
  readonly strategy?: 'RollingUpdate' | 'Recreate';
  /** Mount an API token, for apps that talk to the Kubernetes API. @default false */
  readonly kubernetesApiAccess?: boolean;
}

/**
 * One supporting app (Grafana, Jaeger, prometheus-adapter): ServiceAccount, a single-replica
 * cdk8s-plus Deployment that meets the restricted profile, and a ClusterIP Service named after
 * it with the same ports.
 */
export class SingleContainerApp extends Construct {
  readonly name: string;
  /** Labels of the app's objects other than the Deployment and its pods (no `version`). */
  readonly labels: Labels;
  readonly selector: Labels;
  readonly serviceAccount: kplus.ServiceAccount;

  constructor(scope: Construct, id: string, props: SingleContainerAppProps) {
    super(scope, id);
    if (!/^[\w][\w.-]{0,127}$/.test(props.version) || props.version === 'latest') {
      throw new Error(`SingleContainerApp '${props.name}': 'version' (${props.version}) must be an exact image tag, not 'latest'`);
    }
    const healthPort = props.ports.find((p) => p.name === props.health.port);
    if (healthPort === undefined) {
      throw new Error(`SingleContainerApp '${props.name}': 'health.port' (${props.health.port}) must name one of 'ports' (${props.ports.map((p) => p.name).join(', ')})`);
    }
    this.name = props.name;
    this.labels = appLabels({ name: props.name, component: props.component });
    this.selector = this.labels;
    const metadata = { name: props.name, namespace: props.namespace, labels: { ...this.labels } };
    const automountServiceAccountToken = props.kubernetesApiAccess ?? false;
    const probe = (initialDelaySeconds: number, periodSeconds: number) =>
      kplus.Probe.fromHttpGet(props.health.path, {
        port: healthPort.port,
        scheme: props.health.scheme === 'HTTPS' ? kplus.ConnectionScheme.HTTPS : kplus.ConnectionScheme.HTTP,
        initialDelaySeconds: Duration.seconds(initialDelaySeconds),
        periodSeconds: Duration.seconds(periodSeconds),
      });

    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', { metadata, automountToken: automountServiceAccountToken });
    const workloadLabels = versionedLabels(this.labels, props.version);
    restrictedWorkload(
      {
        selector: this.selector,
        labels: workloadLabels,
        annotations: props.podAnnotations,
        serviceAccount: this.serviceAccount,
        automountServiceAccountToken,
        containers: [
          restrictedContainer({
            name: props.name,
            image: `${props.imageRepository}:${props.version}`,
            ports: props.ports,
            resources: props.resources,
            args: props.args,
            env: props.env,
            volumeMounts: props.volumeMounts,
            liveness: probe(15, 10),
            readiness: probe(5, 5),
          }),
        ],
      },
      (podProps) =>
        new kplus.Deployment(this, 'deployment', {
          ...podProps,
          metadata: { ...metadata, labels: { ...workloadLabels } },
          replicas: 1,
          strategy: props.strategy === 'Recreate' ? kplus.DeploymentStrategy.recreate() : kplus.DeploymentStrategy.rollingUpdate(),
        }),
    );
    clusterIpService(this, 'service', { ...metadata, selector: this.selector, ports: props.ports });
  }
}
