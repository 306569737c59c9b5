package parley.moderation;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import parley.protocol.FromClient;

/**
 * The rights table (docs/moderation.md), as pure decisions: given a group's rules, who asks, what
 * they ask and the time, what happens. The owner and server admins may do everything in a group;
 * operators everything but op, deop, hand ownership over and drop; members and anonymous
 * connections nothing. Operators cannot act on the owner, on another operator, or on an admin.
 * Every refusal says which right is missing.
 */
public final class Rules {
    /** The longest topic, in characters. */
    public static final int MAX_TOPIC_CHARS = 1000;
    /** The longest reason a kick or ban may give, in characters. */
    public static final int MAX_REASON_CHARS = 500;

    private Rules() {}

    /** Decides a request that changes group {@code group} (all but GroupInfo, Suspend and Unsuspend). */
    public static Decision decide(String group, GroupRules rules, Actor actor, FromClient.Moderation request, long now,
                                  Names names) {
        Kind kind = kindOf(request);
        String missing = missingRight(group, rules, actor, kind);
        if (missing != null) return new Decision.Refusal(missing);
        return switch (request) {
            case FromClient.Op o -> op(group, rules, actor, o.name(), names);
            case FromClient.Deop d -> rules.operators().contains(d.name())
                    ? change(rules.withOperator(d.name(), false), Event.about(Kind.DEOP, group, actor.name(), d.name()))
                    : refuse("'" + d.name() + "' is not an operator of '" + group + "'");
            case FromClient.Owner o -> owner(group, rules, actor, o.name(), names);
            case FromClient.Drop d -> change(GroupRules.OPEN, Event.about(Kind.DROP, group, actor.name(), null));
            case FromClient.Topic t -> topic(group, rules, actor, t.topic(), now);
            case FromClient.Kick k -> restrict(group, rules, actor, Kind.KICK, k.name(), k.reason(), null, now, names);
            case FromClient.Ban b -> restrict(group, rules, actor, Kind.BAN, b.name(), b.reason(), b.duration(), now, names);
            case FromClient.Mute m -> restrict(group, rules, actor, Kind.MUTE, m.name(), null, m.duration(), now, names);
            case FromClient.Unban u -> rules.banOf(u.name(), now) != null
                    ? change(rules.withBan(u.name(), null), Event.about(Kind.UNBAN, group, actor.name(), u.name()))
                    : refuse("'" + u.name() + "' is not banned from '" + group + "'");
            case FromClient.Unmute u -> rules.muteOf(u.name(), now) != null
                    ? change(rules.withMute(u.name(), null), Event.about(Kind.UNMUTE, group, actor.name(), u.name()))
                    : refuse("'" + u.name() + "' is not muted in '" + group + "'");
            case FromClient.Mode m -> {
                Modes next = rules.modes().with(m.inviteOnly(), m.moderated(), m.privateGroup());
                yield change(rules.withModes(next), new Event(Kind.MODE, group, actor.name(), null, null, null, 0, next));
            }
            case FromClient.Invite i -> names.isAccount(i.name())
                    ? change(rules.withInvite(i.name()), Event.about(Kind.INVITE, group, actor.name(), i.name()))
                    : noAccount(i.name());
            case FromClient.GroupInfo g -> throw new IllegalArgumentException("GroupInfo changes nothing");
            case FromClient.Suspend s -> throw new IllegalArgumentException("Suspend is not a group's");
            case FromClient.Unsuspend s -> throw new IllegalArgumentException("Unsuspend is not a group's");
        };
    }

    /** The event kind of a group request. */
    public static Kind kindOf(FromClient.Moderation request) {
        return switch (request) {
            case FromClient.Op o -> Kind.OP;
            case FromClient.Deop d -> Kind.DEOP;
            case FromClient.Owner o -> Kind.OWNER;
            case FromClient.Drop d -> Kind.DROP;
            case FromClient.Topic t -> Kind.TOPIC;
            case FromClient.Kick k -> Kind.KICK;
            case FromClient.Ban b -> Kind.BAN;
            case FromClient.Unban u -> Kind.UNBAN;
            case FromClient.Mute m -> Kind.MUTE;
            case FromClient.Unmute u -> Kind.UNMUTE;
            case FromClient.Mode m -> Kind.MODE;
            case FromClient.Invite i -> Kind.INVITE;
            case FromClient.GroupInfo g -> throw new IllegalArgumentException("GroupInfo changes nothing");
            case FromClient.Suspend s -> throw new IllegalArgumentException("Suspend is not a group's");
            case FromClient.Unsuspend s -> throw new IllegalArgumentException("Unsuspend is not a group's");
        };
    }

    /** Null if {@code actor} holds the right {@code kind} needs in the group, else the refusal's words. */
    static String missingRight(String group, GroupRules rules, Actor actor, Kind kind) {
        if (actor.admin()) return null;
        boolean account = actor.account() && actor.name() != null;
        return switch (kind) {
            case OP, DEOP, OWNER, DROP -> account && rules.isOwner(actor.name()) ? null
                    : rules.owner() == null ? "'" + group + "' has no owner: only a server admin can " + verb(kind)
                    : "only the owner of '" + group + "' can " + verb(kind);
            default -> account && rules.isOperator(actor.name()) ? null
                    : "you must be an operator of '" + group + "' to " + verb(kind);
        };
    }

    /** The request in words, as a refusal names it. */
    static String verb(Kind kind) {
        return switch (kind) {
            case OWNER -> "hand ownership over";
            case DROP -> "drop it";
            case TOPIC -> "set the topic";
            case MODE -> "set its modes";
            default -> kind.wire();
        };
    }

