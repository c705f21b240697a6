/**
 * The one module that imports cdk8s-plus: every core Kubernetes object under infra/ is built from
 * what it re-exports (the L2 constructs, and the generated L1 classes in `k8s` where there is no
 * L2). Moving to a newer line (cdk8s-plus-32, -33) is a change of the package named below plus
 * the checks infra/README.md lists under "The cdk8s-plus line".
 *
 * The line follows the oldest Kubernetes minor the platform supports, so nothing is rendered that
 * a 1.28 API server would refuse; where the platform needs a newer API version than 1.28 has, the
 * object is built from `kubernetes-models` and says why where it is built.
 */
export {
  ApiResource,
  Capability,
  ClusterRole,
  ClusterRoleBinding,
  ConfigMap,
  ConnectionScheme,
  Cpu,
  Deployment,
  DeploymentStrategy,
  EnvValue,
  HorizontalPodAutoscaler,
  ImagePullPolicy,
  LabelSelector,
  Metric,
  MetricTarget,
  Namespace,
  Namespaces,
  NetworkPolicy,
  NetworkPolicyIpBlock,
  NetworkPolicyPort,
  NetworkPolicyTrafficDefault,
  NonApiResource,
  PersistentVolumeAccessMode,
  PersistentVolumeClaim,
  Pod,
  Pods,
  Probe,
  Protocol,
  Replicas,
  Resource,
  Role,
  RoleBinding,
  ScalingStrategy,
  Secret,
  SeccompProfileType,
  Service,
  ServiceAccount,
  ServiceType,
  Volume,
  Workload,
  k8s,
} from 'cdk8s-plus-28';
export type {
  ContainerProps,
  ContainerResources,
  ContainerSecurityContextProps,
  IClusterRole,
  IConfigMap,
  INetworkPolicyPeer,
  IScalable,
  IServiceAccount,
  ISubject,
  PodSecurityContextProps,
  ScalingTarget,
  ServicePort,
  VolumeMount,
  WorkloadProps,
} from 'cdk8s-plus-28';
