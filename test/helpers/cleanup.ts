type Closer = () => Promise<unknown> | unknown;

/**
 * Collects things a test started and closes them in reverse order in `afterEach`, whether the
 * test passed or not.
 */
export function useCleanup(): <T extends { close?: Closer; stop?: Closer }>(resource: T) => T {
  const closers: Closer[] = [];
  afterEach(async () => {
    const pending = closers.splice(0).reverse();
    for (const close of pending) await close();
  });
  return (resource) => {
    const close = resource.stop ?? resource.close;
    if (close) closers.push(() => close.call(resource));
    return resource;
  };
}
