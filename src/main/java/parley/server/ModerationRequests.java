package parley.server;

import java.util.ArrayList;
import java.util.List;
import parley.log.Log;
import parley.moderation.Actor;
import parley.moderation.Decision;
import parley.moderation.Event;
import parley.moderation.GroupRules;
import parley.moderation.Kind;
import parley.moderation.Moderation;
import parley.moderation.Names;
import parley.moderation.Rules;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.FromServer;
import parley.server.Metrics.CloseReason;
import parley.server.Metrics.ErrorKind;

/**
 * The group-moderation requests of one session (docs/moderation.md): {@link Rules} decides,
 * {@link Moderation} keeps the change, and this class carries it out over sessions and groups:
 * the event into the group's order, the requester told, a kicked or banned account's connections
 * expelled, a dropped group emptied and deleted, a suspended account's connections closed; then
 * one audit line and the counters. Each returns null when answered, or the Error's words.
 *
 * <p>Reader thread only. Holds nothing of its own.
 */
final class ModerationRequests {
    private ModerationRequests() {}

    static String handle(Session session, FromClient.Moderation request) {
        return switch (request) {
            case FromClient.GroupInfo g -> info(session, g.groupName());
            case FromClient.Suspend s -> suspend(session, s);
            case FromClient.Unsuspend u -> unsuspend(session, u.name());
            default -> change(session, request);
        };
    }

    private static Names names(Session session) {
        Accounts accounts = session.chat().signIn().accounts();
        return session.chat().moderation().names(accounts::registered);
    }

    /** The name a group request is about, or null. */
    private static String groupOf(FromClient.Moderation request) {
        return switch (request) {
            case FromClient.Op o -> o.groupName();
            case FromClient.Deop d -> d.groupName();
            case FromClient.Owner o -> o.groupName();
            case FromClient.Drop d -> d.groupName();
            case FromClient.Topic t -> t.groupName();
            case FromClient.Kick k -> k.groupName();
            case FromClient.Ban b -> b.groupName();
            case FromClient.Unban u -> u.groupName();
            case FromClient.Mute m -> m.groupName();
            case FromClient.Unmute u -> u.groupName();
            case FromClient.Mode m -> m.groupName();
            case FromClient.Invite i -> i.groupName();
            case FromClient.GroupInfo g -> g.groupName();
            case FromClient.Suspend s -> null;
            case FromClient.Unsuspend u -> null;
        };
    }

    /** A group that exists here: in memory, in the store, or known to moderation alone. */
    private static Group existing(Session session, String group) {
        return session.groups().find(group);
    }

    private static String change(Session session, FromClient.Moderation request) {
        String group = groupOf(request);
        Moderation moderation = session.chat().moderation();
        Group g = existing(session, group);
        if (g == null && !moderation.known(group)) return session.noSuchGroup(group);
        Actor actor = session.actor();
        Decision d;
        try {
            d = moderation.apply(group, actor, request, names(session));
        } catch (RuntimeException e) { // the records could not keep it: nothing changed
            Log.warn("moderation.store_failed", "peer", session.peer(), "group", group, "error", e.getMessage());
            return session.fail(ErrorKind.MODERATION, "moderation is unavailable: the store failed; try again later");
        }
        if (d instanceof Decision.Refusal r) {
            Log.debug("moderation.refused", "peer", session.peer(), "by", actor.name(), "group", group,
                    "kind", Rules.kindOf(request).wire(), "why", r.error());
            return session.refuseByModeration(r.error());
        }
        Event event = ((Decision.Change) d).event();
        // The audit line first: once the event is out, whoever reads it (a test, an operator's
        // tail of the log) may look for the line at once.
        audit(session, event);
        carryOut(session, g, event);
        return null;
    }

    /**
     * Announces {@code event} and does what it means to the group's sessions. A kicked or banned
     * account's connections leave first, so none can read the event and join again before its
     * removal; each is then told the event, and the others see it leave after the event.
     */
    private static void carryOut(Session session, Group g, Event event) {
        FromServer.GroupEvent packet = GroupEvents.packet(event);
        if (event.kind() == Kind.DROP) {
            drop(session, g, packet);
            return;
        }
        List<Session> expelled = new ArrayList<>();
        if (g != null && (event.kind() == Kind.KICK || event.kind() == Kind.BAN)) {
            for (Session m : members(g)) {
                if (event.name().equals(m.accountName()) && m.memberships().expel(m, g.name()) != null) expelled.add(m);
            }
        }
        GroupEvents.Published published = g == null
                ? new GroupEvents.Published(Codec.encodeGroupEvent(Posted.stamped(packet, 0, System.currentTimeMillis())), -1)
                : GroupEvents.publish(session, g, packet);
        if (g == null || !session.memberships().has(g.name()) || !session.outbound().extended()) {
            session.reply(published.line()); // the requester hears it even from outside the group
        }
        for (Session m : expelled) {
            if (m == session) continue; // (never: nobody kicks or bans themselves)
            m.outbound().notice(published.line());
            if (m.outbound().extended()) Presence.left(m, g, m.name());
        }
        if (event.kind() == Kind.INVITE) tellInvited(session, event, published.line());
    }

