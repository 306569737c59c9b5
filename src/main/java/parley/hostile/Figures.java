package parley.hostile;

/**
 * What one attack did to the server, as seen from outside: RSS before, at its peak and after (bytes,
 * -1 unknown), the slowest {@code /health} answer and how many did not come, and the well-behaved
 * member's round trips (median and slowest, milliseconds) and how many did not come back.
 */
record Figures(long rssBefore, long rssPeak, long rssAfter, long healthMaxMillis, int healthFailures,
               long memberP50Millis, long memberMaxMillis, int memberTrips, int memberFailures) {}
