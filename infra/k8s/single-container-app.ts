import { Construct } from 'constructs';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { ComputeResources } from '../environments/types';
import { addObject } from './api-object';
import { appLabels, versionedLabels, type Labels } from './labels';
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from './pod-security';

export interface AppPort {
  readonly name: string;
  readonly port: number;
}

export interface SingleContainerAppProps {
  readonly namespace: string;
  readonly name: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** Image repository without tag, e.g. `grafana/grafana`. */
  readonly imageRepository: string;
  /** Exact image tag; also the `version` label of the Deployment and its pods. */
  readonly version: string;
  readonly ports: readonly AppPort[];
  /** Port name, path and scheme (default HTTP) answering liveness and readiness. */
  readonly health: { readonly port: string; readonly path: string; readonly scheme?: 'HTTP' | 'HTTPS' };
  readonly resources: ComputeResources;
  /** @default [] */
  readonly args?: readonly string[];
  /** @default [] */
  readonly env?: readonly IEnvVar[];
  /** Writable or config volumes; the root filesystem is read-only. @default [] */
  readonly volumes?: readonly { readonly volume: IVolume; readonly mount: IVolumeMount }[];
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
 * One supporting app (Grafana, Jaeger): ServiceAccount, a single-replica Deployment that meets
 * the restricted profile, and a ClusterIP Service named after it with the same ports.
 */
export class SingleContainerApp extends Construct {
  readonly name: string;
  /** Labels of the app's objects other than the Deployment and its pods (no `version`). */
  readonly labels: Labels;
  readonly selector: Labels;

  constructor(scope: Construct, id: string, props: SingleContainerAppProps) {
    super(scope, id);
    if (!/^[\w][\w.-]{0,127}$/.test(props.version) || props.version === 'latest') {
      throw new Error(`SingleContainerApp '${props.name}': 'version' (${props.version}) must be an exact image tag, not 'latest'`);
    }
    this.name = props.name;
    this.labels = appLabels({ name: props.name, component: props.component });
    this.selector = this.labels;
    const workloadLabels = versionedLabels(this.labels, props.version);
    const metadata = { name: props.name, namespace: props.namespace, labels: { ...this.labels } };
    const volumes = props.volumes ?? [];
    const probe = { httpGet: { path: props.health.path, port: props.health.port, scheme: props.health.scheme ?? 'HTTP' } };
    const automountServiceAccountToken = props.kubernetesApiAccess ?? false;

    addObject(this, 'service-account', new ServiceAccount({ metadata, automountServiceAccountToken }));
    addObject(
      this,
      'deployment',
      new Deployment({
        metadata: { ...metadata, labels: { ...workloadLabels } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { ...this.selector } },
          strategy: { type: props.strategy ?? 'RollingUpdate' },
          template: {
            metadata: { labels: { ...workloadLabels }, annotations: { ...props.podAnnotations } },
            spec: {
              serviceAccountName: props.name,
              automountServiceAccountToken,
              securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
              containers: [
                {
                  name: props.name,
                  image: `${props.imageRepository}:${props.version}`,
                  imagePullPolicy: 'IfNotPresent',
                  args: [...(props.args ?? [])],
                  env: [...(props.env ?? [])],
                  ports: props.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
                  resources: { requests: { ...props.resources.requests }, limits: { ...props.resources.limits } },
                  securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
                  livenessProbe: { ...probe, initialDelaySeconds: 15, periodSeconds: 10 },
                  readinessProbe: { ...probe, initialDelaySeconds: 5, periodSeconds: 5 },
                  volumeMounts: volumes.map((v) => v.mount),
                },
              ],
              volumes: volumes.map((v) => v.volume),
            },
          },
        },
      }),
    );
    addObject(
      this,
      'service',
      new Service({
        metadata,
        spec: {
          type: 'ClusterIP',
          selector: { ...this.selector },
          ports: props.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: 'TCP' })),
        },
      }),
    );
  }
}
