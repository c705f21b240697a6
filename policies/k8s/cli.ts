import { parseArgs } from 'node:util';
import { evaluateManifestTree } from './evaluate-manifests';
import { DEFAULT_EXCEPTIONS_FILE, loadExceptions } from './exceptions';
import { repositoryPolicyOptions } from './policy-gate';
import { DEFAULT_INGRESS_NAMESPACE } from './policy-options';
import { formatReport } from './report-table';

const USAGE = `usage: npm run policy -- [DIR] [--exceptions FILE] [--ingress-namespace NS] [--problems-only]

  DIR                   tree of YAML manifests, one environment per first-level folder (default charts-out)
  --exceptions FILE     reviewed exceptions (default ${DEFAULT_EXCEPTIONS_FILE}; ignored when absent)
  --ingress-namespace   the only namespace allowed Services of type LoadBalancer (default ${DEFAULT_INGRESS_NAMESPACE})
  --problems-only       leave out rows that pass

exit status: 0 all rules pass, 1 a rule fails or an exception expired, 2 bad input`;

const EXIT_VIOLATION = 1;
const EXIT_USAGE = 2;

function main(argv: string[]): number {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const root = parsed.positionals[0] ?? 'charts-out';
  try {
    const exceptionsFile = parsed.values.exceptions;
    const exceptions = exceptionsFile === undefined ? repositoryPolicyOptions(process.cwd()).exceptions : loadExceptions(exceptionsFile);
    const report = evaluateManifestTree(root, { exceptions, ingressNamespace: parsed.values['ingress-namespace'] ?? DEFAULT_INGRESS_NAMESPACE });
    console.log(formatReport(report, { problemsOnly: parsed.values['problems-only'] ?? false }));
    return report.failed ? EXIT_VIOLATION : 0;
  } catch (error) {
    console.error(`policy check could not run: ${(error as Error).message}`);
    return EXIT_USAGE;
  }
}

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      exceptions: { type: 'string' },
      'ingress-namespace': { type: 'string' },
      'problems-only': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

process.exitCode = main(process.argv.slice(2));
