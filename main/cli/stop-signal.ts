/** Resolves on the first SIGINT or SIGTERM: how every long-running command is told to stop cleanly. */
export function untilStopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
