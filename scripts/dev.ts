// `npm run dev`: two demo upstreams on 5001/5002 and the gateway from source in front of them.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startDemoService } from '../app/demo/demo-upstreams';

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  const services = await Promise.all([startDemoService('user-service', 5001), startDemoService('order-service', 5002)]);
  process.stdout.write('demo upstreams: user-service on 127.0.0.1:5001, order-service on 127.0.0.1:5002\n');
  const gateway = spawn(process.execPath, ['--import', 'tsx', join(root, 'app', 'src', 'main.ts')], {
    stdio: 'inherit',
    env: { UAG_ROUTES_FILE: join(root, 'app', 'routes.sample.yaml'), UAG_HOST: '127.0.0.1', UAG_DRAIN_DELAY_MS: '0', ...process.env },
  });
  process.stdout.write('try: curl -s localhost:8080/api/users/42 ; curl -s localhost:9090/metrics | grep gateway_\n');
  const stop = (signal: NodeJS.Signals) => gateway.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  gateway.on('exit', (code) => {
    for (const service of services) service.close();
    process.exit(code ?? 0);
  });
}

void main();
