// `npm run --silent image-reference`: prints the gateway image reference `npm run synth` renders,
// `<UAG_IMAGE_REGISTRY>/uag-gateway:<content tag>`, so a pipeline pushes the image under exactly the
// name the manifests use. Run `npm run build` first. An optional argument names another checkout.
import { resolve } from 'node:path';
import { imageReference } from './image-reference';

try {
  console.log(imageReference(resolve(process.argv[2] ?? resolve(__dirname, '..', '..'))));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
