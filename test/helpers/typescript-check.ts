import { dirname, join } from 'node:path';
import ts from 'typescript';

const REPO = join(__dirname, '..', '..');

/**
 * Type-checks a TypeScript module given as text, as if it were a file at `fileName` in the
 * repository (so imports resolve as in the tests), with the repository's compiler options.
 * Returns the compiler's messages, empty when it type-checks.
 */
export function typeCheckModule(fileName: string, source: string): string[] {
  const configPath = join(REPO, 'tsconfig.json');
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, (path) => ts.sys.readFile(path)).config, ts.sys, dirname(configPath));
  // Only the SDK's types matter here; leaving out @types/node and jest keeps the check quick.
  const options: ts.CompilerOptions = { ...config.options, types: [], noEmit: true };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (path) => (path === fileName ? source : readFile(path));
  host.fileExists = (path) => path === fileName || ts.sys.fileExists(path);
  host.getSourceFile = (path, languageVersion, ...rest) =>
    path === fileName ? ts.createSourceFile(path, source, languageVersion, true) : getSourceFile(path, languageVersion, ...rest);
  const program = ts.createProgram([fileName], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
