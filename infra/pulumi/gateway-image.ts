import * as dockerBuild from '@pulumi/docker-build';
import * as pulumi from '@pulumi/pulumi';
import { join } from 'node:path';

/** The repository root: the build context, as `app/Dockerfile` expects. */
export const REPOSITORY_ROOT = join(__dirname, '..', '..');

export interface RegistryLogin {
  readonly address: pulumi.Input<string>;
  readonly username: pulumi.Input<string>;
  readonly password: pulumi.Input<string>;
}

export interface GatewayImageArgs {
  /** Repository the image is pushed to, without tag, e.g. `<account>.dkr.ecr.<region>.amazonaws.com/prod/uag-gateway`. */
  readonly repository: pulumi.Input<string>;
  /** Content-derived tag, the same one `npm run synth` puts into charts-out. */
  readonly tag: string;
  /** Credentials for `repository`; none for a local registry. */
  readonly login?: RegistryLogin;
  /** @default 'linux/amd64' (the node groups' architecture) */
  readonly platform?: dockerBuild.Platform;
}

/** `<repository>@<digest>`: what the cluster pulls, so a re-pushed tag can never change what runs. */
export function pinnedReference(repository: string, digest: string): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`GatewayImage: the registry returned no sha256 digest for ${repository} (got '${digest}')`);
  return `${repository}@${digest}`;
}

/**
 * Builds `app/Dockerfile` from the repository root and pushes it under its content tag. No
 * commit- or time-dependent build arguments: the tag is immutable in ECR, so the same tag must
 * always be the same build.
 */
export class GatewayImage extends pulumi.ComponentResource {
  readonly digest: pulumi.Output<string>;
  /** Digest-pinned reference the manifests use. */
  readonly reference: pulumi.Output<string>;

  constructor(name: string, args: GatewayImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:GatewayImage', name, {}, opts);
    const image = new dockerBuild.Image(
      `${name}-build`,
      {
        context: { location: REPOSITORY_ROOT },
        dockerfile: { location: join(REPOSITORY_ROOT, 'app', 'Dockerfile') },
        platforms: [args.platform ?? 'linux/amd64'],
        push: true,
        tags: [pulumi.interpolate`${args.repository}:${args.tag}`],
        registries: args.login ? [args.login] : undefined,
      },
      { parent: this },
    );
    this.digest = image.digest;
    this.reference = pulumi.all([args.repository, image.digest]).apply(([repository, digest]) => pinnedReference(repository, digest));
    this.registerOutputs({ digest: this.digest, reference: this.reference });
  }
}
