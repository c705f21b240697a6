import { clusterSecretStore, externalSecret, externalSecretsPolicy, externalSecretsRelease, externalSecretsValues } from '../../../infra/pulumi/external-secrets';
import { plain } from './pulumi-mocks';
import { deploy, type StackRun } from './stack-run';

describe('External Secrets Operator', () => {
  it('runs only the ClusterSecretStore and ExternalSecret reconcilers, so no namespaced SecretStore or PushSecret can act with its role', () => {
    expect(externalSecretsValues({ replicas: 2 })).toMatchObject({
      processSecretStore: false,
      processPushSecret: false,
      processClusterPushSecret: false,
      processClusterExternalSecret: false,
      processClusterGenerator: false,
      leaderElect: true,
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      livenessProbe: { enabled: true },
      webhook: { replicaCount: 2, livenessProbe: { enabled: true } },
      certController: { livenessProbe: { enabled: true } },
    });
    expect(externalSecretsValues({ replicas: 1 })).toMatchObject({ leaderElect: false, podDisruptionBudget: { enabled: false } });
  });

  it('has its chart create ServiceMonitors the platform’s Prometheus selects, failing the install rather than skipping them without the monitoring CRDs, and keeping each ExternalSecret’s own namespace label (regression: a Secret that stopped syncing went unnoticed)', () => {
    expect((externalSecretsValues({ replicas: 2 }) as { serviceMonitor?: unknown }).serviceMonitor).toEqual({
      enabled: true,
      renderMode: 'failIfMissing',
      additionalLabels: { 'monitoring.uag.example.com/prometheus': 'platform' },
      honorLabels: true,
    });
    expect(externalSecretsRelease({ replicas: 2, grants: [] }).after).toEqual(['prometheusOperatorCrds']);
  });

  it('may read the listed entries and nothing else', () => {
    expect(externalSecretsPolicy(['arn:a', 'arn:b'])).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: ['arn:a', 'arn:b'] }] });
  });

  it('serves the stack’s prefix to the platform’s namespaces only, and keeps a Secret even when its entry is empty', () => {
    expect(clusterSecretStore({ region: 'eu-west-1', prefix: 'uag/dev/', namespaces: ['gateway', 'observability'] }).spec).toEqual({
      provider: { aws: { service: 'SecretsManager', region: 'eu-west-1', prefix: 'uag/dev/' } },
      conditions: [{ namespaces: ['gateway', 'observability'] }],
    });
    expect(externalSecret({ namespace: 'gateway', name: 'gateway-environment' }).spec).toMatchObject({
      target: { name: 'gateway-environment', creationPolicy: 'Owner', deletionPolicy: 'Merge' },
      dataFrom: [{ extract: { key: 'gateway/gateway-environment', decodingStrategy: 'None' } }],
    });
  });
});

describe.each(['dev', 'prod'])('the %s stack’s secrets', (stack) => {
  let run: StackRun;
  beforeAll(async () => {
    run = await deploy(stack);
  }, 60_000);

  it('are one Secrets Manager entry per Kubernetes Secret, readable by the operator’s role alone, and deleted at once outside prod', () => {
    const entries = run.ofType('aws:secretsmanager/secret:Secret');
    expect(entries.map((entry) => entry.inputs.name).sort()).toEqual(
      (stack === 'dev'
        ? ['gateway/gateway-environment', 'observability/grafana-admin']
        : ['gateway/gateway-environment', 'observability/alertmanager-chat', 'observability/alertmanager-pagerduty', 'observability/alertmanager-webhook', 'observability/grafana-admin']
      ).map((key) => `uag/${stack}/${key}`),
    );
    for (const entry of entries) expect(entry.inputs.recoveryWindowInDays).toBe(stack === 'prod' ? 7 : 0);
    const policy = JSON.parse(plain(run.named(`uag-${stack}-addon-identities-external-secrets`, 'aws:iam/rolePolicy:RolePolicy').inputs.policy) as string);
    expect(policy.Statement).toEqual([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: entries.map((entry) => `arn:aws:mock::123456789012:${entry.name}`) }]);
    expect(run.named(`uag-${stack}-addon-identities-external-secrets`, 'aws:eks/podIdentityAssociation:PodIdentityAssociation').inputs).toMatchObject({ namespace: 'external-secrets', serviceAccount: 'external-secrets' });
  });

  it('reach the gateway through the same Secret name as before, created by the operator', () => {
    const gateway = run.named('platform-secrets-gateway-gateway-environment', 'kubernetes:external-secrets.io/v1:ExternalSecret');
    expect(gateway.inputs).toMatchObject({ metadata: { namespace: 'gateway', annotations: { 'pulumi.com/waitFor': 'condition=Ready' } }, spec: { target: { name: 'gateway-environment' } } });
  });
});
