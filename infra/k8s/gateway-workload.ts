import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import {
  ADMIN_PATHS,
  DEFAULT_ADMIN_PORT,
  DEFAULT_HTTP_PORT,
  DEFAULT_ROUTES_RELOAD_INTERVAL_MS,
  ENV_VARS,
  PORT_NAMES,
  routeTableChecksum,
  type EnvVarName,
  type GatewayEnvironment,
  type RouteTable,
} from '../../app/src/contract';
import type { ComputeResources, GatewaySpec, RouteChangeMode } from '../environments/types';
import * as kplus from './cdk8s-plus';
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum } from './config-checksum';
import { appLabels, versionedLabels, type Labels } from './labels';
import { GATEWAY_NAME, OTLP_ENDPOINT } from './platform-names';
import { restrictedContainer, type RestrictedPodsProps } from './restricted-pods';
import { PREFERRED_SPREAD } from './topology-spread';

/** Where the route table ConfigMap is mounted; UAG_ROUTES_FILE points here. */
export const ROUTES_MOUNT_PATH = '/etc/uag';
export const ROUTES_FILE_NAME = 'routes.yaml';

/** A raw TCP listener of the gateway (game clients), as the route table declares it. */
export interface TcpListener {
  readonly name: string;
  readonly port: number;
}

/** Container and Service port name of a TCP listener: the `tcp-` prefix tells Istio the protocol, and it stays within 15 characters. */
export function tcpPortName(listener: TcpListener): string {
  return `tcp-${listener.port}`;
}

export interface GatewayWorkloadProps {
  readonly namespace: string;
  /** Immutable image reference from the pipeline, `<registry>/uag-gateway:<content hash>`. */
  readonly image: string;
  /** UAG_ENV. */
  readonly environment: GatewayEnvironment;
  /** A route table already validated by the gateway's schema. */
  readonly routes: RouteTable;
  /** @default requests 250m/256Mi, limits 500m/512Mi */
  readonly resources?: ComputeResources;
  /** @default 5000 */
  readonly drainDelayMs?: number;
  /** @default 30000 */
  readonly shutdownTimeoutMs?: number;
  /** @default 'info' */
  readonly logLevel?: GatewaySpec['logLevel'];
  /** Ratio of root traces sampled. @default 1 */
  readonly traceSamplingRatio?: number;
  /** @default the in-cluster Jaeger collector's OTLP/HTTP endpoint */
  readonly otlpEndpoint?: string;
  /** Seconds kubelet waits past the gateway's own shutdown timeout before SIGKILL. @default 10 */
  readonly terminationMarginSeconds?: number;
  /** Raw TCP listeners to expose next to HTTP. @default the route table's `tcp` listeners */
  readonly tcpListeners?: readonly TcpListener[];
  /**
   * How a route-table change reaches running pods: `reload` applies it in place (no pod-template
   * checksum, the gateway polls the file), `rollout` rolls the pods (the checksum is in the pod
   * template, the gateway does not poll). See ROUTE_CHANGE_MODES. @default 'rollout'
   */
  readonly routeChanges?: RouteChangeMode;
  /**
   * UAG_TRUSTED_PROXIES: the addresses whose X-Forwarded-For the gateway believes (in the mesh,
   * its sidecar's, see client-address.ts). @default none: every client is the connection's peer
   */
  readonly trustedProxies?: readonly string[];
}

/** On the route table ConfigMap: the sha256 of its file, as the gateway reports it in `gateway_config_info{checksum}`. */
export const ROUTES_CHECKSUM_ANNOTATION = 'uag.example.com/routes-sha256';

/**
 * The gateway's pods: ServiceAccount, route table ConfigMap, and the one definition of the pods
 * (container, probes, volumes, security) that the GatewayRollout runs. The grace period is derived
 * from the drain settings so that kubelet never kills a pod the gateway is still draining.
 */
