import type * as pulumi from '@pulumi/pulumi';
import type { PolicyDocument } from './iam';

/**
 * The AWS Load Balancer Controller (kubernetes-sigs/aws-load-balancer-controller, chart
 * `aws-load-balancer-controller` from aws/eks-charts; values checked against
 * helm/aws-load-balancer-controller/values.yaml and templates/ at tag v3.5.0). It provisions the
 * ingress gateway's NLB with IP targets: the NLB sends to the ingress gateway pods' VPC addresses
 * directly, without a NodePort hop, and with `preserve_client_ip` the pods see the client's address.
 */
export const LOAD_BALANCER_CONTROLLER = {
  namespace: 'kube-system',
  releaseName: 'aws-load-balancer-controller',
  /** The chart names its service account after the release unless `serviceAccount.name` is set; set, so the Pod Identity association names it. */
  serviceAccount: 'aws-load-balancer-controller',
  /** The class the controller reconciles by default (docs/guide/service/nlb.md at v3.5.0); the in-tree cloud provider leaves such a Service alone. */
  loadBalancerClass: 'service.k8s.aws/nlb',
} as const;

/** The ingress gateway's status port: the gateway injection template's readiness probe serves `/healthz/ready` on it (istio-discovery files/gateway-injection-template.yaml at 1.29.2). */
export const INGRESS_READINESS = { port: 15021, path: '/healthz/ready' } as const;

/**
 * Annotations on the ingress gateway Service (docs/guide/service/annotations.md at v3.5.0):
 * - IP targets, reached directly from the NLB;
 * - internet-facing (the controller's default scheme is `internal`);
 * - client IP preservation, off by default for IP targets, so Envoy's peer is the client and the
 *   ingress gateway's X-Forwarded-For handling (numTrustedProxies) starts from the real address;
 * - cross-zone load balancing (off by default on an NLB), so a zone with fewer ingress pods does
 *   not take a third of the traffic anyway;
 * - health checks on the readiness endpoint, so a draining or not-yet-ready pod leaves the target
 *   group before its listeners close, instead of a TCP check that passes until the socket is gone.
 */
export function ingressLoadBalancerAnnotations(): Record<string, string> {
  const prefix = 'service.beta.kubernetes.io/aws-load-balancer';
  return {
    [`${prefix}-nlb-target-type`]: 'ip',
    [`${prefix}-scheme`]: 'internet-facing',
    [`${prefix}-target-group-attributes`]: 'preserve_client_ip.enabled=true',
    [`${prefix}-attributes`]: 'load_balancing.cross_zone.enabled=true',
    [`${prefix}-healthcheck-protocol`]: 'HTTP',
    [`${prefix}-healthcheck-port`]: String(INGRESS_READINESS.port),
    [`${prefix}-healthcheck-path`]: INGRESS_READINESS.path,
  };
}

/**
 * The controller's permissions, statement for statement those of docs/install/iam_policy.json at
 * v3.5.0 (the policy the project publishes for the commercial `aws` partition). Its mutating
 * statements are conditioned on the `elbv2.k8s.aws/cluster` tag the controller puts on what it
 * creates, so it can only change load balancers, target groups and security groups it owns.
 */
