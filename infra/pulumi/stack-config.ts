import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_IMAGE_REGISTRY } from '../synth/image-reference';
import { CLOUD_ENVIRONMENT_NAMES, CLOUD_ENVIRONMENTS, type CloudEnvironmentName } from './cloud-environments';

/** The stacks this program knows; each AWS stack deploys the environment of the same name. */
export const STACK_NAMES = [...CLOUD_ENVIRONMENT_NAMES, 'local'] as const;
export type StackName = (typeof STACK_NAMES)[number];

/** Registry the local stack pushes to when `uag:image` is unset: the one kind and k3d set up. */
export const DEFAULT_LOCAL_REGISTRY = DEFAULT_IMAGE_REGISTRY;

/** Reads fully qualified keys (`uag:domain`, `aws:region`); `pulumiConfigSource()` is the real one. */
export interface ConfigSource {
  get(key: string): string | undefined;
  getSecret(key: string): pulumi.Output<string> | undefined;
}

export interface AwsTarget {
  readonly kind: 'aws';
  readonly region: string;
  /**
   * A pre-built, immutable gateway image (the delivery pipeline's pushed digest, the same one in
   * every stack); when unset the stack builds the image and pushes it to its own registry.
   */
  readonly image: string | undefined;
  /** CIDRs allowed to reach the public API endpoint; empty when the endpoint is private only. */
  readonly publicAccessCidrs: readonly string[];
  /** IAM principals given cluster-admin access entries, besides the identity running `pulumi up`. */
  readonly clusterAdminArns: readonly string[];
  /** Networks that reach the private API endpoint on 443 (VPN, peered VPC, a runner's subnet); required where the endpoint is private only. */
  readonly privateAccessCidrs: readonly string[];
  /** The public Route 53 zone `uag:domain` lives in: ExternalDNS points the domain at the NLB there, cert-manager answers the certificate's DNS-01 challenge there. */
  readonly hostedZoneId: string;
  /** `aws:profile`, so the kubeconfig's `aws eks get-token` uses the same credentials as the AWS provider. */
  readonly awsProfile: string | undefined;
  /**
   * Create the AWS resources only (network, cluster, nodes, add-ons, registry, image, Redis) and
   * nothing through the Kubernetes API: the first run of a stack whose API endpoint is private,
   * before the deployer's network is connected to the VPC it creates.
   */
  readonly awsOnly: boolean;
}

export interface LocalTarget {
  readonly kind: 'local';
  /** kubeconfig context to deploy to. @default the current context */
  readonly kubeconfigContext: string | undefined;
  /** A pre-built, immutable gateway image; when unset the image is built and pushed to `registry`. */
  readonly image: string | undefined;
  /** @default DEFAULT_LOCAL_REGISTRY */
  readonly registry: string;
}

export interface AlertReceiverSecrets {
  readonly pagerDutyRoutingKey: pulumi.Output<string>;
  readonly chatWebhookUrl: pulumi.Output<string>;
  readonly webhookUrl: pulumi.Output<string>;
}

export interface TlsSecrets {
  readonly certificate: pulumi.Output<string>;
  readonly privateKey: pulumi.Output<string>;
}

export interface StackSecrets {
  readonly grafanaAdminPassword: pulumi.Output<string>;
  /** Unset in dev and local only: Alertmanager then has nowhere to send. */
  readonly alertReceivers: AlertReceiverSecrets | undefined;
  /** Set exactly where the environment runs ElastiCache. */
  readonly redisAuthToken: pulumi.Output<string> | undefined;
  /** UAG_JWT_PUBLIC_KEY, for route tables that set `auth.jwt.publicKeyFromEnv`. */
  readonly jwtPublicKey: pulumi.Output<string> | undefined;
  /** Certificate for the ingress hosts; unset when something else (cert-manager) provides the TLS Secret. */
  readonly tls: TlsSecrets | undefined;
}

export interface StackConfig {
  readonly stack: StackName;
  /** The environment whose spec is deployed: the stack's own name, or `uag:environment` for `local`. */
  readonly environment: CloudEnvironmentName;
  /** Public host the ingress serves; replaces the environment's example hosts. Unset (local only): keep them. */
  readonly domain: string | undefined;
  readonly target: AwsTarget | LocalTarget;
  readonly secrets: StackSecrets;
}

