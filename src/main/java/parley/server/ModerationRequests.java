package parley.server;

import parley.protocol.FromClient;
import parley.server.Metrics.ErrorKind;

/** The group-moderation requests of one session (docs/moderation.md). Reader thread only. */
final class ModerationRequests {
    private ModerationRequests() {}

    static String handle(Session session, FromClient.Moderation request) {
        return session.fail(ErrorKind.BAD_REQUEST, "moderation is not served by this build yet");
    }
}
