import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_BUNDLE_PATH, GATEWAY_NODE_FLAGS } from '../../app/src/contract';
import { gatewayCommand } from '../../scripts/local-gateway';

const ROOT = join(__dirname, '..', '..');

// The benchmarks, the process tests and `npm start` (scripts/local-gateway.ts) start the gateway from
// GATEWAY_NODE_FLAGS and GATEWAY_BUNDLE_PATH; the image's ENTRYPOINT cannot import them.
describe('the gateway start command', () => {
  test("is the image's ENTRYPOINT", () => {
    const dockerfile = readFileSync(join(ROOT, 'app', 'Dockerfile'), 'utf8');
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(entrypoint === undefined ? undefined : JSON.parse(entrypoint)).toEqual(['node', ...GATEWAY_NODE_FLAGS, GATEWAY_BUNDLE_PATH]);
  });

  test('is what `npm start` runs, through the local runner', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe('exec node --import tsx scripts/local-gateway.ts bundle');
    expect(gatewayCommand('bundle')).toEqual([...GATEWAY_NODE_FLAGS, join(ROOT, GATEWAY_BUNDLE_PATH)]);
  });
});
