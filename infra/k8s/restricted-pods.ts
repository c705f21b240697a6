import { ApiObject, type Duration, JsonPatch } from 'cdk8s';
import type { ComputeResources } from '../environments/types';
import * as kplus from './cdk8s-plus';
import type { Labels } from './labels';
import { RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY, RUNTIME_DEFAULT_SECCOMP } from './pod-security';
import { containerResources } from './quantity';
import { topologySpreadConstraints, type SpreadRule } from './topology-spread';

/**
 * How every pod synthesized here is built on cdk8s-plus, whatever runs it (a Deployment, the
 * gateway's Argo Rollout): one definition of the container, the restricted profile, the labels
 * and the selector, so no workload kind gets a second hand-written copy.
 */

export interface ContainerPort {
  readonly name: string;
  readonly port: number;
}

export interface RestrictedContainerProps {
  readonly name: string;
  /** Image reference with an immutable tag or digest. */
  readonly image: string;
  readonly ports: readonly ContainerPort[];
  /** Stated in full: cdk8s-plus would otherwise add its own (1 CPU / 512Mi requests). */
  readonly resources: ComputeResources;
  /** @default none */
  readonly args?: readonly string[];
  /** In the order the container sees them. @default none */
  readonly env?: Readonly<Record<string, kplus.EnvValue>>;
  /** Writable or configuration volumes; the root filesystem is read-only. @default none */
  readonly volumeMounts?: readonly kplus.VolumeMount[];
  /** @default none */
  readonly startup?: kplus.Probe;
  readonly liveness: kplus.Probe;
  readonly readiness: kplus.Probe;
}

/** A container that meets Pod Security `restricted`, pulled only when its immutable tag is missing on the node. */
export function restrictedContainer(props: RestrictedContainerProps): kplus.ContainerProps {
  return {
    name: props.name,
    image: props.image,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    ports: props.ports.map((p) => ({ name: p.name, number: p.port, protocol: kplus.Protocol.TCP })),
    resources: containerResources(props.resources),
    securityContext: RESTRICTED_CONTAINER_SECURITY,
    ...(props.args === undefined ? {} : { args: [...props.args] }),
    envVariables: { ...props.env },
    volumeMounts: [...(props.volumeMounts ?? [])],
    startup: props.startup,
    liveness: props.liveness,
    readiness: props.readiness,
  };
}

export interface RestrictedPodsProps {
  /** What the workload selects its pods by: the app's labels without `version`. */
  readonly selector: Labels;
  /** Pod template labels: the selector plus `app.kubernetes.io/version`. */
  readonly labels: Labels;
  /** @default none */
  readonly annotations?: Readonly<Record<string, string>>;
  readonly serviceAccount: kplus.IServiceAccount;
  /** Mount the service account's API token, for apps that call the Kubernetes API. @default false */
  readonly automountServiceAccountToken?: boolean;
  readonly containers: readonly kplus.ContainerProps[];
  /** @default 30 seconds (the Kubernetes default, stated) */
  readonly terminationGracePeriod?: Duration;
  /**
   * How to spread the pods across topology keys (topology-spread.ts), by the selector.
   * cdk8s-plus's own `spread` is pod anti-affinity on its address label, which these pods do not
   * carry. @default none
   */
  readonly spread?: readonly SpreadRule[];
}

/**
 * Builds a cdk8s-plus workload (`create` receives the pod props to pass on) running `pods`, and
 * keeps what cdk8s-plus would render differently from the platform's rules:
 * - selection by `selector` rather than by the `cdk8s.io/metadata.addr` label cdk8s-plus adds to
 *   every workload's pods and selector (src/workload.ts at cdk8s-plus-28/v2.5.6), so selectors
 *   read as the app and stay the same when constructs move;
 * - the RuntimeDefault seccomp profile at pod level, which its PodSecurityContextProps cannot
 *   state, so that sidecars injected without a profile of their own still meet `restricted`;
 * - topology spread constraints, which it does not model.
 */
export function restrictedWorkload<W extends kplus.Workload>(pods: RestrictedPodsProps, create: (podProps: kplus.WorkloadProps) => W): W {
  for (const [key, value] of Object.entries(pods.selector)) {
    if (pods.labels[key] !== value) {
      throw new Error(`restrictedWorkload: pod label '${key}' (${pods.labels[key] ?? 'missing'}) must equal the selector's (${value}), or the workload selects none of its pods`);
    }
  }
  const workload = create({
    select: false,
    podMetadata: { labels: { ...pods.labels }, annotations: { ...pods.annotations } },
    serviceAccount: pods.serviceAccount,
    automountServiceAccountToken: pods.automountServiceAccountToken ?? false,
    securityContext: RESTRICTED_POD_SECURITY,
    // Copies: a cdk8s-plus Container keeps the mount list it is given and appends to it on `mount()`.
    containers: pods.containers.map((container) => ({ ...container, volumeMounts: [...(container.volumeMounts ?? [])] })),
    terminationGracePeriod: pods.terminationGracePeriod,
  });
  workload.select(kplus.LabelSelector.of({ labels: { ...pods.selector } }));
  const spread = topologySpreadConstraints(pods.spread ?? [], pods.selector);
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.remove(`/spec/template/metadata/labels/${jsonPointerToken(kplus.Pod.ADDRESS_LABEL)}`),
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { ...RUNTIME_DEFAULT_SECCOMP }),
    ...(spread.length === 0 ? [] : [JsonPatch.add('/spec/template/spec/topologySpreadConstraints', spread)]),
  );
  return workload;
}

/** RFC 6901: `~` and `/` inside a key. */
function jsonPointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
