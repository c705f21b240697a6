/**
 * For the bench's own child servers: the bench holds their stdin open and nothing else writes
 * to it, so end-of-file means the bench is gone (even by SIGKILL) and the server should go too.
 */
export function exitWhenParentGoes(): void {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

/** The bench reads the first JSON line on stdout to learn which port the kernel gave us. */
export function announcePort(port: number): void {
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}
