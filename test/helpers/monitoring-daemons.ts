import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startLoopbackDaemon, type LoopbackDaemon } from './loopback-daemon';

/**
 * The Debian Alertmanager on loopback, a single instance (cluster gossip off), sending every alert
 * to `webhookUrl`.
 */
export function startAlertmanager(webhookUrl: string): Promise<LoopbackDaemon> {
  return startLoopbackDaemon('prometheus-alertmanager', {
    args: (address, dir) => {
      const configFile = join(dir, 'alertmanager.yml');
      writeFileSync(configFile, stringify({ route: { receiver: 'webhook' }, receivers: [{ name: 'webhook', webhook_configs: [{ url: webhookUrl }] }] }));
      return [`--config.file=${configFile}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=${address}`, '--cluster.listen-address=', '--log.level=warn'];
    },
    readyPath: '/-/ready',
  });
}

/** The Debian node-exporter on loopback, reading this machine as it would a node. */
export function startNodeExporter(): Promise<LoopbackDaemon> {
  return startLoopbackDaemon('prometheus-node-exporter', {
    args: (address) => [`--web.listen-address=${address}`, '--log.level=warn'],
    readyPath: '/metrics',
  });
}