/** Every problem with a stack's configuration, one line each, naming the key and a command that fixes it. */
export class StackConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: readonly string[],
  ) {
    super(`stack '${stackName}' configuration is invalid:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'StackConfigError';
  }
}

const EXAMPLES = {
  'aws:region': 'eu-west-1',
  'uag:domain': 'api.dev.example.org',
  'uag:publicAccessCidrs': '\'["203.0.113.0/24"]\'',
  'uag:clusterAdminArns': '\'["arn:aws:iam::123456789012:role/platform-admin"]\'',
  'uag:privateAccessCidrs': '\'["10.99.0.0/16"]\'',
  'uag:awsOnly': 'true',
  'uag:hostedZoneId': 'Z0123456789ABCDEFGHIJ',
  'uag:environment': 'dev',
  'uag:kubeconfigContext': 'kind-uag',
  'uag:image': 'localhost:5000/uag-gateway@sha256:<64 hex digits>',
  'uag:localRegistry': DEFAULT_LOCAL_REGISTRY,
  'uag:grafanaAdminPassword': '"$(openssl rand -base64 24)"',
  'uag:alertmanagerPagerDutyRoutingKey': '<32-character PagerDuty Events v2 integration key>',
  'uag:alertmanagerChatWebhookUrl': 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXX',
  'uag:alertmanagerWebhookUrl': 'https://alerts.example.org/alertmanager',
  'uag:redisAuthToken': '"$(openssl rand -hex 32)"',
  'uag:jwtPublicKey': '"$(cat issuer-public-key.pem)"',
  'uag:tlsCertificate': '"$(cat tls.crt)"',
  'uag:tlsPrivateKey': '"$(cat tls.key)"',
} as const;
type ConfigKey = keyof typeof EXAMPLES;

const SECRET_KEYS = new Set<ConfigKey>([
  'uag:grafanaAdminPassword',
  'uag:alertmanagerPagerDutyRoutingKey',
  'uag:alertmanagerChatWebhookUrl',
  'uag:alertmanagerWebhookUrl',
  'uag:redisAuthToken',
  'uag:jwtPublicKey',
  'uag:tlsCertificate',
  'uag:tlsPrivateKey',
]);

/** The command that sets `key`, with an example value. */
export function setCommand(key: ConfigKey): string {
  return `pulumi config set ${SECRET_KEYS.has(key) ? '--secret ' : ''}${key} ${EXAMPLES[key]}`;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const IPV4_CIDR = /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)$/;
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;
const REGISTRY_HOST = /^[a-z0-9.-]+(:\d{1,5})?$/;
/** A Route 53 hosted zone ID as the console and `aws route53 list-hosted-zones` show it, without the `/hostedzone/` prefix. */
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

/**
 * Reads and validates a stack's configuration. Problems are collected, not thrown one by one, so
 * a new stack learns everything it still needs in one run.
 */
export function loadStackConfig(stack: string, source: ConfigSource): StackConfig {
  const problems: string[] = [];
  const missing = (key: ConfigKey, why: string) => problems.push(`${key} is missing (${why}): ${setCommand(key)}`);
  const invalid = (key: ConfigKey, value: string, rule: string) => problems.push(`${key} (${JSON.stringify(value)}) ${rule}: ${setCommand(key)}`);
  const notHere = (key: ConfigKey, why: string) => problems.push(`${key} is set but ${why}: pulumi config rm ${key}`);

  const stringList = (key: ConfigKey, pattern: RegExp, what: string): string[] | undefined => {
    const raw = source.get(key);
    if (raw === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== 'string' || !pattern.test(item))) {
      invalid(key, raw, `must be a JSON list of ${what}`);
      return undefined;
    }
    return parsed as string[];
  };
  const matching = (key: ConfigKey, pattern: RegExp, what: string): string | undefined => {
    const value = source.get(key);
    if (value !== undefined && !pattern.test(value)) invalid(key, value, `must be ${what}`);
    return value;
  };

  if (!(STACK_NAMES as readonly string[]).includes(stack)) {
    throw new StackConfigError(stack, [`the stack name must be one of ${STACK_NAMES.join(', ')}: pulumi stack init dev`]);
  }
  const stackName = stack as StackName;
  const isLocal = stackName === 'local';

  let environment: CloudEnvironmentName = isLocal ? 'dev' : (stackName as CloudEnvironmentName);
  const requestedEnvironment = source.get('uag:environment');
  if (requestedEnvironment !== undefined) {
    if (!isLocal) notHere('uag:environment', `stack '${stackName}' always deploys the '${stackName}' environment`);
    else if ((CLOUD_ENVIRONMENT_NAMES as readonly string[]).includes(requestedEnvironment)) environment = requestedEnvironment as CloudEnvironmentName;
    else invalid('uag:environment', requestedEnvironment, `must be one of ${CLOUD_ENVIRONMENT_NAMES.join(', ')}`);
  }
  const spec = CLOUD_ENVIRONMENTS[environment];

  const domain = matching('uag:domain', HOSTNAME, 'a lower-case DNS name');
  if (domain === undefined && !isLocal) missing('uag:domain', 'the public host the ingress gateway serves');

  const image = source.get('uag:image');
  if (image !== undefined && !/@sha256:[0-9a-f]{64}$|:(?!latest$)[\w][\w.-]{0,127}$/.test(image.split('/').pop() ?? '')) {
    invalid('uag:image', image, 'must carry a digest or an immutable tag, not :latest or none');
  }
  let target: AwsTarget | LocalTarget;
  if (isLocal) {
    for (const key of ['aws:region', 'uag:publicAccessCidrs', 'uag:clusterAdminArns', 'uag:privateAccessCidrs', 'uag:awsOnly', 'uag:hostedZoneId'] as const) {
      if (source.get(key) !== undefined) notHere(key, 'the local stack creates no AWS resources');
    }
    const registry = matching('uag:localRegistry', REGISTRY_HOST, 'a registry host[:port]');
    if (image !== undefined && registry !== undefined) {
      problems.push(`uag:image and uag:localRegistry are both set; a pre-built image is not pushed anywhere: pulumi config rm uag:localRegistry`);
    }
    target = { kind: 'local', kubeconfigContext: source.get('uag:kubeconfigContext'), image, registry: registry ?? DEFAULT_LOCAL_REGISTRY };
  } else {
    for (const key of ['uag:kubeconfigContext', 'uag:localRegistry'] as const) {
      if (source.get(key) !== undefined) notHere(key, `it applies to the local stack only`);
    }
    const region = matching('aws:region', AWS_REGION, 'an AWS region name');
    if (region === undefined) missing('aws:region', 'where the cluster is created');
    const publicAccessCidrs = stringList('uag:publicAccessCidrs', IPV4_CIDR, 'IPv4 CIDR blocks');
    if (spec.publicEndpoint && publicAccessCidrs === undefined && source.get('uag:publicAccessCidrs') === undefined) {
      missing('uag:publicAccessCidrs', `who may reach the ${environment} API endpoint from the internet`);
    }
    if (!spec.publicEndpoint && publicAccessCidrs !== undefined) {
      notHere('uag:publicAccessCidrs', `the ${environment} API endpoint is private (reach it through the VPC)`);
    }
    if (publicAccessCidrs?.includes('0.0.0.0/0')) {
      invalid('uag:publicAccessCidrs', source.get('uag:publicAccessCidrs') ?? '', 'must not open the API endpoint to the whole internet');
    }
    if (spec.publicEndpoint && publicAccessCidrs?.length === 0) {
      invalid('uag:publicAccessCidrs', '[]', 'must list at least one CIDR block');
    }
    const hostedZoneId = matching('uag:hostedZoneId', HOSTED_ZONE_ID, 'a Route 53 hosted zone ID (Z followed by capital letters and digits, without /hostedzone/)');
    if (hostedZoneId === undefined) missing('uag:hostedZoneId', `the public Route 53 zone holding ${domain ?? 'uag:domain'}, where the ingress record and certificate challenges go; aws route53 list-hosted-zones-by-name --dns-name <zone> shows it`);
    for (const key of ['uag:tlsCertificate', 'uag:tlsPrivateKey'] as const) {
      if (source.getSecret(key) !== undefined) notHere(key, `cert-manager issues the ${environment} ingress certificate (Let's Encrypt, DNS-01 in uag:hostedZoneId)`);
    }
    const clusterAdminArns = stringList('uag:clusterAdminArns', IAM_PRINCIPAL_ARN, 'IAM role or user ARNs') ?? [];
    const awsOnlyValue = source.get('uag:awsOnly');
    if (awsOnlyValue !== undefined && awsOnlyValue !== 'true' && awsOnlyValue !== 'false') invalid('uag:awsOnly', awsOnlyValue, 'must be true or false');
    const awsOnly = awsOnlyValue === 'true';
    const privateAccessCidrs = stringList('uag:privateAccessCidrs', IPV4_CIDR, 'IPv4 CIDR blocks');
    if (privateAccessCidrs?.includes('0.0.0.0/0')) {
      invalid('uag:privateAccessCidrs', source.get('uag:privateAccessCidrs') ?? '', 'must name the networks pulumi up runs from, not every address');
    }
    if (!spec.publicEndpoint && !awsOnly && (privateAccessCidrs === undefined || privateAccessCidrs.length === 0) && !problems.some((problem) => problem.startsWith('uag:privateAccessCidrs'))) {
      problems.push(
        `uag:privateAccessCidrs is missing (the ${environment} API endpoint is private: pulumi up reaches it only from networks routed into the VPC and allowed on port 443, ` +
          `e.g. a VPN's client CIDR, a peered VPC or the subnet of a CI runner inside the VPC): ${setCommand('uag:privateAccessCidrs')}; ` +
          `on the stack's first run, before that network is connected to the VPC this stack creates: ${setCommand('uag:awsOnly')}, connect it, then pulumi config rm uag:awsOnly`,
      );
    }
    target = {
      kind: 'aws',
      region: region ?? '',
      image,
      publicAccessCidrs: spec.publicEndpoint ? (publicAccessCidrs ?? []) : [],
      clusterAdminArns,
      privateAccessCidrs: privateAccessCidrs ?? [],
      hostedZoneId: hostedZoneId ?? '',
      awsProfile: source.get('aws:profile'),
      awsOnly,
    };
  }

  const secret = (key: ConfigKey) => source.getSecret(key);
  const grafanaAdminPassword = secret('uag:grafanaAdminPassword');
  if (grafanaAdminPassword === undefined) missing('uag:grafanaAdminPassword', 'Grafana admin login');

  const receiverKeys = ['uag:alertmanagerPagerDutyRoutingKey', 'uag:alertmanagerChatWebhookUrl', 'uag:alertmanagerWebhookUrl'] as const;
  const receivers = receiverKeys.map(secret);
  const [pagerDutyRoutingKey, chatWebhookUrl, webhookUrl] = receivers;
  const receiversRequired = environment === 'staging' || environment === 'prod';
  if (receiversRequired || receivers.some((value) => value !== undefined)) {
    receiverKeys.forEach((key, index) => {
      if (receivers[index] === undefined) {
        missing(key, receiversRequired ? `${environment} alerts must reach someone` : 'Alertmanager receivers are set all together or not at all');
      }
    });
  }

  const redisAuthToken = secret('uag:redisAuthToken');
  const runsElastiCache = !isLocal && spec.redis !== undefined;
  if (runsElastiCache && redisAuthToken === undefined) missing('uag:redisAuthToken', `the ${environment} ElastiCache requires AUTH`);
  if (!runsElastiCache && redisAuthToken !== undefined) notHere('uag:redisAuthToken', `stack '${stackName}' runs no ElastiCache`);

  const tlsCertificate = secret('uag:tlsCertificate');
  const tlsPrivateKey = secret('uag:tlsPrivateKey');
  if (isLocal && (tlsCertificate === undefined) !== (tlsPrivateKey === undefined)) {
    missing(tlsCertificate === undefined ? 'uag:tlsCertificate' : 'uag:tlsPrivateKey', 'the TLS certificate and its key are set together');
  }

  if (problems.length > 0) throw new StackConfigError(stackName, problems);
  return {
    stack: stackName,
    environment,
    domain,
    target,
    secrets: {
      grafanaAdminPassword: grafanaAdminPassword as pulumi.Output<string>,
      alertReceivers:
        pagerDutyRoutingKey && chatWebhookUrl && webhookUrl
          ? { pagerDutyRoutingKey, chatWebhookUrl, webhookUrl }
          : undefined,
      redisAuthToken: redisAuthToken?.apply(checkRedisAuthToken),
      jwtPublicKey: secret('uag:jwtPublicKey'),
      tls: tlsCertificate && tlsPrivateKey ? { certificate: tlsCertificate, privateKey: tlsPrivateKey } : undefined,
    },
  };
}

/**
 * ElastiCache's AUTH token rules. The token is a secret whose value is known only once decrypted,
 * so this runs inside the Output and fails the update before the replication group is touched.
 */
export function checkRedisAuthToken(value: string): string {
  if (!/^[\x21-\x7e]{16,128}$/.test(value) || /[@"/]/.test(value)) {
    throw new Error(`uag:redisAuthToken must be 16-128 printable characters without @, " or /: ${setCommand('uag:redisAuthToken')}`);
  }
  return value;
}

/** The stack's real configuration, as `pulumi up` provides it. */
export function pulumiConfigSource(): ConfigSource {
  const namespaces = new Map<string, pulumi.Config>();
  const split = (key: string) => {
    const [namespace = '', name = ''] = key.split(':');
    if (!namespaces.has(namespace)) namespaces.set(namespace, new pulumi.Config(namespace));
    return { config: namespaces.get(namespace) as pulumi.Config, name };
  };
  return {
    get: (key) => {
      const { config, name } = split(key);
      return config.get(name);
    },
    getSecret: (key) => {
      const { config, name } = split(key);
      return config.getSecret(name);
    },
  };
}
