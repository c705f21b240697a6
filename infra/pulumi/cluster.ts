import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { serviceRole } from './iam';

/** Every control-plane log type: API and audit for forensics, authenticator for access, the rest for debugging. */
export const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;

const CLUSTER_ADMIN_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';

export interface ClusterArgs {
  /** Name of the EKS cluster (also the subnet tag the network carries). */
  readonly clusterName: string;
  /** Kubernetes minor version, e.g. `1.33`. */
  readonly kubernetesVersion: string;
  readonly region: string;
  /** Private subnets the control plane attaches to. */
  readonly subnetIds: pulumi.Input<string[]>;
  /** Serve the API on a public endpoint (restricted to `publicAccessCidrs`) besides the private one. */
  readonly publicEndpoint: boolean;
  /** Required and non-empty when `publicEndpoint`; must be empty otherwise. */
  readonly publicAccessCidrs: readonly string[];
  /** IAM principals given cluster-admin access entries. @default [] */
  readonly adminPrincipalArns?: readonly string[];
  /**
   * The IAM principal creating the cluster (a role or user ARN, the issuer of an assumed-role
   * session). EKS gives it an admin access entry itself (`bootstrapClusterCreatorAdminPermissions`),
   * so it is left out of `adminPrincipalArns`, where a second entry would fail with 409.
   * @default none: every listed principal gets an entry
   */
  readonly creatorPrincipalArn?: string;
  /**
   * Networks allowed to reach the private API endpoint on 443 (a VPN, a peered VPC, a CI runner's
   * subnet): ingress rules on the cluster security group, which otherwise admits only its members.
   * @default []
   */
  readonly privateAccessCidrs?: readonly string[];
  /** Refuse deletion: EKS deletion protection plus Pulumi's `protect`. @default false */
  readonly deletionProtection?: boolean;
  /** AWS CLI profile the kubeconfig's `aws eks get-token` runs with (`aws:profile`). @default the CLI's default credentials */
  readonly awsProfile?: string;
  /** Days the control-plane log group keeps logs. @default 90 */
  readonly logRetentionDays?: number;
}

export interface EndpointAccess {
  readonly endpointPrivateAccess: true;
  readonly endpointPublicAccess: boolean;
  readonly publicAccessCidrs?: string[];
}

/** Rejects endpoint settings that contradict each other, saying which to change. */
export function endpointAccess(args: Pick<ClusterArgs, 'publicEndpoint' | 'publicAccessCidrs'>): EndpointAccess {
  if (args.publicEndpoint && args.publicAccessCidrs.length === 0) {
    throw new Error(`Cluster: 'publicEndpoint' is true but 'publicAccessCidrs' is empty; list the CIDRs that may reach the API, or set 'publicEndpoint' false`);
  }
  if (!args.publicEndpoint && args.publicAccessCidrs.length > 0) {
    throw new Error(`Cluster: 'publicAccessCidrs' (${args.publicAccessCidrs.join(', ')}) has no effect with 'publicEndpoint' false; remove them or make the endpoint public`);
  }
  return {
    endpointPrivateAccess: true,
    endpointPublicAccess: args.publicEndpoint,
    ...(args.publicEndpoint ? { publicAccessCidrs: [...args.publicAccessCidrs] } : {}),
  };
}

/** The HTTPS port of the Kubernetes API endpoint. */
export const API_PORT = 443;

/**
 * `arn:aws:iam::<account>:role/<name>` for a role ARN with or without a path, any other ARN as is:
 * the session issuer of an assumed role carries the role's path, an ARN in the config may not.
 */
export function withoutRolePath(arn: string): string {
  return arn.replace(/^(arn:aws[a-z-]*:iam::\d{12}:role\/)(?:[^/]+\/)*([^/]+)$/, '$1$2');
}

/** The principals that need an access entry of their own: the listed ones except the cluster's creator. */
export function additionalAdmins(adminPrincipalArns: readonly string[], creatorPrincipalArn: string | undefined): string[] {
  const creator = creatorPrincipalArn === undefined ? undefined : withoutRolePath(creatorPrincipalArn);
  return adminPrincipalArns.filter((arn) => withoutRolePath(arn) !== creator);
}

/**
 * kubeconfig that authenticates with the caller's AWS credentials (`aws eks get-token`), holding no
 * secret itself. With `awsProfile` the token is requested with that profile, as the AWS provider
 * (`aws:profile`) is, instead of whatever the environment's default credentials are.
 */
export function kubeconfig(clusterName: string, endpoint: string, certificateAuthority: string, region: string, awsProfile?: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server: endpoint, 'certificate-authority-data': certificateAuthority } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    'current-context': clusterName,
    users: [
      {
        name: clusterName,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'aws',
            args: ['eks', 'get-token', '--cluster-name', clusterName, '--region', region, '--output', 'json'],
            ...(awsProfile === undefined ? {} : { env: [{ name: 'AWS_PROFILE', value: awsProfile }] }),
          },
        },
      },
    ],
  });
}

