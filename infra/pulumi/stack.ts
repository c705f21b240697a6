import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { CLOUD_ENVIRONMENTS, type CloudEnvironmentName } from './cloud-environments';
import { Cluster } from './cluster';
import { ClusterAddons } from './cluster-addons';
import { GatewayImage, REPOSITORY_ROOT } from './gateway-image';
import type { ExternalEgress } from '../k8s/external-egress';
import { ENCRYPTED_STORAGE_CLASS } from '../k8s/platform-names';
import { IMAGE_NAME } from '../synth/image-reference';
import { Network, subnetLayout } from './network';
import { NodeGroups } from './node-groups';
import { LOAD_BALANCER_CONTROLLER, loadBalancerControllerPolicy } from './load-balancer-controller';
import { CERT_MANAGER, EXTERNAL_DNS, certManagerPolicy, externalDnsPolicy, type PublicDnsArgs } from './public-dns';
import { gatewayTcpPorts } from './ingress-service-ports';
import { localIngressInstructions } from './local-ingress';
import { AddonIdentities } from './addon-identities';
import { EXTERNAL_SECRETS, SecretsManagerEntries, externalSecretsPolicy, externalSecretsRelease, secretsManagerPrefix } from './external-secrets';
import { KARPENTER, KarpenterNodeAccess, NodeAutoscaling, karpenterControllerPolicy, karpenterReleases, type NodeAutoscalingArgs } from './karpenter';
import { secretPlans, type SecretDelivery } from './secrets';
import { IngressCertificate } from './ingress-certificate';
import { Operators, type IngressExposure, type OperatorRelease } from './operators';
import { PLATFORM_NAMES, type PlatformSource } from './platform-contract';
import { PlatformDeploy } from './platform-deploy';
import { REDIS_PORT, Redis } from './redis';
import { Registry, publishedDigest } from './registry';
import type { AwsTarget, LocalTarget, StackConfig } from './stack-config';
import { encryptedStorageClassArgs } from './storage-class';

/** What `pulumi stack output` shows. */
export interface StackOutputs {
  /** Secret; AWS stacks only (the local stack uses your own kubeconfig). */
  readonly kubeconfig: pulumi.Output<string> | undefined;
  /** EKS cluster name, or the kubeconfig context of the local stack. */
  readonly clusterName: pulumi.Output<string>;
  /** Load balancer host (or IP) of the Istio ingress gateway; point `uag:domain`'s DNS record here. On the local stack, where the node ports are mapped. */
  readonly ingressHostname: pulumi.Output<string>;
  /** How to reach the gateway from where `pulumi up` ran: the URL and a curl line. */
  readonly ingress: pulumi.Output<string>;
  readonly grafana: string;
  readonly jaeger: string;
  /** Immutable image reference the gateway runs: `<repository>:<content tag>`, or the configured `uag:image`. */
  readonly image: string;
  /** `sha256:…` the reference resolves to; `undefined` for a pre-built local image given by tag. */
  readonly imageDigest: pulumi.Output<string> | undefined;
}

/** Where the stack deploys to, and the image it deploys; `provider` is absent on an `uag:awsOnly` run. */
interface ClusterAccess {
  readonly provider: k8s.Provider | undefined;
  readonly clusterName: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string> | undefined;
  /** `--context <name> ` for the kubectl commands printed as outputs, when not the current one. */
  readonly kubectlContext: string;
  readonly image: string;
  readonly imageDigest: pulumi.Output<string> | undefined;
  /** What pushes the image; the Rollout is applied after it. */
  readonly imageBuild: pulumi.Resource | undefined;
  readonly redisUrl: pulumi.Output<string> | undefined;
  /** Cloud resources the gateway pods must reach past the default-deny egress and the mesh's registry. */
  readonly gatewayExternalEgress: readonly ExternalEgress[];
  readonly ingressExposure: IngressExposure;
  /** The class the platform's volume claims name; `null`: the cluster's default. */
  readonly storageClassName: string | null;
  /** Objects the platform needs that the cluster itself does not have (the StorageClass on EKS). */
  readonly clusterPrerequisites: readonly pulumi.Resource[];
  /** Helm releases of the cluster's own add-ons (Karpenter and External Secrets Operator on EKS). */
  readonly addonReleases: readonly OperatorRelease[];
  /** Karpenter's NodePool and EC2NodeClass, once its release is installed; `undefined` where nothing adds nodes (local). */
  readonly nodeAutoscaling: Omit<NodeAutoscalingArgs, 'provider' | 'karpenter'> | undefined;
  /** Where the platform's secret values live when not in Kubernetes Secrets written by Pulumi: Secrets Manager on AWS. */
  readonly secretStore: Omit<Extract<SecretDelivery, { kind: 'external-secrets' }>, 'kind' | 'operator'> | undefined;
}

