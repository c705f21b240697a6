/** Listener defaults and the admin paths that probes, scrapers and humans rely on. */
export const DEFAULT_HTTP_PORT = 8080;
export const DEFAULT_ADMIN_PORT = 9090;

export const ADMIN_PATHS = {
  live: '/health/live',
  ready: '/health/ready',
  startup: '/health/startup',
  metrics: '/metrics',
  version: '/version',
  /** The status page (HTML) for people; `status` is the same as JSON. */
  statusPage: '/',
  status: '/status',
} as const;

export type AdminPath = (typeof ADMIN_PATHS)[keyof typeof ADMIN_PATHS];

/** Port names used on the container and its Services; infra must use these, not retype them. */
export const PORT_NAMES = {
  http: 'http',
  admin: 'admin',
} as const;
