/**
 * The one response the upstream gives. Small and fixed so the bench measures per-request proxy
 * overhead, not body copying; every target must hand it back byte for byte.
 */
export const UPSTREAM_BODY = '{"ok":true,"from":"bench-upstream","pad":"xxxxxxxxxxxxxxxxxxxx"}';