/** Who runs `pulumi up` and where: answers the AWS APIs give before anything is created. */
export interface AwsContext {
  readonly accountId: string;
  /** `amazonaws.com`, or the partition's own (`amazonaws.com.cn`). */
  readonly dnsSuffix: string;
  /** The IAM role or user behind the caller's credentials (the issuer of an assumed-role session). */
  readonly callerPrincipalArn: string;
}

/** Reads the AWS context through the provider's data sources (they also run during a preview). */
export async function awsContext(): Promise<AwsContext> {
  const [caller, partition] = await Promise.all([aws.getCallerIdentity({}), aws.getPartition({})]);
  const session = await aws.iam.getSessionContext({ arn: caller.arn });
  return { accountId: caller.accountId, dnsSuffix: partition.dnsSuffix, callerPrincipalArn: session.issuerArn };
}

/** The URL ECR gives a repository (`<registry id>.dkr.ecr.<region>.<dns suffix>/<name>`), known before it exists. */
export function ecrRepositoryUrl(context: Pick<AwsContext, 'accountId' | 'dnsSuffix'>, region: string, repositoryName: string): string {
  return `${context.accountId}.dkr.ecr.${region}.${context.dnsSuffix}/${repositoryName}`;
}

/** `kubectl port-forward` command that makes an in-cluster UI reachable on localhost. */
export function portForwardCommand(kubectlContext: string, service: string, port: number): string {
  return `kubectl ${kubectlContext}-n ${PLATFORM_NAMES.namespaces.observability} port-forward svc/${service} ${port}:${port}, then open http://localhost:${port}`;
}

