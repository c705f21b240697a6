import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startLoopbackDaemon } from './loopback-daemon';

/** An alert as Alertmanager's API v2 returns it (the fields the tests read). */
export interface AlertmanagerAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly fingerprint: string;
  readonly status: { readonly state: 'active' | 'suppressed' | 'unprocessed'; readonly inhibitedBy: readonly string[]; readonly silencedBy: readonly string[] };
}

export interface AlertmanagerServer {
  /** `127.0.0.1:<port>`, as Prometheus's alerting configuration names it. */
  readonly address: string;
  readonly url: string;
  /** Posts firing alerts (labels only), as Prometheus would. */
  post(alerts: readonly Readonly<Record<string, string>>[]): Promise<void>;
  alerts(): Promise<AlertmanagerAlert[]>;
  stop(): Promise<void>;
}

/**
 * The Debian `prometheus-alertmanager` on 127.0.0.1 and a free port, clustering off (it would
 * listen on 0.0.0.0:9094 and gossip), with a throw-away data folder and `config` as alertmanager.yml.
 */
export async function startAlertmanager(config: object): Promise<AlertmanagerServer> {
  const { address, url, stop } = await startLoopbackDaemon('prometheus-alertmanager', {
    args: (listen, dir) => {
      const configFile = join(dir, 'alertmanager.yml');
      writeFileSync(configFile, stringify(config));
      return [`--config.file=${configFile}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=${listen}`, '--cluster.listen-address=', '--log.level=warn'];
    },
    readyPath: '/-/ready',
  });
  return {
    address,
    url,
    async post(alerts) {
      const response = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts.map((labels) => ({ labels }))) });
      if (!response.ok) throw new Error(`alertmanager refused the alerts: ${response.status} ${await response.text()}`);
    },
    alerts: async () => (await (await fetch(`${url}/api/v2/alerts`)).json()) as AlertmanagerAlert[],
    stop,
  };
}
