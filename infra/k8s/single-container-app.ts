import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { ComputeResources } from '../environments/types';
import * as kplus from './cdk8s-plus';
import { clusterIpService } from './cluster-ip-service';
import { appLabels, versionedLabels, type Labels } from './labels';
import { restrictedContainer, restrictedWorkload, type ContainerPort } from './restricted-pods';
import { CONTROL_PATH_SPREAD } from './topology-spread';

/** CPU utilisation (of requests) a replicated app's autoscaler aims for. */
const REPLICATED_CPU_UTILIZATION_PERCENT = 80;

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
  /**
   * Pods to run. Above one the app is on a control path that must survive a node loss: its pods
   * never share a node while another has fewer (CONTROL_PATH_SPREAD), a PodDisruptionBudget lets
   * node drains take one at a time, and an autoscaler on the container's CPU owns the count from
   * `replicas` up to twice that. @default 1
   */
  readonly replicas?: number;
}

/**
 * One supporting app (Grafana, Jaeger, prometheus-adapter): ServiceAccount, a cdk8s-plus
 * Deployment of one container that meets the restricted profile, and a ClusterIP Service named
 * after it with the same ports; replicated apps also get their spread, disruption budget and
 * autoscaler (`replicas`).
 */
export class SingleContainerApp extends Construct {
  readonly name: string;
  /** Labels of the app's objects other than the Deployment and its pods (no `version`). */
  readonly labels: Labels;
  readonly selector: Labels;
  readonly serviceAccount: kplus.ServiceAccount;
  /** The Deployment, as an autoscaler's `targetRef` names it. */
  readonly controller: { readonly apiVersion: string; readonly kind: string; readonly name: string };

  constructor(scope: Construct, id: string, props: SingleContainerAppProps) {
    super(scope, id);
    if (!/^[\w][\w.-]{0,127}$/.test(props.version) || props.version === 'latest') {
      throw new Error(`SingleContainerApp '${props.name}': 'version' (${props.version}) must be an exact image tag, not 'latest'`);
    }
    const healthPort = props.ports.find((p) => p.name === props.health.port);
    if (healthPort === undefined) {
      throw new Error(`SingleContainerApp '${props.name}': 'health.port' (${props.health.port}) must name one of 'ports' (${props.ports.map((p) => p.name).join(', ')})`);
    }
    const replicas = props.replicas ?? 1;
    if (!(Number.isInteger(replicas) && replicas >= 1)) throw new Error(`SingleContainerApp '${props.name}': 'replicas' (${replicas}) must be a whole number of at least 1`);
    const replicated = replicas > 1;
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
    const deployment = restrictedWorkload(
      {
        selector: this.selector,
        labels: workloadLabels,
        annotations: props.podAnnotations,
        spread: replicated ? CONTROL_PATH_SPREAD : undefined,
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
          // A replicated app's count is its autoscaler's; stating one would reset it on every apply.
          replicas: replicated ? undefined : 1,
          strategy: props.strategy === 'Recreate' ? kplus.DeploymentStrategy.recreate() : kplus.DeploymentStrategy.rollingUpdate(),
        }),
    );
    this.controller = { apiVersion: deployment.apiVersion, kind: deployment.kind, name: deployment.name };
    clusterIpService(this, 'service', { ...metadata, selector: this.selector, ports: props.ports });
    if (replicated) {
      new kplus.HorizontalPodAutoscaler(this, 'hpa', {
        metadata,
        target: deployment,
        minReplicas: replicas,
        maxReplicas: 2 * replicas,
        // The app's container alone: a pod-level target would average in the injected sidecar.
        metrics: deployment.containers.map((container) => kplus.Metric.containerCpu({ container, target: kplus.MetricTarget.averageUtilization(REPLICATED_CPU_UTILIZATION_PERCENT) })),
      });
      // cdk8s-plus has no PodDisruptionBudget construct: its generated L1 class.
      new kplus.k8s.KubePodDisruptionBudget(this, 'pdb', {
        metadata,
        spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...this.selector } } },
      });
    }
  }
}
