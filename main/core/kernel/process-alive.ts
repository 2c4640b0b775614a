/**
 * Whether a process with this pid exists (for lock files left by a process that may be gone). Signal 0
 * checks without sending anything; EPERM means it exists but belongs to someone else.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
