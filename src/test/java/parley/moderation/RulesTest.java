package parley.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import parley.protocol.FromClient;

/**
 * The rights table as pure decisions: every group request by every kind of requester (owner,
 * operator, member, anonymous, book, admin, banned, muted), then Join, Post, List and the expiry
 * of bans and mutes by the clock.
 */
@DisplayName("moderation rules")
class RulesTest {
    static final String G = "g";
    static final long NOW = 1_765_000_000_000L;
    static final Set<String> ACCOUNTS = Set.of("olive", "oscar", "otto", "mia", "ada", "ben", "mu", "tim");

    /** olive owns g; oscar and otto are operators; ben is banned, mu muted. */
    static final GroupRules RULES = new GroupRules("olive", Set.of("oscar", "otto"), null, Modes.OPEN,
            Map.of("ben", new Restriction("olive", "spam", 0)), Map.of("mu", new Restriction("olive", null, 0)), Set.of());

    static final Names NAMES = new Names() {
        @Override public boolean isAccount(String name) { return ACCOUNTS.contains(name); }
        @Override public boolean isAdmin(String name) { return "ada".equals(name); }
    };

    enum Who {
        OWNER(Actor.account("olive")), OPERATOR(Actor.account("oscar")), MEMBER(Actor.account("mia")),
        ANONYMOUS(new Actor("anon", false, false)), BOOK(Actor.NOBODY), ADMIN(new Actor("ada", true, true)),
        BANNED(Actor.account("ben")), MUTED(Actor.account("mu"));

        final Actor actor;

        Who(Actor actor) {
            this.actor = actor;
        }
    }

    /** Each group request, acting on a target it may act on. */
    static final List<FromClient.Moderation> REQUESTS = List.of(
            new FromClient.Op(G, "tim"), new FromClient.Deop(G, "otto"), new FromClient.Owner(G, "tim"),
            new FromClient.Drop(G), new FromClient.Topic(G, "walks"), new FromClient.Kick(G, "tim", "rude"),
            new FromClient.Ban(G, "tim", "spam", Duration.ofHours(1)), new FromClient.Unban(G, "ben"),
            new FromClient.Mute(G, "tim", null), new FromClient.Unmute(G, "mu"), new FromClient.Mode(G, true, null, null),
            new FromClient.Invite(G, "tim"));

    static boolean ownerOnly(FromClient.Moderation r) {
        return r instanceof FromClient.Op || r instanceof FromClient.Deop || r instanceof FromClient.Owner
                || r instanceof FromClient.Drop;
    }

    @TestFactory
    @DisplayName("who may do what: every request by every requester")
    Stream<DynamicTest> matrix() {
        List<DynamicTest> tests = new ArrayList<>();
        for (FromClient.Moderation r : REQUESTS) {
            for (Who who : Who.values()) {
                boolean allowed = switch (who) {
                    case OWNER, ADMIN -> true;
                    case OPERATOR -> !ownerOnly(r);
                    default -> false;
                };
                tests.add(DynamicTest.dynamicTest(r.getClass().getSimpleName() + " by " + who, () -> {
                    Decision d = Rules.decide(G, RULES, who.actor, r, NOW, NAMES);
                    if (allowed) {
                        assertThat(d).isInstanceOf(Decision.Change.class);
                        Event e = ((Decision.Change) d).event();
                        assertThat(e.kind()).isEqualTo(Rules.kindOf(r));
                        assertThat(e.by()).isEqualTo(who.actor.name());
                        assertThat(e.group()).isEqualTo(G);
                    } else {
                        String kind = Rules.kindOf(r).wire();
                        assertThat(d).isInstanceOf(Decision.Refusal.class);
                        String error = ((Decision.Refusal) d).error();
                        if (ownerOnly(r)) assertThat(error).startsWith("only the owner of 'g' can ");
                        else assertThat(error).startsWith("you must be an operator of 'g' to ");
                        if (r instanceof FromClient.Op) assertThat(error).isEqualTo("only the owner of 'g' can op");
                        if (r instanceof FromClient.Kick) assertThat(error).isEqualTo("you must be an operator of 'g' to kick");
                        assertThat(kind).isNotEmpty();
                    }
                }));
            }
        }
        return tests.stream();
    }

    private static Decision decide(Actor a, FromClient.Moderation r) {
        return Rules.decide(G, RULES, a, r, NOW, NAMES);
    }

    private static String refusal(Actor a, FromClient.Moderation r) {
        Decision d = decide(a, r);
        assertThat(d).isInstanceOf(Decision.Refusal.class);
        return ((Decision.Refusal) d).error();
    }

    private static GroupRules next(Actor a, FromClient.Moderation r) {
        Decision d = decide(a, r);
        assertThat(d).as(String.valueOf(d)).isInstanceOf(Decision.Change.class);
        return ((Decision.Change) d).next();
    }

