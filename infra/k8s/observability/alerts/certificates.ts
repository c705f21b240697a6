import { CLUSTER_SCRAPE_TARGETS } from '../cluster-scrape-targets';
import type { AlertDefinition } from './alert';
import { PLATFORM_ALERT_THRESHOLDS as T } from './platform-thresholds';

const CONTROLLER = `job="${CLUSTER_SCRAPE_TARGETS.certManager.job}"`;
const SECONDS_PER_DAY = 86_400;
const SECONDS_PER_HOUR = 3_600;

/**
 * The certificates cert-manager keeps (the ingress certificate on the AWS stacks), from its
 * controller's series (pkg/metrics/certificates.go at v1.21.1), which carry the Certificate's
 * `namespace` and `name`. A timestamp of 0 means cert-manager does not know it yet (no certificate
 * issued, or no renewal scheduled); those are left to the readiness alert. On a stack without
 * cert-manager (local) the series do not exist and nothing fires.
 */
export function certificateAlerts(): AlertDefinition[] {
  const daysLeft = `((certmanager_certificate_expiration_timestamp_seconds{${CONTROLLER}} > 0) - time()) / ${SECONDS_PER_DAY}`;
  const expiring = (days: number): string => `${daysLeft} < ${days}`;
  const description = (days: number) =>
    `Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in {{ $value | humanize }} days (threshold ${days}): cert-manager has not renewed it; see its Certificate's conditions and the controller's log.`;
  return [
    {
      alert: 'CertificateNotReady',
      expr: `max by (namespace, name) (certmanager_certificate_ready_status{${CONTROLLER},condition!="True"}) == 1`,
      for: '15m',
      severity: 'warning',
      summary: 'A certificate is not ready.',
      description:
        'Certificate {{ $labels.namespace }}/{{ $labels.name }} has not been Ready for 15 minutes: its Secret is missing, expired or does not match the Certificate, and issuance has not fixed it.',
    },
    {
      alert: 'CertificateRenewalOverdue',
      expr: `(time() - (certmanager_certificate_renewal_timestamp_seconds{${CONTROLLER}} > 0)) / ${SECONDS_PER_HOUR} > ${T.certificateRenewalOverdueHours}`,
      for: '15m',
      severity: 'warning',
      summary: 'A certificate is past its renewal time.',
      description: `Certificate {{ $labels.namespace }}/{{ $labels.name }} should have been renewed {{ $value | humanize }} hours ago (threshold ${T.certificateRenewalOverdueHours}): renewal is failing while the current certificate still serves.`,
    },
    {
      alert: 'CertificateExpiringSoon',
      expr: expiring(T.certificateExpiryWarningDays),
      for: '15m',
      severity: 'warning',
      summary: 'A certificate expires in less than three weeks.',
      description: description(T.certificateExpiryWarningDays),
    },
    {
      alert: 'CertificateExpiryImminent',
      expr: expiring(T.certificateExpiryCriticalDays),
      for: '15m',
      severity: 'critical',
      summary: 'A certificate expires within a week.',
      description: description(T.certificateExpiryCriticalDays),
    },
  ];
}
