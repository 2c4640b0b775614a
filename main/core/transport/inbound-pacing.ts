/** How a SLIM connection hands received frames on (see slim-connection.ts and turn-paced-queue.ts). */

/**
 * Frames handed to listeners per event-loop turn. Each publish costs its listeners (the engine decodes,
 * screens, admits and queues it) ~0.2 ms on a quiet machine, and as much again follows in the same pass
 * of the loop (the tick's envelopes written to the inbox table, their acks): under load 64 frames took
 * 20–30 ms of a pass that also held the inbox's 15 ms turn. Peer flood (unix, 2, none), alternating
 * runs: loop p99 65–92 ms at 64 (median ~80 of 4), 57–67 at 32 (4 runs), ~9 % less throughput. A turn
 * ending on elapsed time instead (8 ms) did not lower the p99 (66–97 ms): what a frame costs later in
 * the pass grows with the frames taken, not with the time the turn itself ran.
 */
export const FRAMES_PER_TURN = 32;
/**
 * Past this many frames waiting for their turn, the call is paused and HTTP/2 flow control holds the
 * node back. A bound on memory only, set far above any backlog a healthy engine builds: the node does
 * not hold a publish for a reader that stopped reading, it drops it once its buffers are full. In the
 * peer flood (6,000/s offered into one engine) marks of 1,024/256 lost 14,550 of 30,000 envelopes at
 * the node; without pausing, none. A lost envelope is sent again by its writer (it was never acked),
 * but each resend is another publish into the same flood.
 */
export const INBOUND_HIGH_MARK = 64 * 1_024;
/** Below this many waiting frames, a paused call is read again. */
export const INBOUND_LOW_MARK = 16 * 1_024;
