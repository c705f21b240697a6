/**
 * Thresholds of the alerts on the platform itself (kubernetes.ts, monitoring-pipeline.ts, certificates.ts,
 * node-autoscaling.ts, log-pipeline.ts): the
 * same in every environment, since they describe the cluster and the monitoring pipeline rather
 * than the gateway's objectives.
 */
export const PLATFORM_ALERT_THRESHOLDS = {
  /** Share of a container's CFS periods in which it was throttled (kubernetes-mixin's CPUThrottlingHigh uses 25 %). */
  cpuThrottledRatio: 0.25,
  /** Free share of a persistent volume below which it is filling up (warning)... */
  volumeFreeWarningRatio: 0.15,
  /** ...and below which it is about to be full (critical). */
  volumeFreeCriticalRatio: 0.03,
  /** Free share of a node filesystem (container images, logs, emptyDir volumes) below which it warns. */
  nodeFilesystemFreeRatio: 0.1,
  /** Share of alert notifications that failed, from Prometheus to Alertmanager or from Alertmanager to a receiver. */
  notificationFailureRatio: 0.01,
  /** Share of a job's scrape targets that are down. */
  targetsDownRatio: 0.1,
  /**
   * Days a certificate has left when its renewal has clearly failed: cert-manager renews two thirds
   * through the lifetime (30 days before a 90-day Let's Encrypt certificate expires), so 21 days
   * left means nine days of failed attempts (warning)...
   */
  certificateExpiryWarningDays: 21,
  /** ...and 7 days left, a week to fix issuance by hand before clients see an expired certificate (critical). */
  certificateExpiryCriticalDays: 7,
  /** Hours past a certificate's renewal time without a new certificate: DNS-01 issuance takes minutes, retries back off beyond an hour. */
  certificateRenewalOverdueHours: 1,
  /** Share of a NodePool's CPU or memory limit in use past which the next scale-outs may find no room: raise the limit before pods wait. */
  nodePoolLimitRatio: 0.9,
  /** Share of log pushes Loki refuses: Fluent Bit retries a refused batch, but past this the retries cannot keep up for long. */
  lokiPushRejectedRatio: 0.05,
} as const;

/** `0.15` -> `15%`, without the float noise of `0.15 * 100`. */
export function asPercent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(6))}%`;
}
