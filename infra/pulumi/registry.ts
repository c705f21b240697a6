import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface RegistryArgs {
  /** ECR repository name, e.g. `prod/uag-gateway`. */
  readonly repositoryName: string;
  /** Images kept by the lifecycle policy; older ones expire. */
  readonly retainedImages: number;
  /** Untagged images (failed or superseded pushes) expire after this many days. @default 7 */
  readonly untaggedExpiryDays?: number;
  /** Let `pulumi destroy` delete a repository that still holds images. @default false */
  readonly forceDelete?: boolean;
  /** Refuse to delete the repository at all (Pulumi `protect`). @default false */
  readonly protect?: boolean;
}

/**
 * The digest under which `tag` is already in the ECR repository `repositoryName`, or `undefined`
 * when the repository or the tag does not exist yet. Run before the image resource is declared: a
 * tag that exists is never built or pushed again (the repository's tags are immutable, so a second
 * push fails), whichever machine deploys.
 */
export async function publishedDigest(repositoryName: string, tag: string): Promise<string | undefined> {
  const { names } = await aws.ecr.getRepositories({});
  if (!names.includes(repositoryName)) return undefined;
  const { imageIds } = await aws.ecr.getImages({ repositoryName });
  return imageIds.find((image) => image.imageTag === tag)?.imageDigest;
}

/** ECR lifecycle policy: untagged images go first, then everything beyond the newest `retainedImages`. */
export function lifecyclePolicy(retainedImages: number, untaggedExpiryDays: number): string {
  if (!Number.isInteger(retainedImages) || retainedImages < 1) {
    throw new Error(`Registry: 'retainedImages' (${retainedImages}) must be a whole number of at least 1, or the running image could expire`);
  }
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${untaggedExpiryDays} days`,
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: untaggedExpiryDays },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${retainedImages} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: retainedImages },
        action: { type: 'expire' },
      },
    ],
  });
}

/**
 * The gateway's ECR repository: immutable tags (a content tag always names the same bytes),
 * scanning on push, KMS encryption at rest and a lifecycle policy.
 */
export class Registry extends pulumi.ComponentResource {
  readonly repositoryUrl: pulumi.Output<string>;
  readonly registryId: pulumi.Output<string>;

  constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:Registry', name, {}, opts);
    const policy = lifecyclePolicy(args.retainedImages, args.untaggedExpiryDays ?? 7);
    const repository = new aws.ecr.Repository(
      `${name}-repository`,
      {
        name: args.repositoryName,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: 'KMS' }],
        forceDelete: args.forceDelete ?? false,
      },
      { parent: this, protect: args.protect ?? false },
    );
    new aws.ecr.LifecyclePolicy(`${name}-lifecycle`, { repository: repository.name, policy }, { parent: this });
    this.repositoryUrl = repository.repositoryUrl;
    this.registryId = repository.registryId;
    this.registerOutputs({ repositoryUrl: this.repositoryUrl });
  }
}
