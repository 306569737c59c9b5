package parley.server;

/**
 * A message as it sits in a group's ring: its text and its {@code Message} line, encoded once at
 * post time and written as-is to every member (the seed's {@code Arc<String>} point).
 */
record Posted(String message, byte[] line) {}