    private static List<Session> members(Group g) {
        List<Session> all = new ArrayList<>();
        g.sessions().forEach(all::add);
        return all;
    }

    /** The invited account's connections outside the group hear of it, so they know to join. */
    private static void tellInvited(Session session, Event event, byte[] line) {
        for (Session s : session.chat().sessions()) {
            if (event.name().equals(s.accountName()) && s.outbound().extended() && !s.memberships().has(event.group())) {
                s.outbound().notice(line);
            }
        }
    }

    /**
     * Every member leaves, the group goes from memory and the store, and then each former member
     * (and the requester) hears of it: by then the group is gone for whoever asks.
     */
    private static void drop(Session session, Group g, FromServer.GroupEvent packet) {
        String group = packet.groupName();
        List<Session> gone = new ArrayList<>();
        if (g != null) {
            for (Session m : members(g)) if (m.memberships().expel(m, group) != null) gone.add(m);
        }
        session.groups().drop(group);
        session.groups().store().drop(group);
        byte[] line = Codec.encodeGroupEvent(Posted.stamped(packet, 0, System.currentTimeMillis()));
        for (Session m : gone) if (m.outbound().extended()) m.outbound().notice(line);
        if (!gone.contains(session) || !session.outbound().extended()) session.reply(line);
    }

    private static void audit(Session session, Event e) {
        session.metrics().moderationAction(e.kind());
        Log.info("moderation." + e.kind().wire(), "group", e.group(), "by", e.by(), "name", e.name() == null ? "-" : e.name(),
                "reason", e.reason() == null ? "-" : e.reason(), "until", e.until(), "topic",
                e.topic() == null ? "-" : e.topic(), "modes", e.modes() == null ? "-" : modes(e), "peer", session.peer());
    }

    private static String modes(Event e) {
        return (e.modes().inviteOnly() ? "+" : "-") + "invite_only," + (e.modes().moderated() ? "+" : "-") + "moderated,"
                + (e.modes().privateGroup() ? "+" : "-") + "private";
    }

    // ------------------------------------------------------------------ GroupInfo

    private static String info(Session session, String group) {
        Moderation moderation = session.chat().moderation();
        Group g = existing(session, group);
        if (g == null && !moderation.known(group)) return session.noSuchGroup(group);
        GroupRules rules = moderation.rules(group);
        if (!Rules.visible(rules, session.actor(), session.memberships().has(group))) {
            return session.refuseByModeration("'" + group + "' is private; only its members can see it");
        }
        List<String> operators = new ArrayList<>(rules.operators());
        operators.sort(null);
        var m = rules.modes();
        session.reply(Codec.encode(new FromServer.GroupDetails(group, rules.owner(), operators,
                rules.topic() == null ? null : rules.topic().text(),
                new FromServer.Modes(m.inviteOnly(), m.moderated(), m.privateGroup()), g == null ? 0 : g.members())));
        return null;
    }

    // ------------------------------------------------------------------ Suspend

    private static String suspend(Session session, FromClient.Suspend request) {
        Actor actor = session.actor();
        String refused = Rules.suspendRefusal(actor, request.name(), names(session));
        if (refused != null) return session.refuseByModeration(refused);
        long until;
        try {
            until = session.chat().moderation().suspend(request.name(), request.duration().toMillis());
        } catch (RuntimeException e) {
            Log.warn("moderation.store_failed", "peer", session.peer(), "error", e.getMessage());
            return session.fail(ErrorKind.MODERATION, "moderation is unavailable: the store failed; try again later");
        }
        String text = Rules.suspended(request.name(), until);
        for (Session s : session.chat().sessions()) {
            if (request.name().equals(s.accountName())) s.stopFor(CloseReason.SUSPENDED, ErrorKind.MODERATION, text);
        }
        session.metrics().suspended();
        Log.info("moderation.suspend", "name", request.name(), "by", actor.name(), "until", until, "peer", session.peer());
        session.reply(Codec.encode(new FromServer.Suspended(request.name(), until)));
        return null;
    }

    private static String unsuspend(Session session, String name) {
        Actor actor = session.actor();
        if (!actor.admin()) return session.refuseByModeration("only a server admin can suspend or unsuspend an account");
        boolean was;
        try {
            was = session.chat().moderation().unsuspend(name);
        } catch (RuntimeException e) {
            Log.warn("moderation.store_failed", "peer", session.peer(), "error", e.getMessage());
            return session.fail(ErrorKind.MODERATION, "moderation is unavailable: the store failed; try again later");
        }
        if (!was) return session.refuseByModeration("account '" + name + "' is not suspended");
        Log.info("moderation.unsuspend", "name", name, "by", actor.name(), "peer", session.peer());
        session.reply(Codec.encode(new FromServer.Unsuspended(name)));
        return null;
    }
}
