import { admit, compliantObject, violationsOf } from '../policy-fixtures';

function withImage(image: string | undefined): Record<string, any> {
  const gateway = compliantObject('dev', 'Deployment/gateway/gateway');
  if (image === undefined) delete gateway.spec.template.spec.containers[0].image;
  else gateway.spec.template.spec.containers[0].image = image;
  return gateway;
}

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('image-pinned', () => {
  it.each([
    'registry.example.com/uag/gateway:sha-0123abcd',
    `registry.example.com/uag/gateway@${DIGEST}`,
    `registry.example.com:5000/uag/gateway:1.2.3@${DIGEST}`,
    `registry.example.com/uag/gateway:latest@${DIGEST}`,
    'registry.example.com:5000/uag/gateway:1.2.3',
  ])('accepts %s', (image) => {
    expect(violationsOf(admit('image-pinned', withImage(image)))).toEqual([]);
  });

  it.each([
    'nginx',
    'nginx:latest',
    'registry.example.com:5000/uag/gateway',
    'registry.example.com/uag/gateway@sha256:short',
    undefined,
  ])('rejects %s', (image) => {
    expect(violationsOf(admit('image-pinned', withImage(image)))).toEqual([
      'Deployment gateway/gateway: container(s) gateway have an image (field image) that is untagged or tagged latest and carries no digest',
    ]);
  });
});
