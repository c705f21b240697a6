import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow, type WorkflowTemplate } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference';

const ROOT = join(__dirname, '..', '..');
export const WORKFLOWS = '.github/workflows';
export const ACTIONS = '.github/actions';

/** Relative paths of every workflow file and every local action's metadata file. */
export function workflowFiles(): string[] {
  return readdirSync(join(ROOT, WORKFLOWS)).filter((name) => /\.ya?ml$/.test(name)).map((name) => `${WORKFLOWS}/${name}`).sort();
}
export function actionFiles(): string[] {
  return readdirSync(join(ROOT, ACTIONS)).map((name) => `${ACTIONS}/${name}/action.yml`).sort();
}

export interface ParsedWorkflow {
  /** What GitHub's parser reports: schema violations, bad expressions, calls to reusable workflows that do not match their inputs and secrets. */
  readonly errors: readonly string[];
  /** The parser's model, with each local reusable workflow's jobs loaded under the job calling it. */
  readonly template: WorkflowTemplate | undefined;
}

/**
 * Parses a workflow as GitHub does, with `@actions/workflow-parser` (GitHub's own parser, the one
 * behind the Actions language service), and loads the local reusable workflows it calls from this
 * repository, so a call passing an undeclared input or secret is an error too.
 */
export async function parseWorkflowText(name: string, content: string): Promise<ParsedWorkflow> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  if (parsed.value === undefined) return { errors: parsed.context.errors.getErrors().map((error) => error.message), template: undefined };
  const localFiles = {
    async getFileContent(reference: FileReference) {
      if ('repository' in reference) throw new Error(`remote reusable workflow ${reference.owner}/${reference.repository}/${reference.path} cannot be read offline`);
      return { name: reference.path, content: readFileSync(join(ROOT, reference.path), 'utf8') };
    },
  };
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, localFiles, { fetchReusableWorkflowDepth: 1 });
  return { errors: (template.errors ?? []).map((error) => error.Message), template };
}

export function parseWorkflowFile(path: string): Promise<ParsedWorkflow> {
  return parseWorkflowText(path, readFileSync(join(ROOT, path), 'utf8'));
}

/** Errors GitHub's parser reports for a local action's `action.yml`. */
export function actionErrors(path: string): string[] {
  return parseAction({ name: path, content: readFileSync(join(ROOT, path), 'utf8') }, new NoOperationTraceWriter()).context.errors.getErrors().map((error) => error.message);
}

/** The file as plain data, for the structural assertions once the parser has accepted it. */
export function readYaml(path: string): any {
  return parse(readFileSync(join(ROOT, path), 'utf8'));
}
