/**
 * The stack a resource belongs to, read from its URN (`urn:pulumi:<stack>::<project>::<type>::<name>`).
 * A policy pack runs in its own process, where `pulumi.getStack()` does not describe the program
 * under preview, but every resource's URN does.
 */
export function stackOfUrn(urn: string): string {
  const match = /^urn:pulumi:([^:]+)::/.exec(urn);
  if (match?.[1] === undefined) throw new Error(`'${urn}' is not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)`);
  return match[1];
}