    private static Decision op(String group, GroupRules rules, Actor actor, String name, Names names) {
        if (!names.isAccount(name)) return noAccount(name);
        if (rules.isOperator(name)) return refuse("'" + name + "' is already an operator of '" + group + "'");
        return change(rules.withOperator(name, true), Event.about(Kind.OP, group, actor.name(), name));
    }

    private static Decision owner(String group, GroupRules rules, Actor actor, String name, Names names) {
        if (!names.isAccount(name)) return noAccount(name);
        if (rules.isOwner(name)) return refuse("'" + name + "' already owns '" + group + "'");
        return change(rules.withOwner(name), Event.about(Kind.OWNER, group, actor.name(), name));
    }

    private static Decision topic(String group, GroupRules rules, Actor actor, String text, long now) {
        if (text.codePointCount(0, text.length()) > MAX_TOPIC_CHARS) {
            return refuse("topic longer than " + MAX_TOPIC_CHARS + " characters");
        }
        Topic t = text.isEmpty() ? null : new Topic(text, actor.name(), now);
        return change(rules.withTopic(t), new Event(Kind.TOPIC, group, actor.name(), null, null, text, 0, null));
    }

    /** Kick, ban or mute {@code name}: an account that is neither the owner, nor an admin, nor (for an operator) an operator. */
    private static Decision restrict(String group, GroupRules rules, Actor actor, Kind kind, String name, String reason,
                                     Duration duration, long now, Names names) {
        if (!names.isAccount(name)) return noAccount(name);
        if (name.equals(actor.name())) return refuse("you cannot " + kind.wire() + " yourself");
        if (rules.isOwner(name)) return refuse("cannot " + kind.wire() + " the owner of '" + group + "'");
        if (names.isAdmin(name) && !actor.admin()) return refuse("cannot " + kind.wire() + " a server admin");
        if (rules.isOperator(name) && !actor.admin() && !rules.isOwner(actor.name())) {
            return refuse("only the owner of '" + group + "' can " + kind.wire() + " an operator");
        }
        if (reason != null && reason.codePointCount(0, reason.length()) > MAX_REASON_CHARS) {
            return refuse("reason longer than " + MAX_REASON_CHARS + " characters");
        }
        String why = reason == null || reason.isEmpty() ? null : reason;
        long until = duration == null ? 0 : now + duration.toMillis();
        Event event = new Event(kind, group, actor.name(), name, why, null, until, null);
        return switch (kind) {
            case KICK -> change(rules, event);
            case BAN -> change(rules.withBan(name, new Restriction(actor.name(), why, until)), event);
            default -> change(rules.withMute(name, new Restriction(actor.name(), why, until)), event);
        };
    }

    // ------------------------------------------------------------------ joining, posting, seeing

    /** Null if {@code actor} may join the group, else why not. */
    public static String joinRefusal(String group, GroupRules rules, Actor actor, long now) {
        if (actor.admin()) return null;
        String name = actor.account() ? actor.name() : null;
        if (rules.banOf(name, now) != null) return "you are banned from '" + group + "'";
        if (rules.modes().privateGroup() && name == null) return "'" + group + "' is private; sign in to join";
        if (rules.modes().inviteOnly() && !rules.isOperator(name) && (name == null || !rules.invites().contains(name))) {
            return "'" + group + "' is invite-only";
        }
        return null;
    }

    /**
     * Null if {@code actor} may post to the group, else why not. A post needs no membership, as in
     * the book; so one that is not a member must also be one that could join.
     */
    public static String postRefusal(String group, GroupRules rules, Actor actor, boolean member, long now) {
        if (actor.admin()) return null;
        String name = actor.account() ? actor.name() : null;
        if (!member) {
            String cannotJoin = joinRefusal(group, rules, actor, now);
            if (cannotJoin != null) return cannotJoin;
        }
        if (rules.muteOf(name, now) != null) return "you are muted in '" + group + "'";
        if (rules.modes().moderated() && !rules.isOperator(name)) {
            return "only operators post in '" + group + "' (moderated)";
        }
        return null;
    }

    /** Whether {@code actor}, a member of the group or not, may see it listed and read who is in it. */
    public static boolean visible(GroupRules rules, Actor actor, boolean member) {
        if (!rules.modes().privateGroup() || member || actor.admin()) return true;
        String name = actor.account() ? actor.name() : null;
        return rules.isOperator(name) || (name != null && rules.invites().contains(name));
    }

    /** Null if {@code actor} may create a group, else why not. */
    public static String createRefusal(Actor actor, boolean groupsNeedOwner) {
        return groupsNeedOwner && !actor.account() ? "only an account can create groups (--groups-need-owner)" : null;
    }

    /** Null if {@code actor} may suspend (or unsuspend) the account {@code name}, else why not. */
    public static String suspendRefusal(Actor actor, String name, Names names) {
        if (!actor.admin()) return "only a server admin can suspend or unsuspend an account";
        if (!names.isAccount(name)) return "no account named '" + name + "'";
        if (names.isAdmin(name)) return "cannot suspend a server admin";
        return null;
    }

    /** What a suspended account is told, at sign-in and when its connections close. */
    public static String suspended(String name, long until) {
        return "account '" + name + "' is suspended until "
                + Instant.ofEpochMilli(until).truncatedTo(ChronoUnit.SECONDS);
    }

    private static Decision change(GroupRules next, Event event) {
        return new Decision.Change(next, event);
    }

    private static Decision refuse(String error) {
        return new Decision.Refusal(error);
    }

    private static Decision noAccount(String name) {
        return refuse("no account named '" + name + "'");
    }
}
