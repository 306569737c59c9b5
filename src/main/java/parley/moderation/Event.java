package parley.moderation;

/**
 * One change to a group, as its members are told: {@code by} did {@code kind} to the account
 * {@code name} (null when none), with a {@code reason} and a {@code topic} (null when not given),
 * until {@code until} (ms since 1970, 0 for good or not relevant), leaving the group's
 * {@code modes} (null but for {@link Kind#MODE}).
 */
public record Event(Kind kind, String group, String by, String name, String reason, String topic, long until,
        Modes modes) {

    static Event about(Kind kind, String group, String by, String name) {
        return new Event(kind, group, by, name, null, null, 0, null);
    }
}
