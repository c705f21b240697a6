import { startLoopbackDaemon, type LoopbackDaemon } from './loopback-daemon';

/** The Debian node-exporter on loopback, reading this machine as it would a node. */
export function startNodeExporter(): Promise<LoopbackDaemon> {
  return startLoopbackDaemon('prometheus-node-exporter', {
    args: (address) => [`--web.listen-address=${address}`, '--log.level=warn'],
    readyPath: '/metrics',
  });
}
