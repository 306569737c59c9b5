package parley.moderation;

/** What {@link Rules} decided about a moderation request: a change to make and announce, or a refusal. */
public sealed interface Decision {

    /** Allowed: the group's rules become {@code next} and its members are told {@code event}. */
    record Change(GroupRules next, Event event) implements Decision {}

    /** Refused: {@code error} says which right is missing, or what is wrong with the request. */
    record Refusal(String error) implements Decision {}
}