export class GatewayWorkload extends Construct {
  readonly name = GATEWAY_NAME;
  readonly namespace: string;
  /** Labels of every gateway object whose content does not depend on the image (no `version`). */
  readonly labels: Labels;
  /** `labels` plus the image's `version`: for the Rollout and its pod template only. */
  readonly versionedLabels: Labels;
  /** The gateway's pods, of every version: what the Rollout, Services, policies, scrapes and the disruption budget select. */
  readonly selector: Labels;
  readonly serviceAccountName = GATEWAY_NAME;
  readonly drainDelayMs: number;
  readonly shutdownTimeoutMs: number;
  readonly terminationGracePeriodSeconds: number;
  readonly routesChecksum: string;
  readonly routeChanges: RouteChangeMode;
  readonly tcpListeners: readonly TcpListener[];
  readonly serviceAccount: kplus.ServiceAccount;
  /** What the Rollout runs; a change here starts a rollout. */
  readonly pods: RestrictedPodsProps;

  constructor(scope: Construct, id: string, props: GatewayWorkloadProps) {
    super(scope, id);
    this.namespace = props.namespace;
    this.drainDelayMs = props.drainDelayMs ?? 5_000;
    this.shutdownTimeoutMs = props.shutdownTimeoutMs ?? 30_000;
    const margin = props.terminationMarginSeconds ?? 10;
    this.tcpListeners = props.tcpListeners ?? props.routes.tcp;
    this.routeChanges = props.routeChanges ?? 'rollout';
    for (const listener of this.tcpListeners) {
      if (listener.port === DEFAULT_HTTP_PORT || listener.port === DEFAULT_ADMIN_PORT) {
        throw new Error(`GatewayWorkload: TCP listener '${listener.name}' port (${listener.port}) collides with the HTTP (${DEFAULT_HTTP_PORT}) or admin (${DEFAULT_ADMIN_PORT}) port`);
      }
    }
    const resources = props.resources ?? { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } };
    if (this.drainDelayMs >= this.shutdownTimeoutMs) {
      throw new Error(`GatewayWorkload: 'drainDelayMs' (${this.drainDelayMs}) must be below 'shutdownTimeoutMs' (${this.shutdownTimeoutMs}); the shutdown timeout counts from SIGTERM`);
    }
    requireImmutableImage('image', props.image);
    // UAG_SHUTDOWN_TIMEOUT_MS counts from SIGTERM and already contains the drain delay.
    this.terminationGracePeriodSeconds = Math.ceil(this.shutdownTimeoutMs / 1000) + margin;
    this.labels = appLabels({ name: GATEWAY_NAME, component: COMPONENT });
    this.versionedLabels = versionedLabels(this.labels, imageVersion(props.image));
    this.selector = this.labels;

    const routesYaml = stringify(props.routes, { sortMapEntries: true });
    this.routesChecksum = configChecksum(routesYaml);
    const metadata = (name: string) => ({ name, namespace: this.namespace, labels: { ...this.labels } });

    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', { metadata: metadata(this.serviceAccountName), automountToken: false });
    const routesConfigMap = new kplus.ConfigMap(this, 'routes', {
      metadata: { ...metadata(`${GATEWAY_NAME}-routes`), annotations: { [ROUTES_CHECKSUM_ANNOTATION]: routeTableChecksum(routesYaml) } },
      data: { [ROUTES_FILE_NAME]: routesYaml },
    });
    const reloads = this.routeChanges === 'reload';

    const env = gatewayEnvironmentVariables({
      UAG_ENV: props.environment,
      UAG_HTTP_PORT: String(DEFAULT_HTTP_PORT),
      UAG_ADMIN_PORT: String(DEFAULT_ADMIN_PORT),
      UAG_ROUTES_FILE: `${ROUTES_MOUNT_PATH}/${ROUTES_FILE_NAME}`,
      // With rollouts the ConfigMap still changes in place under the old pods: they must keep their
      // table while the canary runs, so they do not poll (SIGHUP would still re-read).
      UAG_ROUTES_RELOAD_INTERVAL_MS: reloads ? String(DEFAULT_ROUTES_RELOAD_INTERVAL_MS) : '0',
      UAG_DRAIN_DELAY_MS: String(this.drainDelayMs),
      UAG_SHUTDOWN_TIMEOUT_MS: String(this.shutdownTimeoutMs),
      LOG_LEVEL: props.logLevel ?? 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: props.otlpEndpoint ?? OTLP_ENDPOINT,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: String(props.traceSamplingRatio ?? 1),
      ...(props.trustedProxies === undefined || props.trustedProxies.length === 0 ? {} : { UAG_TRUSTED_PROXIES: props.trustedProxies.join(',') }),
    });
    const adminProbe = (path: string, timing: { initialDelaySeconds?: number; periodSeconds: number; failureThreshold: number }) =>
      kplus.Probe.fromHttpGet(path, {
        port: DEFAULT_ADMIN_PORT,
        initialDelaySeconds: timing.initialDelaySeconds === undefined ? undefined : Duration.seconds(timing.initialDelaySeconds),
        periodSeconds: Duration.seconds(timing.periodSeconds),
        failureThreshold: timing.failureThreshold,
      });

