/** What a listener is and which setting chooses its port, so a bind failure can say what to change. */
export interface ListenerSetting {
  /** e.g. `data plane`, `admin`, `tcp listener "game"` */
  readonly listener: string;
  readonly host: string;
  readonly port: number;
  /** The variable or route-table field that sets `port`, e.g. `UAG_HTTP_PORT` or `tcp[0].port`. */
  readonly portSetting: string;
}

/**
 * A listener could not be bound. The message is one line: the address, the reason in words and
 * the setting to change; the system error stays on `cause` for anyone who wants the stack.
 */
export class ListenError extends Error {
  constructor(setting: ListenerSetting, cause: unknown) {
    super(describeListenFailure(setting, cause), { cause });
    this.name = 'ListenError';
  }
}

function describeListenFailure({ listener, host, port, portSetting }: ListenerSetting, cause: unknown): string {
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch ((cause as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return `${listener}: ${address} is already in use; stop what holds it or set ${portSetting} to a free port${portSetting.startsWith('UAG_') ? ' (0 picks one)' : ''}`;
    case 'EACCES':
      return `${listener}: not permitted to listen on ${address} (ports below 1024 need root or CAP_NET_BIND_SERVICE); set ${portSetting} to 1024 or above`;
    case 'EADDRNOTAVAIL':
      return `${listener}: ${host} is not an address of this machine; set UAG_HOST to one of its addresses, 127.0.0.1 or 0.0.0.0`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${listener}: UAG_HOST "${host}" does not resolve; set it to an IP address of this machine`;
    default:
      return `${listener}: cannot listen on ${address} (${portSetting}): ${(cause as Error).message}`;
  }
}
