/**
 * {@code parley soak}: a long-running reliability check of a whole server.
 *
 * <p>Runs for a set time against an in-process server (or an external one) with steady posting,
 * healthy members, slow members that stop reading for a while, connection churn and bad input,
 * and checks what the protocol promises: healthy members lose nothing and see every poster's
 * messages in order; a slow member's received + dropped counts add up exactly to what was posted;
 * every bad line gets exactly one Error, also through a hostile phase in which a few of
 * {@code parley hostile}'s attacks run at once; and nothing leaks: heap after GC, threads, file
 * descriptors, sessions and groups return to where they started. Prints the resource curve as it
 * goes and exits non-zero on any violation.
 *
 * <p>Talks to the server only over loopback TCP, as any client would; uses {@code protocol} to
 * decode what it receives, and {@code server} only to start the in-process server and read its
 * session and group counts; {@code hostile} for the hostile phase's attacks (which know nothing of
 * the soak).
 *
 * <p>Must not know: {@code parley.auth}, {@code parley.bench}, {@code parley.broadcast},
 * {@code parley.cli}, {@code parley.client}, {@code parley.cluster}, {@code parley.http},
 * {@code parley.tls}, {@code parley.web}.
 */
package parley.soak;