async function awsCluster(config: StackConfig, target: AwsTarget, platform: PlatformSource): Promise<ClusterAccess> {
  const environment = CLOUD_ENVIRONMENTS[config.environment];
  const context = await awsContext();
  const name = `uag-${config.stack}`;
  const network = new Network(name, { ...environment.network, clusterName: name });
  const cluster = new Cluster(name, {
    clusterName: name,
    kubernetesVersion: environment.kubernetesVersion,
    region: target.region,
    subnetIds: network.privateSubnetIds,
    publicEndpoint: environment.publicEndpoint,
    publicAccessCidrs: target.publicAccessCidrs,
    privateAccessCidrs: target.privateAccessCidrs,
    adminPrincipalArns: target.clusterAdminArns,
    creatorPrincipalArn: context.callerPrincipalArn,
    deletionProtection: environment.deletionProtection,
    awsProfile: target.awsProfile,
  });
  const { kubernetesVersion } = environment;
  const nodeAddons = new ClusterAddons(`${name}-node-addons`, { clusterName: cluster.clusterName, kubernetesVersion, phase: 'before-nodes' }, { dependsOn: [cluster.eksCluster] });
  const nodes = new NodeGroups(
    `${name}-nodes`,
    { ...environment.nodeGroups, clusterName: cluster.clusterName, kubernetesVersion, subnetIds: network.privateSubnetIdsByZone },
    { dependsOn: nodeAddons.addons },
  );
  const workloadAddons = new ClusterAddons(`${name}-workload-addons`, { clusterName: cluster.clusterName, kubernetesVersion, phase: 'after-nodes' }, { dependsOn: nodes.nodeGroups });

  const publicDns: PublicDnsArgs = { domain: config.domain ?? '', hostedZoneId: target.hostedZoneId, region: target.region, ownerId: name };

  const repositoryName = `${config.environment}/${IMAGE_NAME}`;
  const registry = new Registry(`${name}-registry`, {
    repositoryName,
    retainedImages: environment.retainedImages,
    forceDelete: config.environment === 'dev',
    protect: environment.deletionProtection,
  });
  const image = target.image === undefined ? await pushedToStackRegistry(name, registry, { name: repositoryName, url: ecrRepositoryUrl(context, target.region, repositoryName) }, platform) : prebuiltImage(target.image);

  const redisToken = config.secrets.redisAuthToken;
  const redis =
    environment.redis && redisToken
      ? new Redis(`${name}-rate-limits`, {
          ...environment.redis,
          vpcId: network.vpcId,
          subnetIds: network.privateSubnetIds,
          clientSecurityGroupId: cluster.clusterSecurityGroupId,
          authToken: redisToken,
          deletionProtection: environment.deletionProtection,
        })
      : undefined;

  // The platform's secret values, as Secrets Manager entries External Secrets Operator copies into the cluster.
  const secretStore = { region: target.region, prefix: secretsManagerPrefix(config.stack) };
  const secretEntries = new SecretsManagerEntries(`${name}-secrets`, {
    prefix: secretStore.prefix,
    plans: secretPlans({ secrets: config.secrets, redisUrl: redis?.url, tlsSecretName: platform.ingressTlsSecretName(config.environment) }),
    recoveryWindowInDays: environment.deletionProtection ? 7 : 0,
  });
  const karpenterAws = { clusterName: name, region: target.region, accountId: context.accountId };
  const karpenterNodes = new KarpenterNodeAccess(`${name}-karpenter`, { ...karpenterAws, clusterSecurityGroupId: cluster.clusterSecurityGroupId }, { dependsOn: [cluster.eksCluster] });

  const identities = new AddonIdentities(
    `${name}-addon-identities`,
    {
      clusterName: cluster.clusterName,
      identities: {
        'load-balancer-controller': { namespace: LOAD_BALANCER_CONTROLLER.namespace, serviceAccount: LOAD_BALANCER_CONTROLLER.serviceAccount, policy: loadBalancerControllerPolicy() },
        'external-dns': { namespace: EXTERNAL_DNS.namespace, serviceAccount: EXTERNAL_DNS.serviceAccount, policy: externalDnsPolicy(publicDns) },
        'cert-manager': { namespace: CERT_MANAGER.namespace, serviceAccount: CERT_MANAGER.serviceAccount, policy: certManagerPolicy(publicDns) },
        karpenter: {
          namespace: KARPENTER.namespace,
          serviceAccount: KARPENTER.serviceAccount,
          policy: karpenterControllerPolicy({ ...karpenterAws, nodeRoleArn: karpenterNodes.nodeRoleArn, queueArn: karpenterNodes.queueArn }),
        },
        'external-secrets': { namespace: EXTERNAL_SECRETS.namespace, serviceAccount: EXTERNAL_SECRETS.serviceAccount, policy: externalSecretsPolicy(secretEntries.arns) },
      },
    },
    { dependsOn: nodeAddons.addons },
  );

  const provider = target.awsOnly
    ? undefined
    : new k8s.Provider(`${name}-kubernetes`, { kubeconfig: cluster.kubeconfig }, { dependsOn: [...nodes.nodeGroups, ...workloadAddons.addons] });
  const storageClass = provider === undefined ? undefined : new k8s.storage.v1.StorageClass(`${name}-encrypted-gp3`, encryptedStorageClassArgs(), { provider });
  return {
    provider,
    clusterName: cluster.clusterName,
    kubeconfig: cluster.kubeconfig,
    kubectlContext: `--context ${name} `,
    ...image,
    redisUrl: redis?.url,
    // ElastiCache lives in the private subnets; its security group admits the cluster only. Its
    // endpoints are names under `cache.<dns suffix>` (master.<group>.<id>.<region>.cache.amazonaws.com).
    gatewayExternalEgress:
      redis === undefined
        ? []
        : [{ name: 'elasticache', host: `*.cache.${context.dnsSuffix}`, peers: subnetLayout(environment.network.cidrBlock).private.map((cidr) => ({ cidr })), ports: [{ port: REDIS_PORT }] }],
    ingressExposure: {
      kind: 'aws-nlb',
      controller: { clusterName: cluster.clusterName, region: target.region, vpcId: network.vpcId },
      controllerGrants: identities.roles['load-balancer-controller'].grants,
      publicDns: { ...publicDns, externalDnsGrants: identities.roles['external-dns'].grants, certManagerGrants: identities.roles['cert-manager'].grants },
    },
    storageClassName: storageClass === undefined ? null : ENCRYPTED_STORAGE_CLASS,
    clusterPrerequisites: storageClass === undefined ? [] : [storageClass],
    addonReleases: [
      // Karpenter's release waits for the node role, access entry and queue too, so on destroy it
      // outlives them being needed: its NodePool drains and terminates its nodes first.
      ...karpenterReleases({ ...karpenterAws, grants: [...identities.roles.karpenter.grants, ...karpenterNodes.resources] }),
      externalSecretsRelease({ replicas: environment.controlPlane.externalSecretsReplicas, grants: identities.roles['external-secrets'].grants }),
    ],
    nodeAutoscaling: { clusterName: name, volumeGiB: environment.nodeGroups.volumeGiB, spec: environment.nodeAutoscaling, nodeAccess: karpenterNodes.resources },
    secretStore: { ...secretStore, entries: secretEntries.versions },
  };
}

