import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { CLOUD_ENVIRONMENTS, type CloudEnvironmentName } from './cloud-environments';
import { Cluster } from './cluster';
import { ClusterAddons } from './cluster-addons';
import { GatewayImage, REPOSITORY_ROOT } from './gateway-image';
import type { TrafficRule } from '../k8s/network-traffic';
import { IMAGE_NAME } from '../synth/image-reference';
import { Network, subnetLayout } from './network';
import { NodeGroups } from './node-groups';
import { Operators } from './operators';
import { PLATFORM_NAMES, type PlatformSource } from './platform-contract';
import { PlatformDeploy } from './platform-deploy';
import { REDIS_PORT, Redis } from './redis';
import { Registry } from './registry';
import type { AwsTarget, LocalTarget, StackConfig } from './stack-config';

/** What `pulumi stack output` shows. */
export interface StackOutputs {
  /** Secret; AWS stacks only (the local stack uses your own kubeconfig). */
  readonly kubeconfig: pulumi.Output<string> | undefined;
  /** EKS cluster name, or the kubeconfig context of the local stack. */
  readonly clusterName: pulumi.Output<string>;
  /** Load balancer host (or IP) of the Istio ingress gateway; point `uag:domain`'s DNS record here. */
  readonly ingressHostname: pulumi.Output<string>;
  readonly grafana: string;
  readonly jaeger: string;
  /** Digest-pinned image the gateway runs. */
  readonly image: pulumi.Output<string>;
  /** `sha256:…` of the pushed image; `undefined` for a pre-built local image given by tag. */
  readonly imageDigest: pulumi.Output<string> | undefined;
}

interface ClusterAccess {
  readonly provider: k8s.Provider;
  readonly clusterName: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string> | undefined;
  /** `--context <name> ` for the kubectl commands printed as outputs, when not the current one. */
  readonly kubectlContext: string;
  readonly image: pulumi.Output<string>;
  readonly imageDigest: pulumi.Output<string> | undefined;
  readonly redisUrl: pulumi.Output<string> | undefined;
  /** Cloud resources the gateway pods must reach past the default-deny egress. */
  readonly gatewayExternalEgress: readonly TrafficRule[];
  readonly awsLoadBalancer: boolean;
}

/** `kubectl port-forward` command that makes an in-cluster UI reachable on localhost. */
export function portForwardCommand(kubectlContext: string, service: string, port: number): string {
  return `kubectl ${kubectlContext}-n ${PLATFORM_NAMES.namespaces.observability} port-forward svc/${service} ${port}:${port}, then open http://localhost:${port}`;
}

function awsCluster(config: StackConfig, target: AwsTarget, platform: PlatformSource): ClusterAccess {
  const environment = CLOUD_ENVIRONMENTS[config.environment];
  const name = `uag-${config.stack}`;
  const network = new Network(name, { ...environment.network, clusterName: name });
  const cluster = new Cluster(name, {
    clusterName: name,
    kubernetesVersion: environment.kubernetesVersion,
    region: target.region,
    subnetIds: network.privateSubnetIds,
    publicEndpoint: environment.publicEndpoint,
    publicAccessCidrs: target.publicAccessCidrs,
    adminPrincipalArns: target.clusterAdminArns,
  });
  const nodeAddons = new ClusterAddons(`${name}-node-addons`, { clusterName: cluster.clusterName, phase: 'before-nodes' }, { dependsOn: [cluster.eksCluster] });
  const nodes = new NodeGroups(
    `${name}-nodes`,
    { ...environment.nodeGroups, clusterName: cluster.clusterName, kubernetesVersion: environment.kubernetesVersion, subnetIds: network.privateSubnetIdsByZone },
    { dependsOn: nodeAddons.addons },
  );
  const workloadAddons = new ClusterAddons(`${name}-workload-addons`, { clusterName: cluster.clusterName, phase: 'after-nodes' }, { dependsOn: nodes.nodeGroups });

  const registry = new Registry(`${name}-registry`, {
    repositoryName: `${config.environment}/${IMAGE_NAME}`,
    retainedImages: environment.retainedImages,
    forceDelete: config.environment === 'dev',
  });
  const image = target.image === undefined ? pushedToStackRegistry(name, registry, platform) : prebuiltImage(target.image);

  const redisToken = config.secrets.redisAuthToken;
  const redis =
    environment.redis && redisToken
      ? new Redis(`${name}-rate-limits`, {
          ...environment.redis,
          vpcId: network.vpcId,
          subnetIds: network.privateSubnetIds,
          clientSecurityGroupId: cluster.clusterSecurityGroupId,
          authToken: redisToken,
        })
      : undefined;

  const provider = new k8s.Provider(
    `${name}-kubernetes`,
    { kubeconfig: cluster.kubeconfig },
    { dependsOn: [...nodes.nodeGroups, ...workloadAddons.addons] },
  );
  return {
    provider,
    clusterName: cluster.clusterName,
    kubeconfig: cluster.kubeconfig,
    kubectlContext: `--context ${name} `,
    ...image,
    redisUrl: redis?.url,
    // ElastiCache lives in the private subnets; its security group admits the cluster only.
    gatewayExternalEgress: redis === undefined ? [] : [{ peers: subnetLayout(environment.network.cidrBlock).private.map((cidr) => ({ cidr })), ports: [{ port: REDIS_PORT }] }],
    awsLoadBalancer: true,
  };
}

