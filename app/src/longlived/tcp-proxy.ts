import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TcpListenerConfig } from '../contract';
import { upstreamUrls } from '../proxy/upstreams';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import { secondsSince } from '../telemetry/elapsed';
import type { Logger } from '../telemetry/logger';
import { ConnectionSet } from './connection-set';

interface UpstreamAddress {
  readonly host: string;
  readonly port: number;
}

/** Where a TCP listener's connections go, resolved as HTTP upstreams are. */
export function tcpUpstreamAddress(upstream: TcpListenerConfig['upstream'], inKubernetes: boolean): UpstreamAddress {
  const url = new URL(upstreamUrls(upstream, inKubernetes, 'tcp').urls[0]!);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
}

/**
 * One raw TCP listener: each client connection is piped to a fresh upstream connection both ways,
 * with stream backpressure (a side that does not read stops the other from being read), an idle
 * timeout, and no half-open leftovers: when either side closes, the other is destroyed.
 */
export class TcpProxy {
  readonly connections = new ConnectionSet<Socket>();
  private readonly server: Server;
  private readonly upstream: UpstreamAddress;

  constructor(
    private readonly config: TcpListenerConfig,
    inKubernetes: boolean,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {
    this.upstream = tcpUpstreamAddress(config.upstream, inKubernetes);
    this.server = createServer((client) => this.relay(client));
  }

  get name(): string {
    return this.config.name;
  }

  /** Where its connections go, `host:port`. */
  get upstreamAddress(): string {
    return `${this.upstream.host}:${this.upstream.port}`;
  }

  get configuredPort(): number {
    return this.config.port;
  }

  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.removeListener('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting; open connections carry on until they end or `destroyAll`. */
  stopAccepting(): void {
    if (this.server.listening) this.server.close();
  }

  destroyAll(): void {
    this.connections.forEach((socket) => socket.destroy());
  }

  private relay(client: Socket): void {
    const openedAt = performance.now();
    const upstream = connect({ host: this.upstream.host, port: this.upstream.port });
    this.connections.add(client);
    this.metrics.connectionOpened('tcp');
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.setTimeout(this.config.idleTimeoutMs);
    upstream.setTimeout(this.config.idleTimeoutMs);
    client.pipe(upstream);
    upstream.pipe(client);

    const teardown = () => {
      client.destroy();
      upstream.destroy();
    };
    let open = 2;
    const onClose = () => {
      teardown();
      if (--open > 0) return;
      this.connections.delete(client);
      this.metrics.connectionClosed('tcp', secondsSince(openedAt));
    };
    const idle = () => {
      this.logger.debug({ listener: this.config.name }, 'tcp connection idle; closing');
      teardown();
    };
    client.on('timeout', idle);
    upstream.on('timeout', idle);
    client.on('error', () => undefined);
    upstream.on('error', (error: Error) => {
      this.logger.warn({ listener: this.config.name, upstream: `${this.upstream.host}:${this.upstream.port}`, err: error }, 'tcp upstream failed');
    });
    client.once('close', onClose);
    upstream.once('close', onClose);
  }
}