export function loadBalancerControllerPolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
    { Effect: 'Allow', Action: ['iam:CreateServiceLinkedRole'], Resource: '*', Condition: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } } },
    { Effect: 'Allow', Action: ['ec2:DescribeAccountAttributes', 'ec2:DescribeAddresses', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeInternetGateways', 'ec2:DescribeVpcs', 'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeTags', 'ec2:GetCoipPoolUsage', 'ec2:DescribeCoipPools', 'ec2:GetSecurityGroupsForVpc', 'ec2:DescribeIpamPools', 'ec2:DescribeRouteTables', 'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes', 'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeListenerCertificates', 'elasticloadbalancing:DescribeSSLPolicies', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:DescribeTrustStores', 'elasticloadbalancing:DescribeListenerAttributes', 'elasticloadbalancing:DescribeCapacityReservation'], Resource: '*' },
    { Effect: 'Allow', Action: ['cognito-idp:DescribeUserPoolClient', 'acm:ListCertificates', 'acm:DescribeCertificate', 'iam:ListServerCertificates', 'iam:GetServerCertificate', 'waf-regional:GetWebACL', 'waf-regional:GetWebACLForResource', 'waf-regional:AssociateWebACL', 'waf-regional:DisassociateWebACL', 'wafv2:GetWebACL', 'wafv2:GetWebACLForResource', 'wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL', 'shield:GetSubscriptionState', 'shield:DescribeProtection', 'shield:CreateProtection', 'shield:DeleteProtection'], Resource: '*' },
    { Effect: 'Allow', Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'], Resource: '*' },
    { Effect: 'Allow', Action: ['ec2:CreateSecurityGroup'], Resource: '*' },
    { Effect: 'Allow', Action: ['ec2:CreateTags'], Resource: 'arn:aws:ec2:*:*:security-group/*', Condition: { StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup' }, Null: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'false' } } },
    { Effect: 'Allow', Action: ['ec2:CreateTags', 'ec2:DeleteTags'], Resource: 'arn:aws:ec2:*:*:security-group/*', Condition: { Null: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'true', 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' } } },
    { Effect: 'Allow', Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'], Resource: '*', Condition: { Null: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' } } },
    { Effect: 'Allow', Action: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'], Resource: '*', Condition: { Null: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'false' } } },
    { Effect: 'Allow', Action: ['elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:CreateRule', 'elasticloadbalancing:DeleteRule'], Resource: '*' },
    { Effect: 'Allow', Action: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'], Resource: ['arn:aws:elasticloadbalancing:*:*:targetgroup/*/*', 'arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*', 'arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*'], Condition: { Null: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'true', 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' } } },
    { Effect: 'Allow', Action: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'], Resource: ['arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*', 'arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*', 'arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*', 'arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*'] },
    { Effect: 'Allow', Action: ['elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetIpAddressType', 'elasticloadbalancing:SetSecurityGroups', 'elasticloadbalancing:SetSubnets', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup', 'elasticloadbalancing:ModifyListenerAttributes', 'elasticloadbalancing:ModifyCapacityReservation', 'elasticloadbalancing:ModifyIpPools'], Resource: '*', Condition: { Null: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' } } },
    { Effect: 'Allow', Action: ['elasticloadbalancing:AddTags'], Resource: ['arn:aws:elasticloadbalancing:*:*:targetgroup/*/*', 'arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*', 'arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*'], Condition: { StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateLoadBalancer'] }, Null: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'false' } } },
    { Effect: 'Allow', Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], Resource: 'arn:aws:elasticloadbalancing:*:*:targetgroup/*/*' },
    { Effect: 'Allow', Action: ['elasticloadbalancing:SetWebAcl', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:AddListenerCertificates', 'elasticloadbalancing:RemoveListenerCertificates', 'elasticloadbalancing:ModifyRule', 'elasticloadbalancing:SetRulePriorities'], Resource: '*' },
    ],
  };
}

export interface LoadBalancerControllerValuesArgs {
  readonly clusterName: pulumi.Input<string>;
  readonly region: string;
  readonly vpcId: pulumi.Input<string>;
}

/** Chart values (helm/aws-load-balancer-controller/values.yaml at v3.5.0). */
export function loadBalancerControllerValues(args: LoadBalancerControllerValuesArgs): Record<string, unknown> {
  return {
    // templates/deployment.yaml: --cluster-name is required; region and VPC are otherwise read from
    // the instance metadata, which IMDSv2 with a hop limit of 1 keeps from pods (node-groups.ts).
    clusterName: args.clusterName,
    region: args.region,
    vpcId: args.vpcId,
    serviceAccount: { create: true, name: LOAD_BALANCER_CONTROLLER.serviceAccount },
    // One leader reconciles; the second replica keeps the webhooks (failurePolicy Fail) answering.
    replicaCount: 2,
    // templates/pdb.yaml renders it only with more than one replica.
    podDisruptionBudget: { maxUnavailable: 1 },
    // values.yaml leaves resources empty and the capabilities and seccomp profile unset.
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    podSecurityContext: { fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
    securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
  };
}