type ImageAccess = Pick<ClusterAccess, 'image' | 'imageDigest'>;

function builtImage(image: GatewayImage): ImageAccess {
  return { image: image.reference, imageDigest: image.digest };
}

/** Builds the image and pushes it to the stack's own ECR repository under its content tag. */
function pushedToStackRegistry(name: string, registry: Registry, platform: PlatformSource): ImageAccess {
  const login = aws.ecr.getAuthorizationTokenOutput({ registryId: registry.registryId });
  return builtImage(
    new GatewayImage(`${name}-gateway-image`, {
      repository: registry.repositoryUrl,
      tag: platform.imageTag(REPOSITORY_ROOT),
      login: { address: registry.repositoryUrl, username: login.userName, password: pulumi.secret(login.password) },
    }),
  );
}

/** An image built and pushed elsewhere (`uag:image`): deployed as given, its digest known only when the reference carries one. */
function prebuiltImage(reference: string): ImageAccess {
  const digest = reference.match(/@(sha256:[0-9a-f]{64})$/)?.[1];
  return { image: pulumi.output(reference), imageDigest: digest === undefined ? undefined : pulumi.output(digest) };
}

function localCluster(target: LocalTarget, platform: PlatformSource): ClusterAccess {
  const provider = new k8s.Provider('local-kubernetes', { context: target.kubeconfigContext });
  return {
    provider,
    clusterName: pulumi.output(target.kubeconfigContext ?? 'current kubeconfig context'),
    kubeconfig: undefined,
    kubectlContext: target.kubeconfigContext ? `--context ${target.kubeconfigContext} ` : '',
    ...(target.image === undefined
      ? builtImage(new GatewayImage('local-gateway-image', { repository: `${target.registry}/${IMAGE_NAME}`, tag: platform.imageTag(REPOSITORY_ROOT) }))
      : prebuiltImage(target.image)),
    redisUrl: undefined,
    gatewayExternalEgress: [],
    awsLoadBalancer: false,
  };
}

/**
 * The whole stack: for AWS, network, cluster, nodes, add-ons, registry, image and Redis; for
 * `local`, the current kubeconfig context and a local or pre-built image. Then, on either, the
 * operators, the Secrets and the synthesized platform with the pushed image.
 */
export function deployStack(config: StackConfig, platform: PlatformSource): StackOutputs {
  const access = config.target.kind === 'aws' ? awsCluster(config, config.target, platform) : localCluster(config.target, platform);
  const environment: CloudEnvironmentName = config.environment;
  const objects = access.image.apply((image) => platform.render({ environment, image, hosts: config.domain === undefined ? undefined : [config.domain], gatewayExternalEgress: access.gatewayExternalEgress }));

  const operators = new Operators('platform-operators', {
    provider: access.provider,
    highlyAvailable: environment === 'prod',
    awsLoadBalancer: access.awsLoadBalancer,
  });
  new PlatformDeploy('platform', {
    provider: access.provider,
    objects,
    prerequisites: operators.platformPrerequisites,
    secrets: { secrets: config.secrets, redisUrl: access.redisUrl, tlsSecretName: platform.ingressTlsSecretName(environment) },
  });

  const { namespaces, ingressGateway, grafana, jaeger } = PLATFORM_NAMES;
  const ingressService = k8s.core.v1.Service.get('ingress-gateway-service', `${namespaces.istio}/${ingressGateway}`, {
    provider: access.provider,
    dependsOn: [operators.releases.ingressGateway],
  });
  return {
    kubeconfig: access.kubeconfig,
    clusterName: access.clusterName,
    ingressHostname: ingressService.status.loadBalancer.ingress.apply((ingress) => ingress?.[0]?.hostname ?? ingress?.[0]?.ip ?? 'pending: the load balancer has no address yet'),
    grafana: portForwardCommand(access.kubectlContext, grafana.service, grafana.port),
    jaeger: portForwardCommand(access.kubectlContext, jaeger.service, jaeger.queryPort),
    image: access.image,
    imageDigest: access.imageDigest,
  };
}
