/** The gateway's public contract: what infra, tests and clients may rely on. */
export * from './ports';
export * from './runtime';
export * from './metrics';
export * from './errors';
export * from './route-table-schema';
export * from './env-schema';
export * from './edge-schema';
export * from './route-table-checksum';
