/**
 * The Pod Security Standards `restricted` profile (which includes `baseline`), as the Pod Security
 * admission controller of Kubernetes 1.33 applies it to a Pod: one message per failed control,
 * naming the containers or fields. Written from the control tables of the Pod Security Standards
 * (kubernetes.io/docs/concepts/security/pod-security-standards, "Baseline" and "Restricted").
 */

interface SecurityContext {
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly procMount?: string;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
  readonly seccompProfile?: { readonly type?: string };
  readonly appArmorProfile?: { readonly type?: string };
  readonly seLinuxOptions?: { readonly type?: string; readonly user?: string; readonly role?: string };
  readonly windowsOptions?: { readonly hostProcess?: boolean };
  readonly sysctls?: readonly { readonly name: string }[];
}

interface Container {
  readonly name: string;
  readonly securityContext?: SecurityContext;
  readonly ports?: readonly { readonly hostPort?: number }[];
}

export interface PodSpecUnderTest {
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly securityContext?: SecurityContext;
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly ephemeralContainers?: readonly Container[];
  readonly volumes?: readonly Record<string, unknown>[];
}

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** Every violation of `restricted` by the pod, empty when it is admitted. */
export function restrictedViolations(spec: PodSpecUnderTest, annotations: Readonly<Record<string, string>> = {}): string[] {
  const pod = spec.securityContext ?? {};
  const containers = [...spec.containers, ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])];
  const violations: string[] = [];
  const failing = (control: string, test: (container: Container, context: SecurityContext) => boolean) => {
    const names = containers.filter((container) => test(container, container.securityContext ?? {})).map((container) => container.name);
    if (names.length > 0) violations.push(`${control}: container(s) ${names.join(', ')}`);
  };

  // baseline
  if (pod.windowsOptions?.hostProcess === true) violations.push('hostProcess: the pod');
  failing('hostProcess', (_, context) => context.windowsOptions?.hostProcess === true);
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (spec[field] === true) violations.push(`host namespaces: ${field} is true`);
  failing('privileged', (_, context) => context.privileged === true);
  failing('capabilities beyond baseline', (_, context) => (context.capabilities?.add ?? []).some((capability) => !BASELINE_CAPABILITIES.has(capability)));
  const hostPaths = (spec.volumes ?? []).filter((volume) => 'hostPath' in volume).map((volume) => String(volume.name));
  if (hostPaths.length > 0) violations.push(`hostPath volumes: ${hostPaths.join(', ')}`);
  failing('host ports', (container) => (container.ports ?? []).some((port) => (port.hostPort ?? 0) !== 0));
  const appArmorAllowed = (type: string | undefined) => type === undefined || type === 'RuntimeDefault' || type === 'Localhost';
  if (!appArmorAllowed(pod.appArmorProfile?.type)) violations.push('AppArmor: the pod profile is not RuntimeDefault or Localhost');
  failing('AppArmor', (_, context) => !appArmorAllowed(context.appArmorProfile?.type));
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value !== 'runtime/default' && !value.startsWith('localhost/')) violations.push(`AppArmor: annotation ${key}=${value}`);
  }
  const seLinuxAllowed = (options: SecurityContext['seLinuxOptions']) => options === undefined || (SELINUX_TYPES.has(options.type ?? '') && !options.user && !options.role);
  if (!seLinuxAllowed(pod.seLinuxOptions)) violations.push('SELinux: the pod options');
  failing('SELinux', (_, context) => !seLinuxAllowed(context.seLinuxOptions));
  failing('/proc mount', (_, context) => context.procMount !== undefined && context.procMount !== 'Default');
  if (pod.seccompProfile?.type === 'Unconfined') violations.push('seccomp: the pod profile is Unconfined');
  failing('seccomp Unconfined', (_, context) => context.seccompProfile?.type === 'Unconfined');
  const unsafe = (pod.sysctls ?? []).filter((sysctl) => !SAFE_SYSCTLS.has(sysctl.name)).map((sysctl) => sysctl.name);
  if (unsafe.length > 0) violations.push(`sysctls: ${unsafe.join(', ')}`);

  // restricted
  const disallowedVolumes = (spec.volumes ?? []).filter((volume) => !Object.keys(volume).some((key) => RESTRICTED_VOLUME_TYPES.has(key))).map((volume) => String(volume.name));
  if (disallowedVolumes.length > 0) violations.push(`volume types: ${disallowedVolumes.join(', ')}`);
  failing('allowPrivilegeEscalation != false', (_, context) => context.allowPrivilegeEscalation !== false);
  failing('runAsNonRoot != true', (_, context) => (context.runAsNonRoot ?? pod.runAsNonRoot) !== true);
  if (pod.runAsUser === 0) violations.push('runAsUser=0: the pod');
  failing('runAsUser=0', (_, context) => context.runAsUser === 0);
  const seccompSet = (type: string | undefined) => type === 'RuntimeDefault' || type === 'Localhost';
  failing('seccompProfile not RuntimeDefault or Localhost', (_, context) => !seccompSet(context.seccompProfile?.type ?? pod.seccompProfile?.type));
  failing('capabilities not dropping ALL', (_, context) => !(context.capabilities?.drop ?? []).includes('ALL'));
  failing('capabilities adding more than NET_BIND_SERVICE', (_, context) => (context.capabilities?.add ?? []).some((capability) => capability !== 'NET_BIND_SERVICE'));
  return violations;
}