type ImageAccess = Pick<ClusterAccess, 'image' | 'imageDigest' | 'imageBuild'>;

/**
 * The image under its content tag in the stack's own ECR repository: built and pushed only when the
 * tag is not there yet (tags are immutable, so an existing one holds this content). The manifests
 * name the repository before it exists; the update fails if ECR ever named it otherwise.
 */
async function pushedToStackRegistry(name: string, registry: Registry, repository: { name: string; url: string }, platform: PlatformSource): Promise<ImageAccess> {
  const repositoryUrl = repository.url;
  const confirmedUrl = registry.repositoryUrl.apply((url) => {
    if (url !== repositoryUrl) throw new Error(`Registry: ECR named the repository ${url}, but the platform was rendered with ${repositoryUrl}`);
    return url;
  });
  const tag = platform.imageTag(REPOSITORY_ROOT);
  const existingDigest = await publishedDigest(repository.name, tag);
  const login = aws.ecr.getAuthorizationTokenOutput({ registryId: registry.registryId });
  const build =
    existingDigest === undefined
      ? new GatewayImage(`${name}-gateway-image`, {
          repository: confirmedUrl,
          tag,
          login: { address: confirmedUrl, username: login.userName, password: pulumi.secret(login.password) },
        })
      : undefined;
  return { image: `${repositoryUrl}:${tag}`, imageDigest: build?.digest ?? pulumi.output(existingDigest as string), imageBuild: build };
}

/** An image built and pushed elsewhere (`uag:image`, e.g. by the delivery pipeline): deployed exactly as given, nothing built. */
function prebuiltImage(reference: string): ImageAccess {
  const digest = reference.match(/@(sha256:[0-9a-f]{64})$/)?.[1];
  return { image: reference, imageDigest: digest === undefined ? undefined : pulumi.output(digest), imageBuild: undefined };
}

/** Built and pushed to the local registry (kind's or k3d's) under its content tag. */
function builtLocally(repository: string, tag: string): ImageAccess {
  const build = new GatewayImage('local-gateway-image', { repository, tag });
  return { image: `${repository}:${tag}`, imageDigest: build.digest, imageBuild: build };
}

function localCluster(target: LocalTarget, platform: PlatformSource): ClusterAccess {
  const provider = new k8s.Provider('local-kubernetes', { context: target.kubeconfigContext });
  const repository = `${target.registry}/${IMAGE_NAME}`;
  const image = target.image === undefined ? builtLocally(repository, platform.imageTag(REPOSITORY_ROOT)) : prebuiltImage(target.image);
  return {
    provider,
    clusterName: pulumi.output(target.kubeconfigContext ?? 'current kubeconfig context'),
    kubeconfig: undefined,
    kubectlContext: target.kubeconfigContext ? `--context ${target.kubeconfigContext} ` : '',
    ...image,
    redisUrl: undefined,
    gatewayExternalEgress: [],
    ingressExposure: { kind: 'node-port' },
    storageClassName: null,
    clusterPrerequisites: [],
    // No AWS: a kind cluster's nodes are fixed, and the secret values go into Kubernetes Secrets from stack config.
    addonReleases: [],
    nodeAutoscaling: undefined,
    secretStore: undefined,
  };
}

/**
 * The whole stack: for AWS, network, cluster, nodes, add-ons, registry, image and Redis; for
 * `local`, the current kubeconfig context and a local or pre-built image. Then, on either, the
 * operators, the Secrets and the synthesized platform with the image's immutable reference,
 * rendered while the program runs so a preview diffs the real objects. Async: on AWS it first asks
 * who is deploying and whether the image tag is already in the registry.
 */
