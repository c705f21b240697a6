import { mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A folder laid out as kubelet lays out a ConfigMap volume, and updated as kubelet updates it
 * (its AtomicWriter): each version of the data in a new `..<timestamp>` folder, `..data` a symlink
 * to the current one, swapped by renaming a new symlink over it, and each key a symlink
 * `<key> -> ..data/<key>`. The key's own path never changes, so only what it reads through the
 * links does; a `subPath` mount would copy the file once and never see an update.
 */
export class ConfigMapVolume {
  private version = 0;

  constructor(
    readonly folder: string,
    private readonly key: string,
  ) {
    mkdirSync(folder, { recursive: true });
  }

  /** The key's path, as the container sees it. */
  get path(): string {
    return join(this.folder, this.key);
  }

  /** Publishes `content` as the new version of the key, atomically, and removes the old version. */
  write(content: string): void {
    const name = `..2026_12_06_00_00_00.${String(++this.version).padStart(6, '0')}`;
    mkdirSync(join(this.folder, name));
    writeFileSync(join(this.folder, name, this.key), content);
    const data = join(this.folder, '..data');
    let previous: string | undefined;
    try {
      previous = readlinkSync(data);
    } catch {
      symlinkSync(join('..data', this.key), this.path);
    }
    symlinkSync(name, join(this.folder, '..data_tmp'));
    renameSync(join(this.folder, '..data_tmp'), data);
    if (previous !== undefined) rmSync(join(this.folder, previous), { recursive: true, force: true });
  }
}
