import { join } from 'node:path';
import type { CloudEnvironmentName } from './cloud-environments';
import type { KubernetesObject, PlatformRenderRequest, PlatformSource } from './platform-contract';

/** The parts of the cdk8s platform (infra/platform.ts, infra/environments, infra/synth) this program calls. */
interface EnvironmentSpecShape {
  readonly ingress: { readonly hosts: readonly string[]; readonly tlsCredentialName: string };
}
interface Cdk8sPlatformModules {
  readonly environments: { ENVIRONMENTS: Readonly<Record<CloudEnvironmentName, EnvironmentSpecShape>> };
  readonly platform: { synthesizePlatform(props: { environment: EnvironmentSpecShape; image: string }): { charts: { toJson(): unknown[] }[] } };
  readonly imageReference: { imageContentTag(root: string): string };
}

const INFRA = join(__dirname, '..');

function loadModules(): Cdk8sPlatformModules {
  const load = (path: string): unknown => {
    try {
      // Resolved when the program runs, so this branch type-checks before the cdk8s platform lands.
      return require(join(INFRA, path));
    } catch (error) {
      throw new Error(`the cdk8s platform module infra/${path} could not be loaded (${(error as Error).message}); deploying needs infra/platform.ts and infra/synth/image-reference.ts`);
    }
  };
  return {
    environments: load('environments') as Cdk8sPlatformModules['environments'],
    platform: load('platform') as Cdk8sPlatformModules['platform'],
    imageReference: load('synth/image-reference') as Cdk8sPlatformModules['imageReference'],
  };
}

/** The real platform: synthesizes the cdk8s App in process and hands back its objects. */
export function cdk8sPlatform(): PlatformSource {
  const modules = loadModules();
  const spec = (environment: CloudEnvironmentName) => modules.environments.ENVIRONMENTS[environment];
  return {
    render: ({ environment, image, hosts }: PlatformRenderRequest): KubernetesObject[] => {
      const base = spec(environment);
      const app = modules.platform.synthesizePlatform({ environment: hosts === undefined ? base : { ...base, ingress: { ...base.ingress, hosts } }, image });
      return app.charts.flatMap((chart) => chart.toJson() as KubernetesObject[]);
    },
    imageTag: (root) => modules.imageReference.imageContentTag(root),
    ingressTlsSecretName: (environment) => spec(environment).ingress.tlsCredentialName,
  };
}
