import type { AdmissionRule } from '../admission-rule';
import { HAS_POD_TEMPLATE, POD_WORKLOAD_RESOURCES, containerChecks } from './pod-template';

/** `name@sha256:<64 hex>`: content-addressed, cannot move. */
const DIGEST = '@sha256:[a-f0-9]{64}$';
/**
 * A tag in the last path segment (`registry:5000/app` has none: that colon belongs to the host) of
 * a reference without `@` (a malformed digest must not pass as a tag). Tags are immutable only if
 * the registry enforces it (ECR `IMMUTABLE`), so `latest`, the tag every push moves, is refused.
 */
const TAG = '^[^@]*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';

export const IMAGE_PINNING_RULE: AdmissionRule = {
  name: 'image-pinned',
  description: 'Images are pinned by digest or an immutable tag, never untagged or :latest.',
  fix: 'reference the image by digest (name@sha256:...) or by the immutable release tag npm run synth computes; never :latest or no tag',
  resources: POD_WORKLOAD_RESOURCES,
  matchConditions: [HAS_POD_TEMPLATE],
  ...containerChecks('allContainers', [
    {
      id: 'unpinnedImages',
      compliant: `has(c.image) && (c.image.matches('${DIGEST}') || (c.image.matches('${TAG}') && !c.image.endsWith(':latest')))`,
      problem: 'have an image (field image) that is untagged or tagged latest and carries no digest',
    },
  ]),
};
