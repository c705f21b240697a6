import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_NAMES } from '../../infra/environments';
import { readManifests } from '../../infra/synth/write-charts';
import { actionErrors, actionFiles, parseWorkflowFile, parseWorkflowText, readYaml, workflowFiles, type ParsedWorkflow } from '../helpers/github-workflows';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const LOCK = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
const STACKS = ['dev', 'staging', 'prod'];

// Workflows are read back as plain data once GitHub's parser has accepted them.
type Yaml = any;
const workflow = (name: string): Yaml => readYaml(`.github/workflows/${name}`);
const everyFile = [...workflowFiles(), ...actionFiles()];
/** Every job of every workflow (reusable-workflow calls included), as [file, id, job]. */
const everyJob: [string, string, Yaml][] = workflowFiles().flatMap((file) => Object.entries(readYaml(file).jobs).map(([id, job]) => [file, id, job] as [string, string, Yaml]));
/** Every step of every job and of every local action, as [file, step]. */
const everyStep: [string, Yaml][] = [
  ...everyJob.flatMap(([file, , job]) => (job.steps ?? []).map((step: Yaml) => [file, step] as [string, Yaml])),
  ...actionFiles().flatMap((file) => readYaml(file).runs.steps.map((step: Yaml) => [file, step] as [string, Yaml])),
];
const stepsOf = (job: Yaml): Yaml[] => job.steps ?? [];
const usesOf = (step: Yaml): string => String(step.uses ?? '');
const calledWorkflow = (job: Yaml): Yaml => readYaml(String(job.uses).replace(/^\.\//, ''));

/** The actions a job runs, looking into the local composite actions it uses. */
function actionsRunBy(steps: Yaml[]): string[] {
  return steps.flatMap((step) => {
    const uses = usesOf(step);
    if (uses.startsWith('./')) return [uses, ...actionsRunBy(readYaml(`${uses.slice(2)}/action.yml`).runs.steps)];
    return uses === '' ? [] : [uses.split('@')[0] as string];
  });
}

describe('GitHub Actions workflows', () => {
  it("all parse with GitHub's own parser, reusable-workflow calls matching the inputs and secrets they declare", async () => {
    expect(workflowFiles()).toEqual(['.github/workflows/checks.yml', '.github/workflows/deliver.yml', '.github/workflows/pull-request.yml', '.github/workflows/pulumi-preview.yml', '.github/workflows/pulumi-up.yml']);
    for (const file of workflowFiles()) expect({ file, errors: (await parseWorkflowFile(file)).errors }).toEqual({ file, errors: [] });
    for (const file of actionFiles()) expect({ file, errors: actionErrors(file) }).toEqual({ file, errors: [] });
  });

  it('the parser rejects what GitHub would: an unknown key, and a call passing an input the reusable workflow does not declare', async () => {
    const errorsOf = async (text: string): Promise<ParsedWorkflow['errors']> => (await parseWorkflowText('broken.yml', text)).errors;
    expect(await errorsOf('on: push\njobs:\n  a:\n    runs_on: ubuntu-24.04\n    steps:\n      - run: "true"\n')).toEqual([
      "broken.yml (Line: 4, Col: 5): Unexpected value 'runs_on'",
      'broken.yml (Line: 4, Col: 5): Required property is missing: runs-on',
    ]);
    const call = readFileSync(join(ROOT, '.github/workflows/deliver.yml'), 'utf8').replace('rollout-timeout: 30m', 'rollout-timout: 30m');
    expect(await errorsOf(call)).toEqual(expect.arrayContaining([expect.stringContaining('rollout-timout')]));
  });

  it('on pull requests: npm ci, type check, npm test, the synth with its freshness check, the policy check, and a preview of every stack posted to the PR', () => {
    const pullRequest = workflow('pull-request.yml');
    expect(pullRequest.on).toEqual({ pull_request: { branches: ['main'] } });
    expect(pullRequest.jobs.checks.uses).toBe('./.github/workflows/checks.yml');
    const checks = workflow('checks.yml');
    const runs = (id: string) => stepsOf(checks.jobs[id]).filter((step) => step.run).map((step) => step.run);
    expect(actionsRunBy(stepsOf(checks.jobs.typecheck))).toContain('./.github/actions/setup');
    expect(runs('typecheck')).toEqual(['npm run typecheck']);
    expect(runs('test')).toEqual(['sudo bash scripts/install-test-tools.sh', 'npm test']);
    expect(runs('synth')).toEqual(['npm run synth', 'npm run policy']);
    expect(stepsOf(checks.jobs.synth).find((step) => step.run === 'npm run synth').env).toEqual({ CI: 'true' });

    const preview = pullRequest.jobs.preview;
    expect(preview.uses).toBe('./.github/workflows/pulumi-preview.yml');
    expect(preview.strategy.matrix.include.map((entry: Yaml) => entry.stack)).toEqual(STACKS);
    const pulumi = stepsOf(calledWorkflow(preview).jobs.preview).find((step) => usesOf(step).startsWith('pulumi/actions@'));
    expect(pulumi.with).toMatchObject({ command: 'preview', policyPacks: 'policies/cloud', 'comment-on-pr': true });
    expect(existsSync(join(ROOT, 'policies/cloud/PulumiPolicy.yaml'))).toBe(true);
  });

  it('on main: the checks, one image build, then dev, staging and prod in turn, each deploying the digest the image job pushed', () => {
    const deliver = workflow('deliver.yml');
    expect(deliver.on.push.branches).toEqual(['main']);
    expect(Object.keys(deliver.jobs)).toEqual(['checks', 'image', ...STACKS]);
    expect(deliver.jobs.image.needs).toBe('checks');
    expect(deliver.jobs.image.outputs.reference).toBe('${{ steps.pushed.outputs.reference }}');
    expect(deliver.jobs.image.strategy).toBeUndefined();
    // Only the image job builds; the deploy jobs receive its digest and never build again.
    const builders = everyJob.filter(([, , job]) => actionsRunBy(stepsOf(job)).includes('docker/build-push-action')).map(([file, id]) => `${file}#${id}`);
    expect(builders).toEqual(['.github/workflows/deliver.yml#image']);
    STACKS.forEach((stack, index) => {
      const job = deliver.jobs[stack];
      expect(job.uses).toBe('./.github/workflows/pulumi-up.yml');
      expect(job.with.stack).toBe(stack);
      expect(job.with.image).toBe('${{ needs.image.outputs.reference }}');
      expect([job.needs].flat()).toEqual(index === 0 ? ['image'] : ['image', STACKS[index - 1]]);
    });
  });

  it('each deploy runs in the protected environment of its stack, one at a time per stack, with the given image as uag:image', () => {
    const deploy = workflow('pulumi-up.yml').jobs.deploy;
    expect(deploy.environment).toEqual({ name: '${{ inputs.stack }}' });
    expect(deploy.concurrency).toEqual({ group: 'deploy-${{ inputs.stack }}', 'cancel-in-progress': false });
    const pulumi = stepsOf(deploy).find((step) => usesOf(step).startsWith('pulumi/actions@'));
    expect(pulumi.with).toMatchObject({ command: 'up', policyPacks: 'policies/cloud', 'config-map': "{uag:image: {value: '${{ inputs.image }}', secret: false}}" });
    expect(stepsOf(deploy)[0].run).toContain('@sha256:[0-9a-f]{64}$');
    const preview = workflow('pulumi-preview.yml').jobs.preview;
    expect(preview.environment).toEqual({ name: '${{ inputs.stack }}-preview', deployment: false });
    expect(preview.concurrency.group).toBe('preview-${{ inputs.stack }}-${{ github.ref }}');
  });

  it("gates each deploy on the canary's outcome: kubectl argo rollouts status on the Rollout each environment synthesizes", () => {
    const gateStep = stepsOf(workflow('pulumi-up.yml').jobs.deploy).at(-1);
    const gate = gateStep.run as string;
    // The cluster comes from the stack's own output: the program exports deployStack's outputs,
    // whose clusterName test/infra/pulumi/stack.test.ts checks.
    expect(gateStep.env.CLUSTER).toBe('${{ steps.up.outputs.clusterName }}');
    expect(readFileSync(join(ROOT, 'infra/pulumi/index.ts'), 'utf8')).toMatch(/^export = deployStack\(/m);
    const [, name, namespace] = /kubectl argo rollouts status (\S+) -n (\S+) --timeout/.exec(gate) ?? [];
    for (const environment of ENVIRONMENT_NAMES) {
      const rollouts = readManifests(join(ROOT, 'charts-out', environment)).filter((object) => object.kind === 'Rollout');
      expect(rollouts.map((rollout) => `${String(rollout.metadata?.namespace)}/${String(rollout.metadata?.name)}`)).toEqual([`${namespace}/${name}`]);
    }
  });

  it('pins every action to a full commit SHA with its release tag in a comment, the same pin everywhere', () => {
    const pins = new Map<string, string>();
    for (const file of everyFile) {
      for (const line of readFileSync(join(ROOT, file), 'utf8').split('\n')) {
        const uses = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
        if (uses === null || (uses[1] as string).startsWith('./')) continue;
        expect({ file, line: line.trim() }).toEqual({ file, line: expect.stringMatching(/uses: [\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$/) });
        const [action] = (uses[1] as string).split('@');
        const pin = `${uses[1]}${uses[2]}`;
        expect({ action, pin }).toEqual({ action, pin: pins.get(action as string) ?? pin });
        pins.set(action as string, pin);
      }
    }
    expect([...pins.keys()].sort()).toEqual(['actions/checkout', 'actions/setup-node', 'aws-actions/amazon-ecr-login', 'aws-actions/configure-aws-credentials', 'docker/build-push-action', 'docker/setup-buildx-action', 'pulumi/actions']);
  });

  it('grants least privilege: contents read by default, id-token write only where OIDC is used, pull-requests write only where the preview is posted', () => {
    for (const file of workflowFiles()) expect({ file, permissions: readYaml(file).permissions }).toEqual({ file, permissions: { contents: 'read' } });
    for (const [file, id, job] of everyJob) {
      const steps = job.uses === undefined ? stepsOf(job) : Object.values(calledWorkflow(job).jobs).flatMap((called) => stepsOf(called));
      const actions = actionsRunBy(steps);
      const expected: Record<string, string> = { contents: 'read' };
      if (actions.includes('aws-actions/configure-aws-credentials')) expected['id-token'] = 'write';
      if (steps.some((step) => step.with?.['comment-on-pr'] === true)) expected['pull-requests'] = 'write';
      const granted = job.permissions ?? { contents: 'read' };
      expect({ job: `${file}#${id}`, permissions: granted }).toEqual({ job: `${file}#${id}`, permissions: expected });
    }
  });

  it('installs with npm ci through one setup action that caches npm', () => {
    const setup = readYaml('.github/actions/setup/action.yml').runs.steps;
    expect(setup[0].with).toEqual({ 'node-version': 20, cache: 'npm' });
    expect(setup[1].run).toBe('npm ci');
    for (const [file, step] of everyStep) if (/\bnpm (ci|install)\b/.test(String(step.run ?? ''))) expect(file).toBe('.github/actions/setup/action.yml');
    for (const [file, , job] of everyJob) {
      const runsNpm = stepsOf(job).some((step) => /\bnpm\b/.test(String(step.run ?? '')));
      if (runsNpm) expect({ file, setup: actionsRunBy(stepsOf(job)) }).toEqual({ file, setup: expect.arrayContaining(['./.github/actions/setup']) });
    }
  });

  it('runs only npm scripts that package.json defines and the README documents', () => {
    const commands = everyStep.flatMap(([, step]) => [...String(step.run ?? '').matchAll(/\bnpm (?:run (?:--silent )?([\w:-]+)|(test|ci))\b/g)].map((match) => match[1] ?? match[2]));
    expect(new Set(commands)).toEqual(new Set(['ci', 'typecheck', 'test', 'synth', 'policy', 'build', 'image-reference']));
    for (const script of commands) {
      if (script !== 'ci') expect({ script, defined: PACKAGE.scripts[script as string] !== undefined }).toEqual({ script, defined: true });
      expect({ script, documented: README.includes(script === 'test' || script === 'ci' ? `npm ${script}` : `npm run ${script}`) }).toEqual({ script, documented: true });
    }
  });

  it('runs the Pulumi CLI of the @pulumi/pulumi version the lock pins', () => {
    for (const name of ['pulumi-preview.yml', 'pulumi-up.yml']) expect(workflow(name).env.PULUMI_VERSION).toBe(LOCK.packages['node_modules/@pulumi/pulumi'].version);
  });

  it('names secrets and variables only, never their values, and the README lists every one of them', () => {
    const references = new Set<string>();
    for (const file of everyFile) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const match of text.matchAll(/\b(secrets|vars)\.([A-Z][A-Z0-9_]*)/g)) references.add(match[2] as string);
      expect({ file, credentials: text.match(/AKIA[0-9A-Z]{16}|-----BEGIN|pul-[0-9a-f]{40}|aws_secret_access_key/gi) }).toEqual({ file, credentials: null });
    }
    const delivery = README.slice(README.indexOf('## Delivery'));
    for (const name of references) expect({ name, listed: delivery.includes(`\`${name}\``) }).toEqual({ name, listed: true });
  });

  it('never expands an expression inside a shell script, where a crafted value would run as code', () => {
    for (const [file, step] of everyStep) if (step.run !== undefined) expect({ file, run: step.run }).toEqual({ file, run: expect.not.stringContaining('${{') });
  });
});