    this.pods = {
      selector: this.selector,
      labels: this.versionedLabels,
      annotations: {
        // Only with rollouts: a checksum here turns every route change into a new pod template.
        ...(reloads ? {} : { [CONFIG_CHECKSUM_ANNOTATION]: this.routesChecksum }),
        // Start the app after its sidecar and keep the sidecar until the app has drained.
        'proxy.istio.io/config': JSON.stringify({
          holdApplicationUntilProxyStarts: true,
          terminationDrainDuration: `${Math.ceil(this.shutdownTimeoutMs / 1000)}s`,
        }),
      },
      serviceAccount: this.serviceAccount,
      terminationGracePeriod: Duration.seconds(this.terminationGracePeriodSeconds),
      spread: PREFERRED_SPREAD,
      containers: [
        restrictedContainer({
          name: GATEWAY_NAME,
          image: props.image,
          ports: [
            { name: PORT_NAMES.http, port: DEFAULT_HTTP_PORT },
            { name: PORT_NAMES.admin, port: DEFAULT_ADMIN_PORT },
            ...this.tcpListeners.map((listener) => ({ name: tcpPortName(listener), port: listener.port })),
          ],
          env,
          resources,
          startup: adminProbe(ADMIN_PATHS.startup, { periodSeconds: 2, failureThreshold: 30 }),
          liveness: adminProbe(ADMIN_PATHS.live, { initialDelaySeconds: 15, periodSeconds: 10, failureThreshold: 3 }),
          readiness: adminProbe(ADMIN_PATHS.ready, { initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 2 }),
          volumeMounts: [
            // The whole volume as a folder, never a subPath: kubelet updates a ConfigMap volume by
            // swapping its ..data symlink, and a subPath mount is a copy that never sees an update.
            { path: ROUTES_MOUNT_PATH, readOnly: true, volume: kplus.Volume.fromConfigMap(this, 'routes-volume', routesConfigMap, { name: 'routes' }) },
            { path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'tmp-volume', 'tmp', { sizeLimit: Size.mebibytes(64) }) },
          ],
        }),
      ],
    };
  }
}

const COMPONENT = 'api-gateway';

function requireImmutableImage(prop: string, image: string): void {
  if (image.endsWith(':latest') || !/[:@]/.test(image.split('/').pop() ?? '')) {
    throw new Error(`GatewayWorkload: '${prop}' (${image}) must carry an immutable tag or digest, not ':latest' or none`);
  }
}

/** The tag (or digest) of an image reference, used as the `version` label. */
export function imageVersion(image: string): string {
  const last = image.split('/').pop() ?? image;
  const at = last.indexOf('@');
  if (at >= 0) return last.slice(at + 1).replace(/^sha256:/, '').slice(0, 63);
  return last.slice(last.indexOf(':') + 1);
}

/**
 * Env vars for the gateway container, each value checked with the gateway's own schema for that
 * variable: a value the gateway would refuse at startup fails synthesis instead.
 */
export function gatewayEnvironmentVariables(values: Partial<Record<EnvVarName, string>>): Record<string, kplus.EnvValue> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => {
      const result = ENV_VARS[name as EnvVarName].schema.safeParse(value);
      if (!result.success) {
        throw new Error(`GatewayWorkload: env ${name}=${JSON.stringify(value)} ${result.error.issues[0]?.message ?? 'is invalid'}`);
      }
      return [name, kplus.EnvValue.fromValue(value as string)];
    }),
  );
}
