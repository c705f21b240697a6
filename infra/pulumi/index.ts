// Entry point of `pulumi up` (Pulumi.yaml `main`). The module's value is a promise of the stack's
// outputs, which the Pulumi runtime awaits: on AWS the program first asks who deploys and whether
// the image is already in the registry (stack.ts).
import * as pulumi from '@pulumi/pulumi';
import { cdk8sPlatform } from './cdk8s-platform';
import { deployStack } from './stack';
import { loadStackConfig, pulumiConfigSource } from './stack-config';

export = deployStack(loadStackConfig(pulumi.getStack(), pulumiConfigSource()), cdk8sPlatform());