    @Test
    @DisplayName("each change does what it says, and says it in its event")
    void changes() {
        Actor owner = Who.OWNER.actor;
        assertThat(next(owner, new FromClient.Op(G, "tim")).operators()).containsExactlyInAnyOrder("oscar", "otto", "tim");
        assertThat(next(owner, new FromClient.Deop(G, "otto")).operators()).containsExactly("oscar");
        GroupRules handed = next(owner, new FromClient.Owner(G, "tim"));
        assertThat(handed.owner()).isEqualTo("tim");
        assertThat(handed.operators()).contains("olive"); // the old owner stays an operator
        assertThat(next(owner, new FromClient.Drop(G))).isEqualTo(GroupRules.OPEN);
        assertThat(next(owner, new FromClient.Topic(G, "walks")).topic()).isEqualTo(new Topic("walks", "olive", NOW));
        assertThat(next(owner, new FromClient.Topic(G, "")).topic()).isNull();
        Decision ban = decide(Who.OPERATOR.actor, new FromClient.Ban(G, "tim", "spam", Duration.ofMinutes(10)));
        Event e = ((Decision.Change) ban).event();
        assertThat(e).isEqualTo(new Event(Kind.BAN, G, "oscar", "tim", "spam", null, NOW + 600_000, null));
        assertThat(((Decision.Change) ban).next().banOf("tim", NOW)).isEqualTo(new Restriction("oscar", "spam", NOW + 600_000));
        assertThat(next(owner, new FromClient.Unban(G, "ben")).bans()).isEmpty();
        assertThat(next(owner, new FromClient.Mute(G, "tim", null)).muteOf("tim", NOW)).isNotNull();
        assertThat(next(owner, new FromClient.Unmute(G, "mu")).mutes()).isEmpty();
        Decision mode = decide(owner, new FromClient.Mode(G, true, null, true));
        assertThat(((Decision.Change) mode).event().modes()).isEqualTo(new Modes(true, false, true));
        assertThat(next(owner, new FromClient.Invite(G, "tim")).invites()).containsExactly("tim");
        // A kick changes no rule: only its event and the expulsion.
        assertThat(next(owner, new FromClient.Kick(G, "tim", null))).isEqualTo(RULES);
    }

    @Test
    @DisplayName("targets: accounts only; never the owner, an admin, yourself; an operator only by the owner or an admin")
    void targets() {
        Actor op = Who.OPERATOR.actor;
        assertThat(refusal(op, new FromClient.Kick(G, "ghost", null))).isEqualTo("no account named 'ghost'");
        assertThat(refusal(op, new FromClient.Ban(G, "ghost", null, null))).isEqualTo("no account named 'ghost'");
        assertThat(refusal(Who.OWNER.actor, new FromClient.Op(G, "ghost"))).isEqualTo("no account named 'ghost'");
        assertThat(refusal(op, new FromClient.Ban(G, "olive", null, null))).isEqualTo("cannot ban the owner of 'g'");
        assertThat(refusal(op, new FromClient.Kick(G, "ada", null))).isEqualTo("cannot kick a server admin");
        assertThat(refusal(op, new FromClient.Mute(G, "oscar", null))).isEqualTo("you cannot mute yourself");
        assertThat(refusal(op, new FromClient.Ban(G, "otto", null, null))).isEqualTo("only the owner of 'g' can ban an operator");
        assertThat(decide(Who.OWNER.actor, new FromClient.Ban(G, "otto", null, null))).isInstanceOf(Decision.Change.class);
        assertThat(refusal(Who.OWNER.actor, new FromClient.Op(G, "oscar"))).isEqualTo("'oscar' is already an operator of 'g'");
        assertThat(refusal(Who.OWNER.actor, new FromClient.Deop(G, "mia"))).isEqualTo("'mia' is not an operator of 'g'");
        assertThat(refusal(op, new FromClient.Unban(G, "mia"))).isEqualTo("'mia' is not banned from 'g'");
        assertThat(refusal(op, new FromClient.Unmute(G, "mia"))).isEqualTo("'mia' is not muted in 'g'");
        assertThat(refusal(op, new FromClient.Topic(G, "x".repeat(Rules.MAX_TOPIC_CHARS + 1))))
                .isEqualTo("topic longer than 1000 characters");
    }

    @Test
    @DisplayName("an ownerless group: only an admin can moderate it, and the refusal says so")
    void ownerless() {
        Decision d = Rules.decide(G, GroupRules.OPEN, Who.MEMBER.actor, new FromClient.Op(G, "tim"), NOW, NAMES);
        assertThat(((Decision.Refusal) d).error()).isEqualTo("'g' has no owner: only a server admin can op");
        d = Rules.decide(G, GroupRules.OPEN, Who.ANONYMOUS.actor, new FromClient.Topic(G, "t"), NOW, NAMES);
        assertThat(((Decision.Refusal) d).error()).isEqualTo("you must be an operator of 'g' to set the topic");
        d = Rules.decide(G, GroupRules.OPEN, Who.ADMIN.actor, new FromClient.Owner(G, "tim"), NOW, NAMES);
        assertThat(((Decision.Change) d).next().owner()).isEqualTo("tim");
    }

