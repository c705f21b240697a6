import * as pulumi from '@pulumi/pulumi';

/** A resource the program registered, as the engine would have seen it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Inputs as sent to the engine: secrets appear as `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`. */
  readonly inputs: Record<string, unknown>;
  /** Empty when the registration did not complete. Resources read with `.get` are in `reads`, not here. */
  readonly urn: string;
  /** URNs this resource waits for: explicit `dependsOn` plus the resources its inputs came from. */
  readonly dependencies: readonly string[];
  readonly parent: string;
  /** The `ignoreChanges` resource option. */
  readonly ignoreChanges: readonly string[];
  /** The `protect` resource option. */
  readonly protect: boolean;
  /** The `retainOnDelete` resource option. */
  readonly retainOnDelete: boolean;
}

/** A resource read with `.get`, as the engine was asked to read it. */
export interface RecordedRead {
  readonly type: string;
  readonly name: string;
  /** `undefined` when the ID was unknown: the engine then skips the read (ReadStep), as during a preview. */
  readonly id: string | undefined;
}

/** The value the SDK sends for an input or ID that is not known yet (a preview). */
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** Whether a recorded input value was unknown when registered (only possible in preview). */
export function isUnknownInput(value: unknown): boolean {
  return value === UNKNOWN || value === undefined;
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
  readonly reads: readonly RecordedRead[];
  /** Data-source calls, by token, with their arguments. */
  readonly invokes: readonly { readonly token: string; readonly args: Record<string, unknown> }[];
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
  /**
   * Run as `pulumi preview` of a stack where nothing exists yet: the engine knows the inputs of
   * every resource it would create but none of their computed outputs, so `outputs` are not used.
   * @default false (an update)
   */
  readonly preview?: boolean;
  /** Answers to data-source calls beyond the built-in ones, by token. */
  readonly invokes?: Record<string, (args: Record<string, unknown>) => Record<string, unknown>>;
  /**
   * State of objects that exist when read with `.get`, by type, from their ID; `undefined` means
   * the object does not exist, and the read fails as the engine's would.
   */
  readonly existing?: Record<string, (id: string) => Record<string, unknown> | undefined>;
}

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/**
 * Runs `program` against Pulumi's mock engine and records every resource registration with its
 * inputs and dependencies. Each call starts a fresh mock monitor and configuration.
 */
export async function runMocked<T>(options: MockOptions, program: () => T | Promise<T>): Promise<MockedRun & { readonly result: T }> {
  const registered: Pick<RecordedResource, 'type' | 'name' | 'inputs'>[] = [];
  const reads: RecordedRead[] = [];
  const invokes: { token: string; args: Record<string, unknown> }[] = [];
  const outputs = options.outputs ?? {};
  const preview = options.preview ?? false;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        if (args.id !== undefined && args.id !== '') {
          const state = options.existing?.[args.type]?.(args.id);
          if (state === undefined) throw new Error(`resource '${args.id}' does not exist`);
          return { id: args.id, state };
        }
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        if (preview) return { id: undefined, state: { ...args.inputs } };
        const extra = outputs[args.type]?.(args.inputs as Record<string, unknown>, args.name) ?? {};
        return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:aws:mock::123456789012:${args.name}`, name: args.inputs.name ?? args.name, ...extra } };
      },
      call: (args) => {
        invokes.push({ token: args.token, args: args.inputs as Record<string, unknown> });
        const answer = options.invokes?.[args.token];
        if (answer) return answer(args.inputs as Record<string, unknown>);
        if (args.token === 'aws:index/getAvailabilityZones:getAvailabilityZones') return { names: ZONES, zoneIds: ZONES.map((_, i) => `euw1-az${i + 1}`) };
        if (args.token === 'aws:ecr/getAuthorizationToken:getAuthorizationToken') return { userName: 'AWS', password: 'ecr-token' };
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    'uag-platform',
    options.stack,
    preview,
  );
  pulumi.runtime.setAllConfig(options.config ?? {}, [...(options.secretKeys ?? [])]);

  // The mock monitor drops the dependency lists and resource options; wrap it to keep them.
  const links = new Map<string, Pick<RecordedResource, 'urn' | 'dependencies' | 'parent' | 'ignoreChanges' | 'protect' | 'retainOnDelete'>>();
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource: (req: RegisterRequest, cb: (err: unknown, res?: RegisterResponse) => void) => void;
    readResource: (req: ReadRequest, cb: (err: unknown, res?: unknown) => void) => void;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, res) => {
      if (res) {
        links.set(`${req.getType()}::${req.getName()}`, {
          urn: res.getUrn(),
          dependencies: req.getDependenciesList(),
          parent: req.getParent(),
          ignoreChanges: req.getIgnorechangesList(),
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete(),
        });
      }
      callback(err, res);
    });
  // Like the engine's ReadStep: a read whose ID is still unknown (a preview) is skipped, not attempted.
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req, callback) => {
    const id = req.getId();
    reads.push({ type: req.getType(), name: req.getName(), id: id === UNKNOWN ? undefined : id });
    if (id !== UNKNOWN) return read(req, callback);
    const { ReadResourceResponse } = require('@pulumi/pulumi/proto/resource_pb') as { ReadResourceResponse: new () => { setUrn(urn: string): void } };
    const response = new ReadResourceResponse();
    response.setUrn(`urn:pulumi:${options.stack}::uag-platform::${req.getType()}::${req.getName()}`);
    callback(null, response);
  };

  const result = await program();
  // Everything the program started, including registrations started inside applies, has settled.
  await (require('@pulumi/pulumi/runtime/settings') as { waitForRPCs: () => Promise<void> }).waitForRPCs();

  const resources = registered.map((resource) => {
    const link = links.get(`${resource.type}::${resource.name}`);
    return {
      ...resource,
      urn: link?.urn ?? '',
      dependencies: link?.dependencies ?? [],
      parent: link?.parent ?? '',
      ignoreChanges: link?.ignoreChanges ?? [],
      protect: link?.protect ?? false,
      retainOnDelete: link?.retainOnDelete ?? false,
    };
  });
  const byUrn = new Map(resources.filter((resource) => resource.urn !== '').map((resource) => [resource.urn, resource]));
  return {
    result,
    resources,
    reads,
    invokes,
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
  getIgnorechangesList(): string[];
  getProtect(): boolean;
  getRetainondelete(): boolean;
}
interface ReadRequest {
  getType(): string;
  getName(): string;
  getId(): string;
}
interface RegisterResponse {
  getUrn(): string;
}
