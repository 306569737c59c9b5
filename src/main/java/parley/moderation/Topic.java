package parley.moderation;

/** A group's topic: its text, who set it and when (ms since 1970). */
public record Topic(String text, String by, long ts) {}