    @TestFactory
    @DisplayName("Join by every requester, in an open, private and invite-only group")
    Stream<DynamicTest> joins() {
        GroupRules priv = RULES.withModes(new Modes(false, false, true));
        GroupRules invite = RULES.withModes(new Modes(true, false, false)).withInvite("mia");
        List<DynamicTest> tests = new ArrayList<>();
        for (Who who : Who.values()) {
            tests.add(DynamicTest.dynamicTest("Join by " + who, () -> {
                String open = Rules.joinRefusal(G, RULES, who.actor, NOW);
                String p = Rules.joinRefusal(G, priv, who.actor, NOW);
                String i = Rules.joinRefusal(G, invite, who.actor, NOW);
                switch (who) {
                    case BANNED -> {
                        assertThat(open).isEqualTo("you are banned from 'g'");
                        assertThat(p).isEqualTo(open);
                        assertThat(i).isEqualTo(open);
                    }
                    case ANONYMOUS, BOOK -> {
                        assertThat(open).isNull();
                        assertThat(p).isEqualTo("'g' is private; sign in to join");
                        assertThat(i).isEqualTo("'g' is invite-only");
                    }
                    case MUTED -> {
                        assertThat(open).isNull();
                        assertThat(p).isNull();
                        assertThat(i).isEqualTo("'g' is invite-only");
                    }
                    default -> { // owner, operator, admin; mia is the one invited
                        assertThat(open).isNull();
                        assertThat(p).isNull();
                        assertThat(i).isNull();
                    }
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    @DisplayName("Post by every requester, in an open and a moderated group")
    Stream<DynamicTest> posts() {
        GroupRules moderated = RULES.withModes(new Modes(false, true, false));
        List<DynamicTest> tests = new ArrayList<>();
        for (Who who : Who.values()) {
            tests.add(DynamicTest.dynamicTest("Post by " + who, () -> {
                String open = Rules.postRefusal(G, RULES, who.actor, true, NOW);
                String mod = Rules.postRefusal(G, moderated, who.actor, true, NOW);
                switch (who) {
                    case OWNER, OPERATOR, ADMIN -> {
                        assertThat(open).isNull();
                        assertThat(mod).isNull();
                    }
                    case MUTED -> {
                        assertThat(open).isEqualTo("you are muted in 'g'");
                        assertThat(mod).isEqualTo("you are muted in 'g'");
                    }
                    case BANNED -> assertThat(Rules.postRefusal(G, RULES, who.actor, false, NOW)).isEqualTo("you are banned from 'g'");
                    default -> {
                        assertThat(open).isNull();
                        assertThat(mod).isEqualTo("only operators post in 'g' (moderated)");
                    }
                }
            }));
        }
        return tests.stream();
    }

    @Test
    @DisplayName("a private group is seen by its members, operators, invited accounts and admins only")
    void visibility() {
        GroupRules priv = RULES.withModes(new Modes(false, false, true)).withInvite("tim");
        assertThat(Rules.visible(priv, Who.MEMBER.actor, false)).isFalse();
        assertThat(Rules.visible(priv, Who.ANONYMOUS.actor, false)).isFalse();
        assertThat(Rules.visible(priv, Who.BOOK.actor, false)).isFalse();
        assertThat(Rules.visible(priv, Who.MEMBER.actor, true)).isTrue();
        assertThat(Rules.visible(priv, Who.OPERATOR.actor, false)).isTrue();
        assertThat(Rules.visible(priv, Who.ADMIN.actor, false)).isTrue();
        assertThat(Rules.visible(priv, Actor.account("tim"), false)).isTrue();
        assertThat(Rules.visible(RULES, Who.BOOK.actor, false)).isTrue();
    }

    @Test
    @DisplayName("creating groups with --groups-need-owner, and Suspend: admins only, accounts only, never an admin")
    void serverWide() {
        assertThat(Rules.createRefusal(Who.ANONYMOUS.actor, true)).isEqualTo("only an account can create groups (--groups-need-owner)");
        assertThat(Rules.createRefusal(Who.BOOK.actor, true)).isNotNull();
        assertThat(Rules.createRefusal(Who.MEMBER.actor, true)).isNull();
        assertThat(Rules.createRefusal(Who.BOOK.actor, false)).isNull();
        for (Who who : Who.values()) {
            String r = Rules.suspendRefusal(who.actor, "tim", NAMES);
            if (who == Who.ADMIN) assertThat(r).isNull();
            else assertThat(r).isEqualTo("only a server admin can suspend or unsuspend an account");
        }
        assertThat(Rules.suspendRefusal(Who.ADMIN.actor, "ghost", NAMES)).isEqualTo("no account named 'ghost'");
        assertThat(Rules.suspendRefusal(Who.ADMIN.actor, "ada", NAMES)).isEqualTo("cannot suspend a server admin");
        assertThat(Rules.suspended("bob", 1_765_000_000_000L)).isEqualTo("account 'bob' is suspended until 2025-12-06T05:46:40Z");
    }
}
