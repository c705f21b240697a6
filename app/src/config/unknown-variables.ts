import { closest, distance } from 'fastest-levenshtein';
import { ENV_VARS } from '../contract';

/** The gateway's own namespace: a variable with this prefix that it does not know is most likely a typo. */
const GATEWAY_PREFIX = 'UAG_';
/** Suggest a known name only when it is this close (edits), so an unrelated name gets no guess. */
const MAX_SUGGESTION_EDITS = 3;

/**
 * Inside Kubernetes the kubelet injects service-link variables for every Service of the namespace
 * (`<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT[_<port name>]`, `<NAME>_PORT[_<port>_<PROTO>[_PROTO|_PORT|_ADDR]]`,
 * pkg/kubelet/envvars/envvars.go), so a Service named `uag-...` would otherwise be reported.
 */
const SERVICE_LINK = /_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)$/;

export interface UnknownVariable {
  readonly name: string;
  /** The known variable it most likely meant; undefined when none is close. */
  readonly suggestion: string | undefined;
}

/** `UAG_*` variables that are set but that the gateway does not read, each with the closest known name. */
export function unknownGatewayVariables(env: NodeJS.ProcessEnv): UnknownVariable[] {
  const known = Object.keys(ENV_VARS);
  const inKubernetes = Boolean(env.KUBERNETES_SERVICE_HOST);
  return Object.keys(env)
    .filter((name) => name.startsWith(GATEWAY_PREFIX) && !known.includes(name) && !(inKubernetes && SERVICE_LINK.test(name)))
    .sort()
    .map((name) => {
      const nearest = closest(name, known);
      return { name, suggestion: distance(name, nearest) <= MAX_SUGGESTION_EDITS ? nearest : undefined };
    });
}

/** The warning line for one unknown variable. */
export function describeUnknownVariable({ name, suggestion }: UnknownVariable): string {
  const hint = suggestion === undefined ? 'see the README for the variables it reads' : `did you mean ${suggestion}?`;
  return `${name} is set but the gateway does not read it; ${hint}`;
}
