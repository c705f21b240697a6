// Entry point of `pulumi up` (Pulumi.yaml `main`); the stack's outputs are this module's exports.
import * as pulumi from '@pulumi/pulumi';
import { cdk8sPlatform } from './cdk8s-platform';
import { deployStack } from './stack';
import { loadStackConfig, pulumiConfigSource } from './stack-config';

const outputs = deployStack(loadStackConfig(pulumi.getStack(), pulumiConfigSource()), cdk8sPlatform());

export const kubeconfig = outputs.kubeconfig;
export const clusterName = outputs.clusterName;
export const ingressHostname = outputs.ingressHostname;
export const grafana = outputs.grafana;
export const jaeger = outputs.jaeger;
export const image = outputs.image;
export const imageDigest = outputs.imageDigest;
