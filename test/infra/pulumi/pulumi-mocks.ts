import * as pulumi from '@pulumi/pulumi';

/** A resource the program registered, as the engine would have seen it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Inputs as sent to the engine: secrets appear as `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`. */
  readonly inputs: Record<string, unknown>;
  /** Empty for resources read with `.get` (the engine reads them; they are not registered). */
  readonly urn: string;
  /** URNs this resource waits for: explicit `dependsOn` plus the resources its inputs came from. */
  readonly dependencies: readonly string[];
  readonly parent: string;
}

const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** Whether an input value was registered as a Pulumi secret. */
export function isSecretInput(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** The plain value of an input, secret or not. */
export function plain(value: unknown): unknown {
  return isSecretInput(value) ? (value as { value: unknown }).value : value;
}

export interface MockedRun {
  readonly resources: readonly RecordedResource[];
  ofType(type: string): RecordedResource[];
  /** The resource called `name` (of `type`, when names repeat across types). */
  named(name: string, type?: string): RecordedResource;
  /** Whether `resource` waits for `dependency`, directly or through other resources. */
  dependsOn(resource: RecordedResource, dependency: RecordedResource): boolean;
}

export interface MockOptions {
  readonly stack: string;
  /** Fully qualified config (`uag:domain`); values of `secretKeys` are marked secret. */
  readonly config?: Record<string, string>;
  readonly secretKeys?: readonly string[];
  /** Outputs of a resource beyond its inputs, e.g. a digest; keyed by resource type. */
  readonly outputs?: Record<string, (inputs: Record<string, unknown>, name: string) => Record<string, unknown>>;
}

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/**
 * Runs `program` against Pulumi's mock engine and records every resource registration with its
 * inputs and dependencies. Each call starts a fresh mock monitor and configuration.
 */
export async function runMocked<T>(options: MockOptions, program: () => T): Promise<MockedRun & { readonly result: T }> {
  const registered: Omit<RecordedResource, 'urn' | 'dependencies' | 'parent'>[] = [];
  const outputs = options.outputs ?? {};
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        const extra = outputs[args.type]?.(args.inputs as Record<string, unknown>, args.name) ?? {};
        return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:aws:mock::123456789012:${args.name}`, name: args.inputs.name ?? args.name, ...extra } };
      },
      call: (args) => {
        if (args.token === 'aws:index/getAvailabilityZones:getAvailabilityZones') return { names: ZONES, zoneIds: ZONES.map((_, i) => `euw1-az${i + 1}`) };
        if (args.token === 'aws:ecr/getAuthorizationToken:getAuthorizationToken') return { userName: 'AWS', password: 'ecr-token' };
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    'uag-platform',
    options.stack,
    false,
  );
  pulumi.runtime.setAllConfig(options.config ?? {}, [...(options.secretKeys ?? [])]);

  // The mock monitor drops the dependency lists; wrap it to keep them.
  const links = new Map<string, { urn: string; dependencies: string[]; parent: string }>();
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: RegisterRequest, cb: (err: unknown, res?: RegisterResponse) => void) => void };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, res) => {
      if (res) links.set(`${req.getType()}::${req.getName()}`, { urn: res.getUrn(), dependencies: req.getDependenciesList(), parent: req.getParent() });
      callback(err, res);
    });

  const result = program();
  // Everything the program started, including registrations started inside applies, has settled.
  await (require('@pulumi/pulumi/runtime/settings') as { waitForRPCs: () => Promise<void> }).waitForRPCs();

  const resources = registered.map((resource) => {
    const link = links.get(`${resource.type}::${resource.name}`);
    return { ...resource, urn: link?.urn ?? '', dependencies: link?.dependencies ?? [], parent: link?.parent ?? '' };
  });
  const byUrn = new Map(resources.filter((resource) => resource.urn !== '').map((resource) => [resource.urn, resource]));
  return {
    result,
    resources,
    ofType: (type) => resources.filter((resource) => resource.type === type),
    named: (name, type) => {
      const found = resources.find((resource) => resource.name === name && (type === undefined || resource.type === type));
      if (!found) throw new Error(`no resource named ${name}; have ${resources.map((r) => r.name).join(', ')}`);
      return found;
    },
    dependsOn: (resource, dependency) => {
      const seen = new Set<string>();
      const pending = [...resource.dependencies];
      while (pending.length > 0) {
        const urn = pending.pop() as string;
        if (urn === dependency.urn) return true;
        if (seen.has(urn)) continue;
        seen.add(urn);
        pending.push(...(byUrn.get(urn)?.dependencies ?? []));
      }
      return false;
    },
  };
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
}
interface RegisterResponse {
  getUrn(): string;
}