/**
 * EKS control plane: API authentication mode with access entries (no aws-auth ConfigMap),
 * Kubernetes Secrets envelope-encrypted with a rotating KMS key, every control-plane log type,
 * a private endpoint (public only where the environment allows it, from listed CIDRs), and an
 * OIDC provider for IRSA next to EKS Pod Identity.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly certificateAuthority: pulumi.Output<string>;
  /** Security group EKS attaches to the control plane and managed nodes. */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly secretsKeyArn: pulumi.Output<string>;
  /** A secret: it names the cluster's endpoint and CA (credentials come from `aws eks get-token`). */
  readonly kubeconfig: pulumi.Output<string>;
  /** The control plane itself, for `dependsOn`. */
  readonly eksCluster: aws.eks.Cluster;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:Cluster', name, {}, opts);
    const vpcAccess = endpointAccess(args);
    const parent = { parent: this };

    const { role, attachments } = serviceRole(`${name}-control-plane`, 'eks.amazonaws.com', ['arn:aws:iam::aws:policy/AmazonEKSClusterPolicy'], parent);
    const secretsKey = new aws.kms.Key(
      `${name}-secrets`,
      { description: `Envelope encryption of Kubernetes Secrets in ${args.clusterName}`, enableKeyRotation: true, deletionWindowInDays: 30 },
      parent,
    );
    new aws.kms.Alias(`${name}-secrets`, { name: `alias/${args.clusterName}-secrets`, targetKeyId: secretsKey.keyId }, parent);
    // The key policy defers to IAM; the control plane needs these to wrap and unwrap Secrets' data keys.
    const keyAccess = new aws.iam.RolePolicy(
      `${name}-secrets-key`,
      {
        role: role.id,
        policy: secretsKey.arn.apply((keyArn) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'], Resource: keyArn }],
          }),
        ),
      },
      parent,
    );
    // Created first so EKS writes into a log group whose retention we own instead of one kept forever.
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane`,
      { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: args.logRetentionDays ?? 90 },
      parent,
    );

    this.eksCluster = new aws.eks.Cluster(
      `${name}-eks`,
      {
        name: args.clusterName,
        version: args.kubernetesVersion,
        roleArn: role.arn,
        accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true },
        // vpc-cni, kube-proxy and CoreDNS come as pinned EKS add-ons instead of unmanaged defaults.
        bootstrapSelfManagedAddons: false,
        encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ['secrets'] },
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        vpcConfig: { subnetIds: args.subnetIds, ...vpcAccess },
        // At the end of standard support EKS upgrades the control plane instead of moving it into
        // paid extended support without anyone deciding so.
        upgradePolicy: { supportType: 'STANDARD' },
        deletionProtection: args.deletionProtection ?? false,
      },
      { parent: this, dependsOn: [logGroup, keyAccess, ...attachments], protect: args.deletionProtection ?? false },
    );
    const cluster = this.eksCluster;

    const oidcProvider = new aws.iam.OpenIdConnectProvider(
      `${name}-oidc`,
      { url: cluster.identities.apply((identities) => identities[0]?.oidcs?.[0]?.issuer ?? ''), clientIdLists: ['sts.amazonaws.com'] },
      parent,
    );

    for (const [index, cidr] of (args.privateAccessCidrs ?? []).entries()) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-api-access-${index}`,
        { securityGroupId: cluster.vpcConfig.clusterSecurityGroupId, cidrIpv4: cidr, ipProtocol: 'tcp', fromPort: API_PORT, toPort: API_PORT, description: 'Kubernetes API from the deployers\' network' },
        parent,
      );
    }

    for (const [index, principalArn] of additionalAdmins(args.adminPrincipalArns ?? [], args.creatorPrincipalArn).entries()) {
      const entry = new aws.eks.AccessEntry(`${name}-admin-${index}`, { clusterName: cluster.name, principalArn, type: 'STANDARD' }, parent);
      new aws.eks.AccessPolicyAssociation(
        `${name}-admin-${index}`,
        { clusterName: cluster.name, principalArn: entry.principalArn, policyArn: CLUSTER_ADMIN_POLICY, accessScope: { type: 'cluster' } },
        parent,
      );
    }

    this.clusterName = cluster.name;
    this.endpoint = cluster.endpoint;
    this.certificateAuthority = cluster.certificateAuthority.data;
    this.clusterSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;
    this.oidcProviderArn = oidcProvider.arn;
    this.secretsKeyArn = secretsKey.arn;
    this.kubeconfig = pulumi.secret(
      pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority.data]).apply(([clusterName, endpoint, ca]) => kubeconfig(clusterName, endpoint, ca, args.region, args.awsProfile)),
    );
    this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint, oidcProviderArn: this.oidcProviderArn, kubeconfig: this.kubeconfig });
  }
}
