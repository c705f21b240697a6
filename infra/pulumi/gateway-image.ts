import * as dockerBuild from '@pulumi/docker-build';
import * as pulumi from '@pulumi/pulumi';
import { join, posix, relative, sep } from 'node:path';

/** The repository root: the build context, as `app/Dockerfile` expects. */
export const REPOSITORY_ROOT = join(__dirname, '..', '..');

/**
 * Build context and Dockerfile relative to the working directory `pulumi up` runs the program in
 * (the project directory, which holds Pulumi.yaml): the provider keeps them in the state and
 * compares them on every run (pulumi-docker-build v0.0.22, provider/internal/image.go Diff), so an
 * absolute path would differ on every machine and rebuild an image whose tag already exists.
 */
export function buildPaths(workingDirectory: string, repositoryRoot = REPOSITORY_ROOT): { context: string; dockerfile: string } {
  const context = relative(workingDirectory, repositoryRoot).split(sep).join(posix.sep) || '.';
  return { context, dockerfile: posix.join(context, 'app', 'Dockerfile') };
}

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
  /** Directory the context and Dockerfile paths are relative to. @default process.cwd() (where `pulumi up` runs the program) */
  readonly workingDirectory?: string;
}

/**
 * Builds `app/Dockerfile` from the repository root and pushes it under its content tag. No
 * commit- or time-dependent build arguments: the tag is immutable in ECR, so the same tag must
 * always be the same build. Declared only while the tag is missing from the registry (see
 * `publishedDigest`); once it is dropped from the program it is forgotten, not deleted: the
 * provider's delete removes the pushed manifest from the registry (image.go Delete), and the
 * running pods pull exactly that image.
 */
export class GatewayImage extends pulumi.ComponentResource {
  /** `sha256:…` the registry stored the pushed image under. */
  readonly digest: pulumi.Output<string>;

  constructor(name: string, args: GatewayImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:GatewayImage', name, {}, opts);
    const paths = buildPaths(args.workingDirectory ?? process.cwd());
    const image = new dockerBuild.Image(
      `${name}-build`,
      {
        context: { location: paths.context },
        dockerfile: { location: paths.dockerfile },
        platforms: [args.platform ?? 'linux/amd64'],
        push: true,
        tags: [pulumi.interpolate`${args.repository}:${args.tag}`],
        registries: args.login ? [args.login] : undefined,
      },
      { parent: this, retainOnDelete: true },
    );
    this.digest = image.digest;
    this.registerOutputs({ digest: this.digest });
  }
}
