import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
  readonly buildTime: string;
}

/** Written next to the bundle by `scripts/build.mjs`; kept out of the bundle so its hash stays content-only. */
export const BUILD_INFO_FILE = 'build-info.json';

const UNBUILT: BuildInfo = { version: '0.0.0-dev', commit: 'unknown', buildTime: 'unknown' };

/** Reads the build stamp beside the running bundle; running from source reports `0.0.0-dev`. */
export function readBuildInfo(directory: string = __dirname): BuildInfo {
  try {
    const parsed = JSON.parse(readFileSync(join(directory, BUILD_INFO_FILE), 'utf8')) as Partial<BuildInfo>;
    return Object.freeze({
      version: parsed.version ?? UNBUILT.version,
      commit: parsed.commit ?? UNBUILT.commit,
      buildTime: parsed.buildTime ?? UNBUILT.buildTime,
    });
  } catch {
    return UNBUILT;
  }
}
