import { ConfigError } from '../config/config-error';
import { readRouteTableText, type RouteTableText } from '../config/route-table-loader';
import type { RouteTableReloader } from './route-table-reloader';

/**
 * Polls the route table file's content hash. A hash, not a modification time or a file watch: a
 * ConfigMap volume changes by kubelet swapping its `..data` symlink to a new directory, which
 * leaves the path's own inode untouched and fires no event on it; reading through the symlinks
 * sees the new content at once. A file that keeps the same content is not parsed again, so a
 * rejected file is reported once, not every interval.
 */
export class RouteTableWatcher {
  private timer: NodeJS.Timeout | undefined;
  private lastSeen: string | undefined;

  constructor(
    private readonly path: string,
    private readonly intervalMs: number,
    private readonly reloader: RouteTableReloader,
    initialChecksum: string,
  ) {
    this.lastSeen = initialChecksum;
  }

  /** Starts polling; an interval of 0 leaves it to `check` (SIGHUP). */
  start(): void {
    if (this.intervalMs === 0 || this.timer !== undefined) return;
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Re-reads the file now and applies it if it differs from the active table, even if it was seen before (SIGHUP). */
  async check(): Promise<void> {
    this.lastSeen = undefined;
    await this.poll();
  }

  private async poll(): Promise<void> {
    let file: RouteTableText;
    try {
      file = readRouteTableText(this.path);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // Reported once, until the file is readable again.
      if (this.lastSeen === UNREADABLE) return;
      this.lastSeen = UNREADABLE;
      await this.reloader.unreadable(error);
      return;
    }
    if (file.checksum === this.lastSeen) return;
    this.lastSeen = file.checksum;
    await this.reloader.apply(file);
  }
}

const UNREADABLE = 'unreadable';
