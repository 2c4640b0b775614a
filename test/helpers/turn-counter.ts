/** Counts event-loop turns: a setImmediate that schedules itself runs once per turn's check phase. */
export function turnCounter(): { readonly turn: () => number; stop(): void } {
  let turn = 0;
  let running = true;
  const tick = (): void => {
    turn += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return { turn: () => turn, stop: () => (running = false) };
}
