/**
 * What istiod's sidecar injector adds to a pod, modelled from the pinned chart's template
 * (istio/istio 1.29.2, manifests/charts/istio-control/istio-discovery/files/injection-template.yaml,
 * the default `sidecar` template) for the fields admission judges: which containers appear,
 * where, and their security contexts, resources, probes and volumes. The values come from the
 * istiod release the Pulumi program installs, laid over the chart's defaults (values.yaml at
 * 1.29.2), so changing the release values changes what this model injects.
 */

type Values = Record<string, unknown>;

interface Resources {
  readonly requests: Readonly<Record<string, string>>;
  readonly limits: Readonly<Record<string, string>>;
}

/** The values the template reads. */
interface InjectionValues {
  readonly cni: { readonly enabled: boolean };
  readonly global: {
    readonly hub: string;
    readonly tag: string;
    readonly proxy: {
      readonly image: string;
      readonly privileged: boolean;
      readonly seccompProfile: Values;
      readonly statusPort: number;
      readonly startupProbe: { readonly enabled: boolean; readonly failureThreshold: number };
      readonly readinessPeriodSeconds: number;
      readonly readinessFailureThreshold: number;
      readonly resources: Resources;
    };
    readonly sds: { readonly token: { readonly aud: string } };
  };
}

/** The chart defaults (istio-discovery values.yaml at 1.29.2) the template reads. */
const CHART_DEFAULTS: InjectionValues = {
  cni: { enabled: false },
  global: {
    hub: 'gcr.io/istio-testing',
    tag: 'latest',
    proxy: {
      image: 'proxyv2',
      privileged: false,
      seccompProfile: {},
      statusPort: 15020,
      startupProbe: { enabled: true, failureThreshold: 600 },
      readinessPeriodSeconds: 15,
      readinessFailureThreshold: 4,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } },
    },
    sds: { token: { aud: 'istio-ca' } },
  },
};

export interface InjectionOptions {
  /**
   * Native sidecar (an init container with `restartPolicy: Always`). istiod's default
   * ENABLE_NATIVE_SIDECARS=auto turns it on when every node's kubelet is 1.33 or later
   * (pkg/kube/inject/webhook.go DetectNativeSidecar): the EKS node groups are.
   */
  readonly nativeSidecar: boolean;
}

/** The parts of a Pod the injector reads and changes. */
export interface PodShape {
  readonly metadata: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec: { readonly containers: readonly object[]; readonly initContainers?: readonly object[]; readonly volumes?: readonly object[] };
}

function merge(defaults: unknown, values: unknown): unknown {
  if (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults) || typeof values !== 'object' || values === null || Array.isArray(values)) {
    return values === undefined ? defaults : values;
  }
  const result: Values = { ...(defaults as Values) };
  for (const [key, value] of Object.entries(values as Values)) result[key] = merge((defaults as Values)[key], value);
  return result;
}

/** Whether the injector leaves the pod alone: opted out by label or annotation (the namespace is assumed enabled). */
export function injectionDisabled(pod: PodShape): boolean {
  return pod.metadata.labels?.['sidecar.istio.io/inject'] === 'false' || pod.metadata.annotations?.['sidecar.istio.io/inject'] === 'false';
}

/** The pod as the apiserver admits it after the injector mutated it, for the istiod release's `values`. */
export function injectSidecar<P extends PodShape>(pod: P, releaseValues: Values, options: InjectionOptions): P {
  const values = merge(CHART_DEFAULTS, releaseValues) as InjectionValues;
  const { proxy } = values.global;
  const image = `${values.global.hub}/${proxy.image}:${values.global.tag}`;
  const seccomp = Object.keys(proxy.seccompProfile).length > 0 ? { seccompProfile: proxy.seccompProfile } : {};
  const resources = proxy.resources;

  // With CNI the node agent redirects traffic; the init container only validates it, unprivileged.
  const redirectInit = values.cni.enabled
    ? {
        name: 'istio-validation',
        image,
        resources,
        securityContext: {
          allowPrivilegeEscalation: proxy.privileged,
          privileged: proxy.privileged,
          capabilities: { drop: ['ALL'] },
          readOnlyRootFilesystem: true,
          runAsGroup: 1337,
          runAsUser: 1337,
          runAsNonRoot: true,
          ...seccomp,
        },
      }
    : {
        name: 'istio-init',
        image,
        resources,
        securityContext: {
          allowPrivilegeEscalation: proxy.privileged,
          privileged: proxy.privileged,
          capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
          readOnlyRootFilesystem: false,
          runAsGroup: 0,
          runAsNonRoot: false,
          runAsUser: 0,
          ...seccomp,
        },
      };

  const probes =
    proxy.statusPort === 0
      ? {}
      : {
          ...(proxy.startupProbe.enabled ? { startupProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 1, failureThreshold: proxy.startupProbe.failureThreshold } } : {}),
          readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: proxy.readinessPeriodSeconds, failureThreshold: proxy.readinessFailureThreshold },
        };
  const sidecar = {
    name: 'istio-proxy',
    image,
    ...(options.nativeSidecar ? { restartPolicy: 'Always' } : {}),
    ports: [{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }],
    ...probes,
    securityContext: {
      allowPrivilegeEscalation: proxy.privileged,
      capabilities: { drop: ['ALL'] },
      privileged: proxy.privileged,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1337,
      runAsGroup: 1337,
      ...seccomp,
    },
    resources,
  };

  const volumes = [
    { name: 'workload-socket', emptyDir: {} },
    { name: 'credential-socket', emptyDir: {} },
    { name: 'workload-certs', emptyDir: {} },
    { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
    { name: 'istio-data', emptyDir: {} },
    { name: 'istio-podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
    { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: values.global.sds.token.aud } }] } },
    { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
    { name: 'istio-ca-crl', configMap: { name: 'istio-ca-crl', optional: true } },
  ];
  const initContainers = [redirectInit, ...(options.nativeSidecar ? [sidecar] : []), ...(pod.spec.initContainers ?? [])];
  const containers = [...pod.spec.containers, ...(options.nativeSidecar ? [] : [sidecar])];
  return { ...pod, spec: { ...pod.spec, initContainers, containers, volumes: [...(pod.spec.volumes ?? []), ...volumes] } };
}