export async function deployStack(config: StackConfig, platform: PlatformSource): Promise<StackOutputs> {
  const access = config.target.kind === 'aws' ? await awsCluster(config, config.target, platform) : localCluster(config.target, platform);
  const { namespaces, ingressGateway, grafana, jaeger } = PLATFORM_NAMES;
  const outputs = {
    kubeconfig: access.kubeconfig,
    clusterName: access.clusterName,
    grafana: portForwardCommand(access.kubectlContext, grafana.service, grafana.port),
    jaeger: portForwardCommand(access.kubectlContext, jaeger.service, jaeger.queryPort),
    image: access.image,
    imageDigest: access.imageDigest,
  };
  if (access.provider === undefined) {
    const notDeployed = pulumi.output('not deployed: uag:awsOnly is true; connect your network to the VPC, then pulumi config rm uag:awsOnly');
    return { ...outputs, ingressHostname: notDeployed, ingress: notDeployed };
  }

  const environment: CloudEnvironmentName = config.environment;
  const objects = platform.render({
    environment,
    image: access.image,
    hosts: config.domain === undefined ? undefined : [config.domain],
    gatewayExternalEgress: access.gatewayExternalEgress,
    storageClassName: access.storageClassName,
  });
  const operators = new Operators('platform-operators', {
    provider: access.provider,
    controlPlane: CLOUD_ENVIRONMENTS[environment].controlPlane,
    ingressExposure: access.ingressExposure,
    clientAddress: platform.clientAddress(environment),
    tcpListenerPorts: gatewayTcpPorts(objects),
    logs: CLOUD_ENVIRONMENTS[environment].logs,
    storageClassName: access.storageClassName,
    storagePrerequisites: access.clusterPrerequisites,
    addonReleases: access.addonReleases,
  });
  // The platform is applied after the NodePool, so its HPAs can scale out onto Karpenter's nodes
  // from the start, and on destroy it goes before the NodePool drains them.
  const nodeAutoscaling =
    access.nodeAutoscaling === undefined ? undefined : new NodeAutoscaling('node-autoscaling', { ...access.nodeAutoscaling, provider: access.provider, karpenter: operators.release('karpenter') });
  const secretDelivery: SecretDelivery =
    access.secretStore === undefined ? { kind: 'kubernetes-secrets' } : { kind: 'external-secrets', ...access.secretStore, operator: operators.release('externalSecrets') };
  new PlatformDeploy('platform', {
    provider: access.provider,
    objects,
    prerequisites: [
      ...operators.platformPrerequisites,
      ...access.clusterPrerequisites,
      ...(nodeAutoscaling === undefined ? [] : [nodeAutoscaling.nodePool]),
      ...(access.imageBuild === undefined ? [] : [access.imageBuild]),
    ],
    secrets: { secrets: config.secrets, redisUrl: access.redisUrl, tlsSecretName: platform.ingressTlsSecretName(environment), delivery: secretDelivery },
  });

  const host = config.domain ?? platform.ingressHosts(environment)[0] ?? 'localhost';
  const exposure = access.ingressExposure;
  if (exposure.kind === 'node-port') {
    return { ...outputs, ingressHostname: pulumi.output('127.0.0.1'), ingress: pulumi.output(localIngressInstructions(host, access.kubectlContext)) };
  }
  new IngressCertificate('ingress-certificate', {
    ...exposure.publicDns,
    provider: access.provider,
    certManager: operators.release('certManager'),
    namespace: namespaces.istio,
    secretName: platform.ingressTlsSecretName(environment),
  });
  // Read through the release's outputs: unknown while the release is being installed in a
  // preview, so the engine skips the read (pulumi v3.248.0 pkg/resource/deploy/step.go,
  // ReadStep.Apply: an unknown ID reads nothing) instead of failing on a Service not there yet.
  const gatewayRelease = operators.ingressGateway;
  const ingressService = k8s.core.v1.Service.get('ingress-gateway-service', pulumi.interpolate`${gatewayRelease.status.namespace}/${gatewayRelease.status.name}`, {
    provider: access.provider,
    dependsOn: [gatewayRelease],
  });
  const ingressHostname = ingressService.status.loadBalancer.ingress.apply(
    (ingress) => ingress?.[0]?.hostname ?? ingress?.[0]?.ip ?? `pending: the load balancer of ${namespaces.istio}/${ingressGateway} has no address yet`,
  );
  return { ...outputs, ingressHostname, ingress: pulumi.interpolate`https://${host}/ (ExternalDNS points ${host} at ${ingressHostname} in hosted zone ${exposure.publicDns.hostedZoneId})` };
}
