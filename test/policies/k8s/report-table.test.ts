import type { PolicyReport } from '../../../policies/k8s/policy-report';
import { formatReport, summaryLine } from '../../../policies/k8s/report-table';

const REPORT: PolicyReport = {
  objectCount: 2,
  failed: true,
  results: [
    { environment: 'dev', object: 'Service/a/web', rule: 'load-balancer-only-in-ingress-namespace', verdict: 'pass', message: '', fix: 'use ClusterIP' },
    { environment: 'prod', object: 'Secret/a/db', rule: 'no-secret-data', verdict: 'fail', message: 'Secret/a/db: sets data', fix: 'reference it' },
  ],
};

describe('formatReport', () => {
  it('aligns the six columns and ends with the summary', () => {
    expect(formatReport(REPORT).split('\n')).toEqual([
      'ENVIRONMENT  OBJECT         RULE                                     VERDICT  MESSAGE                 FIX',
      'dev          Service/a/web  load-balancer-only-in-ingress-namespace  pass     -                       -',
      'prod         Secret/a/db    no-secret-data                           fail     Secret/a/db: sets data  reference it',
      '',
      'policy check FAILED: 2 objects; 1 pass, 1 fail, 0 excepted, 0 warn (audited namespaces), 0 unused exceptions',
    ]);
  });

  it('can leave out passing rows', () => {
    expect(formatReport(REPORT, { problemsOnly: true })).not.toContain('Service/a/web');
  });
});

describe('summaryLine', () => {
  it('does not read like a test runner result line', () => {
    expect(summaryLine({ ...REPORT, failed: false })).not.toMatch(/^\d+ passed, \d+ failed/);
  });
});
