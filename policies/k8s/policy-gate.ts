import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateManifests } from './evaluate-manifests';
import type { ManifestObject } from './manifest-object';
import { DEFAULT_EXCEPTIONS_FILE, loadPolicyFile } from './exceptions';
import type { PolicyOptions } from './policy-options';
import type { PolicyReport } from './policy-report';
import { formatReport } from './report-table';

/** Synthesized manifests break a platform policy; the message is the table of problems. */
export class PolicyViolationError extends Error {
  constructor(readonly report: PolicyReport) {
    super(`synthesized manifests break platform policies:\n${formatReport(report, { problemsOnly: true })}`);
    this.name = 'PolicyViolationError';
  }
}

/**
 * The options a checkout of this repository enforces: its reviewed exceptions file (exceptions and
 * audited namespaces). The synth passes the same object to PolicyBundle and to assertPoliciesHold,
 * so cluster and CI agree.
 */
export function repositoryPolicyOptions(repositoryRoot: string): PolicyOptions {
  const exceptionsFile = join(repositoryRoot, DEFAULT_EXCEPTIONS_FILE);
  if (!existsSync(exceptionsFile)) return { exceptions: [], auditedNamespaces: [] };
  const file = loadPolicyFile(exceptionsFile);
  return { exceptions: file.exceptions, auditedNamespaces: file.auditedNamespaces.map((entry) => entry.namespace) };
}

/** For `npm run synth`: evaluates the freshly rendered manifests and throws before they are swapped in. */
export function assertPoliciesHold(manifests: readonly ManifestObject[], options: PolicyOptions): PolicyReport {
  const report = evaluateManifests(manifests, options);
  if (report.failed) throw new PolicyViolationError(report);
  return report;
}
