import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { clusterIssuer, ingressCertificate, type PublicDnsArgs } from './public-dns';

export interface IngressCertificateArgs extends PublicDnsArgs {
  readonly provider: k8s.Provider;
  /** The cert-manager release: its CRDs and webhook must answer first. */
  readonly certManager: pulumi.Resource;
  /** Namespace and name of the TLS Secret the environment's Istio Gateway serves. */
  readonly namespace: string;
  readonly secretName: string;
}

/** The Let's Encrypt ClusterIssuer and the ingress Certificate cert-manager keeps renewed (public-dns.ts). */
export class IngressCertificate extends pulumi.ComponentResource {
  readonly certificate: k8s.apiextensions.CustomResource;

  constructor(name: string, args: IngressCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:IngressCertificate', name, {}, opts);
    const options = { parent: this, provider: args.provider };
    const issuer = new k8s.apiextensions.CustomResource(`${name}-issuer`, clusterIssuer(args).toJSON(), { ...options, dependsOn: [args.certManager] });
    this.certificate = new k8s.apiextensions.CustomResource(`${name}-certificate`, ingressCertificate({ domain: args.domain, namespace: args.namespace, secretName: args.secretName }).toJSON(), {
      ...options,
      dependsOn: [args.certManager, issuer],
    });
    this.registerOutputs({});
  }
}
