import type { KubernetesObject } from '../../../infra/pulumi/platform-contract';
import { isUnknownInput, type RecordedResource } from './pulumi-mocks';
import { ACCOUNT, CONFIG_GROUP, CONTENT_TAG, deploy, gatewayContainers, objectsOf, type StackRun } from './stack-run';

const STACKS = ['dev', 'staging', 'prod', 'local'] as const;
const MODES = [
  { mode: 'preview of a new stack', preview: true },
  { mode: 'update', preview: false },
] as const;

/**
 * The real synthesized platform through the mock engine, for every stack, as `pulumi preview` on
 * a stack where nothing exists yet and as `pulumi up`: what must be in the cluster before what.
 */
describe.each(STACKS)('the %s stack', (stack) => {
  describe.each(MODES)('in a $mode', ({ preview }) => {
    let run: StackRun;
    beforeAll(async () => {
      run = await deploy(stack, { preview });
    }, 60_000);

    const release = (name: string) => run.named(`platform-operators-${name}`, 'kubernetes:helm.sh/v3:Release');
    const before = (later: RecordedResource, earlier: RecordedResource) => ({ later: later.name, earlier: earlier.name, waits: run.dependsOn(later, earlier) });

    it('installs the Istio CNI agent before istiod, and istiod before anything that gets a sidecar', () => {
      const istiod = release('istiod');
      expect(before(istiod, release('istio-cni'))).toMatchObject({ waits: true });
      const meshed = [release('istio-ingressgateway'), release('argo-rollouts'), run.named('platform-objects', CONFIG_GROUP)];
      for (const resource of meshed) {
        expect(before(resource, istiod)).toMatchObject({ waits: true });
        expect(before(resource, release('istio-cni'))).toMatchObject({ waits: true });
      }
    });

    it('applies objects of custom kinds, and anything admission webhooks check, after the releases serving them', () => {
      const dependents = [run.named('platform-objects', CONFIG_GROUP), ...run.ofType('kubernetes:networking.istio.io/v1beta1:VirtualService'), ...run.ofType('kubernetes:networking.istio.io/v1beta1:DestinationRule')];
      expect(dependents.length).toBe(3);
      for (const dependent of dependents) {
        for (const name of ['istio-base', 'istiod', 'prometheus-operator-crds', 'prometheus-operator', 'argo-rollouts', 'vpa']) {
          expect(before(dependent, release(name))).toMatchObject({ waits: true });
        }
      }
      expect(before(release('istiod'), release('istio-base'))).toMatchObject({ waits: true });
      expect(before(release('prometheus-operator'), release('prometheus-operator-crds'))).toMatchObject({ waits: true });
    });

    it('applies the mesh’s Sidecars, the argo-rollouts one included, and the ElastiCache ServiceEntry where there is Redis, after the CRDs and the namespace they go into', () => {
      const objects = objectsOf(run, 'platform-objects');
      const sidecars = objects.filter((object) => object.kind === 'Sidecar').map((object) => `${object.metadata.namespace}/${object.metadata.name}`);
      expect(sidecars.sort()).toEqual(['argo-rollouts/default', 'gateway/default', 'observability/alertmanager', 'observability/default', 'observability/prometheus']);
      const entries = objects.filter((object) => object.kind === 'ServiceEntry').map((object) => `${object.metadata.namespace}/${object.metadata.name}`);
      expect(entries).toEqual(stack === 'staging' || stack === 'prod' ? ['gateway/elasticache'] : []);
      for (const name of ['istio-base', 'argo-rollouts']) expect(before(run.named('platform-objects', CONFIG_GROUP), release(name))).toMatchObject({ waits: true });
    });

    it('installs Loki, on the StorageClass the stack creates where it creates one, before Fluent Bit, which ships to it (regression: pod logs went nowhere a person could search)', () => {
      const loki = release('loki');
      expect(before(release('fluent-bit'), loki)).toMatchObject({ waits: true });
      expect(loki.inputs).toMatchObject({ namespace: 'logging', chart: 'loki', version: '18.11.0' });
      const storageClasses = run.ofType('kubernetes:storage.k8s.io/v1:StorageClass');
      expect(storageClasses).toHaveLength(stack === 'local' ? 0 : 1);
      for (const storageClass of storageClasses) expect(before(loki, storageClass)).toMatchObject({ waits: true });
      const persistence = (loki.inputs.values as { singleBinary: { persistence: Record<string, unknown> } }).singleBinary.persistence;
      expect(persistence.storageClass).toBe(stack === 'local' ? undefined : 'gp3-encrypted');
    });

    it('creates the namespaces before the Secrets (or the ExternalSecrets) that go into them, and both before the objects', () => {
      const namespaces = run.named('platform-namespaces', CONFIG_GROUP);
      const secrets = [...run.ofType('kubernetes:core/v1:Secret'), ...run.ofType('kubernetes:external-secrets.io/v1:ExternalSecret')];
      expect(secrets.length).toBeGreaterThanOrEqual(2);
      for (const secret of secrets) {
        expect(before(secret, namespaces)).toMatchObject({ waits: true });
        expect(before(run.named('platform-objects', CONFIG_GROUP), secret)).toMatchObject({ waits: true });
      }
    });

    it('renders the platform while the program runs, with the immutable tag, so the preview shows the real objects', () => {
      const objects = run.named('platform-objects', CONFIG_GROUP).inputs.objs;
      expect(isUnknownInput(objects)).toBe(false);
      const registry = stack === 'local' ? 'localhost:5000' : `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/${stack}`;
      expect(gatewayContainers(run).find((container) => container.name === 'gateway')?.image).toBe(`${registry}/uag-gateway:${CONTENT_TAG}`);
      expect((objects as KubernetesObject[]).length).toBeGreaterThan(40);
    });

    if (stack === 'local') {
      it('writes the secret values into Kubernetes Secrets from stack config, and installs neither Karpenter nor External Secrets (no AWS)', () => {
        expect(run.ofType('kubernetes:core/v1:Secret').length).toBeGreaterThanOrEqual(2);
        expect(run.ofType('kubernetes:external-secrets.io/v1:ExternalSecret')).toEqual([]);
        for (const name of ['karpenter', 'karpenter-crd', 'external-secrets']) expect(() => release(name)).toThrow(/no resource named/);
      });

      it('reads no load balancer address, and prints where the node ports answer on this machine', async () => {
        expect(run.reads).toEqual([]);
        expect(() => release('aws-load-balancer-controller')).toThrow(/no resource named/);
        const ingress = await new Promise<string>((resolve) => run.result.ingress.apply(resolve));
        expect(ingress).toMatch(/^https:\/\/api\.dev\.uag\.example\.com:8443\/ .*curl -k --resolve api\.dev\.uag\.example\.com:8443:127\.0\.0\.1 /);
      });
      return;
    }

    it(preview ? 'does not read the ingress Service before its release exists' : 'reads the ingress Service its release installed', () => {
      const [read, ...others] = run.reads;
      expect(others).toEqual([]);
      expect(read).toEqual({ type: 'kubernetes:core/v1:Service', name: 'ingress-gateway-service', id: preview ? undefined : 'istio-system/istio-ingressgateway' });
    });

    it('installs the AWS Load Balancer Controller after its IAM grants and before the ingress gateway whose NLB it owns, so destroy removes the NLB first', () => {
      const controller = release('aws-load-balancer-controller');
      const grants = [run.named(`uag-${stack}-addon-identities-load-balancer-controller`, 'aws:iam/rolePolicy:RolePolicy'), run.named(`uag-${stack}-addon-identities-load-balancer-controller`, 'aws:eks/podIdentityAssociation:PodIdentityAssociation')];
      for (const grant of grants) expect(before(controller, grant)).toMatchObject({ waits: true });
      expect(before(release('istio-ingressgateway'), controller)).toMatchObject({ waits: true });
      expect(before(run.named('platform-objects', CONFIG_GROUP), controller)).toMatchObject({ waits: true });
      // The association is only of use once the Pod Identity agent runs, and the VPC outlives the NLB's owner.
      expect(before(grants[1] as RecordedResource, run.named(`uag-${stack}-node-addons-eks-pod-identity-agent`, 'aws:eks/addon:Addon'))).toMatchObject({ waits: true });
      expect(before(controller, run.named(`uag-${stack}-vpc`, 'aws:ec2/vpc:Vpc'))).toMatchObject({ waits: true });
    });

    it('installs Karpenter after its CRDs, IAM grants, node access and interruption queue, its node class and pool after it, and the platform after the pool (regression: nothing added nodes, an HPA at its maximum left pods Pending)', () => {
      const controller = release('karpenter');
      expect(before(controller, release('karpenter-crd'))).toMatchObject({ waits: true });
      const grants = [run.named(`uag-${stack}-addon-identities-karpenter`, 'aws:iam/rolePolicy:RolePolicy'), run.named(`uag-${stack}-addon-identities-karpenter`, 'aws:eks/podIdentityAssociation:PodIdentityAssociation')];
      const nodeAccess = [
        run.named(`uag-${stack}-karpenter-node`, 'aws:iam/instanceProfile:InstanceProfile'),
        run.named(`uag-${stack}-karpenter-node`, 'aws:eks/accessEntry:AccessEntry'),
        run.named(`uag-${stack}-karpenter-security-group`, 'aws:ec2/tag:Tag'),
        run.named(`uag-${stack}-karpenter-interruptions`, 'aws:sqs/queuePolicy:QueuePolicy'),
        ...run.ofType('aws:cloudwatch/eventTarget:EventTarget'),
      ];
      expect(nodeAccess).toHaveLength(9);
      for (const resource of [...grants, ...nodeAccess]) expect(before(controller, resource)).toMatchObject({ waits: true });
      const nodeClass = run.named('node-autoscaling-node-class');
      const nodePool = run.named('node-autoscaling-node-pool');
      for (const resource of [controller, ...nodeAccess.slice(0, 3)]) expect(before(nodeClass, resource)).toMatchObject({ waits: true });
      expect(before(nodePool, nodeClass)).toMatchObject({ waits: true });
      expect(before(run.named('platform-objects', CONFIG_GROUP), nodePool)).toMatchObject({ waits: true });
      expect(before(controller, run.named(`uag-${stack}-vpc`, 'aws:ec2/vpc:Vpc'))).toMatchObject({ waits: true });
    });

    it('installs External Secrets Operator after its IAM grant, the store after the operator, and each ExternalSecret after the store and the Secrets Manager entries (regression: AWS stacks wrote stack secrets into Kubernetes Secrets)', () => {
      const operator = release('external-secrets');
      for (const grant of [run.named(`uag-${stack}-addon-identities-external-secrets`, 'aws:iam/rolePolicy:RolePolicy'), run.named(`uag-${stack}-addon-identities-external-secrets`, 'aws:eks/podIdentityAssociation:PodIdentityAssociation')]) {
        expect(before(operator, grant)).toMatchObject({ waits: true });
      }
      const store = run.named('platform-secrets-store');
      expect(before(store, operator)).toMatchObject({ waits: true });
      const externalSecrets = run.ofType('kubernetes:external-secrets.io/v1:ExternalSecret');
      const entries = run.ofType('aws:secretsmanager/secretVersion:SecretVersion');
      expect(externalSecrets.map((object) => object.name).sort()).toEqual(entries.map((entry) => entry.name.replace(`uag-${stack}-secrets-`, 'platform-secrets-')).sort());
      for (const externalSecret of externalSecrets) {
        expect(before(externalSecret, store)).toMatchObject({ waits: true });
        for (const entry of entries) expect(before(externalSecret, entry)).toMatchObject({ waits: true });
      }
      expect(run.ofType('kubernetes:core/v1:Secret')).toEqual([]);
    });

    it('installs ExternalDNS and cert-manager after their IAM grants, ExternalDNS before the ingress gateway whose record it owns, and the issuer and certificate after cert-manager', () => {
      const grantsOf = (key: string) => [
        run.named(`uag-${stack}-addon-identities-${key}`, 'aws:iam/rolePolicy:RolePolicy'),
        run.named(`uag-${stack}-addon-identities-${key}`, 'aws:eks/podIdentityAssociation:PodIdentityAssociation'),
      ];
      for (const grant of grantsOf('external-dns')) expect(before(release('external-dns'), grant)).toMatchObject({ waits: true });
      for (const grant of grantsOf('cert-manager')) expect(before(release('cert-manager'), grant)).toMatchObject({ waits: true });
      expect(before(release('istio-ingressgateway'), release('external-dns'))).toMatchObject({ waits: true });
      // Its chart creates the ServiceMonitor the certificate alerts read (regression: it came before the monitoring CRDs).
      expect(before(release('cert-manager'), release('prometheus-operator-crds'))).toMatchObject({ waits: true });
      const issuer = run.named('ingress-certificate-issuer');
      const certificate = run.named('ingress-certificate-certificate');
      expect(before(issuer, release('cert-manager'))).toMatchObject({ waits: true });
      expect(before(certificate, issuer)).toMatchObject({ waits: true });
      expect(certificate.inputs).toMatchObject({ kind: 'Certificate', metadata: { namespace: 'istio-system', name: `uag-${stack}-tls` }, spec: { secretName: `uag-${stack}-tls` } });
      // No hand-made TLS Secret on AWS: cert-manager writes it.
      expect(run.ofType('kubernetes:core/v1:Secret').filter((secret) => (secret.inputs.metadata as { namespace?: string }).namespace === 'istio-system')).toEqual([]);
    });
  });
});

describe('the prod stack in an update', () => {
  it('claims the Jaeger volume from the encrypted gp3 StorageClass it creates first', async () => {
    const run = await deploy('prod');
    const [storageClass, ...others] = run.ofType('kubernetes:storage.k8s.io/v1:StorageClass');
    expect(others).toEqual([]);
    expect(storageClass?.inputs).toMatchObject({ provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3', encrypted: 'true' } });
    const claim = objectsOf(run, 'platform-objects').find((object) => object.kind === 'PersistentVolumeClaim');
    expect((claim?.spec as { storageClassName?: string }).storageClassName).toBe((storageClass?.inputs.metadata as { name: string }).name);
    expect(run.dependsOn(run.named('platform-objects', CONFIG_GROUP), storageClass as RecordedResource)).toBe(true);
  }, 60_000);
});
