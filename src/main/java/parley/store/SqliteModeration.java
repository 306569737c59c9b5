package parley.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.sqlite.SQLiteConfig;
import parley.moderation.GroupRules;
import parley.moderation.Modes;
import parley.moderation.ModerationRecords;
import parley.moderation.Restriction;
import parley.moderation.Topic;

/**
 * The moderation tables ({@code group_rules}, {@code group_entries}, {@code account_flags}), on a
 * connection of their own as the accounts are: changes are rare and small, so they do not queue
 * behind the writer's batches. A group's rules are rewritten whole in one transaction. One
 * connection, used under this object's lock.
 */
final class SqliteModeration implements ModerationRecords, AutoCloseable {
    private static final String OPERATOR = "operator", BAN = "ban", MUTE = "mute", INVITE = "invite";
    private final Connection db;

    SqliteModeration(Path file) throws SQLException {
        SQLiteConfig c = new SQLiteConfig();
        c.setBusyTimeout(5000);
        db = c.createConnection("jdbc:sqlite:" + file);
    }

    @Override
    public synchronized Map<String, GroupRules> groups() {
        try {
            Map<String, GroupRules> out = new HashMap<>();
            try (PreparedStatement s = db.prepareStatement("SELECT name, owner, topic, topic_by, topic_ts, invite_only,"
                    + " moderated, private FROM group_rules"); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Topic topic = r.getString(3) == null ? null : new Topic(r.getString(3), r.getString(4), r.getLong(5));
                    out.put(r.getString(1), new GroupRules(r.getString(2), Set.of(), topic,
                            new Modes(r.getInt(6) != 0, r.getInt(7) != 0, r.getInt(8) != 0), Map.of(), Map.of(), Set.of()));
                }
            }
            Map<String, Entries> entries = entries();
            entries.forEach((name, e) -> out.merge(name, e.into(GroupRules.OPEN), (have, none) -> e.into(have)));
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read the moderation records: " + e.getMessage(), e);
        }
    }

    /** A group's operators, bans, mutes and invites, as read. */
    private record Entries(Set<String> operators, Map<String, Restriction> bans, Map<String, Restriction> mutes,
                           Set<String> invites) {
        GroupRules into(GroupRules r) {
            return new GroupRules(r.owner(), operators, r.topic(), r.modes(), bans, mutes, invites);
        }
    }

    private Map<String, Entries> entries() throws SQLException {
        Map<String, Entries> out = new HashMap<>();
        try (PreparedStatement s = db.prepareStatement("SELECT name, kind, account, by, reason, until FROM group_entries");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                Entries e = out.computeIfAbsent(r.getString(1),
                        k -> new Entries(new HashSet<>(), new HashMap<>(), new HashMap<>(), new HashSet<>()));
                String account = r.getString(3);
                Restriction restriction = new Restriction(r.getString(4), r.getString(5), r.getLong(6));
                switch (r.getString(2)) {
                    case OPERATOR -> e.operators().add(account);
                    case BAN -> e.bans().put(account, restriction);
                    case MUTE -> e.mutes().put(account, restriction);
                    case INVITE -> e.invites().add(account);
                    default -> { } // a later Parley's kind: not this one's to act on
                }
            }
        }
        return out;
    }

    @Override
    public synchronized void save(String group, GroupRules rules) {
        try {
            db.setAutoCommit(false);
            try {
                delete("DELETE FROM group_rules WHERE name = ?", group);
                delete("DELETE FROM group_entries WHERE name = ?", group);
                if (!rules.open()) insert(group, rules);
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot keep the rules of '" + group + "': " + e.getMessage(), e);
        }
    }

    private void delete(String sql, String group) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            s.setString(1, group);
            s.executeUpdate();
        }
    }

    private void insert(String group, GroupRules rules) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("INSERT INTO group_rules(name, owner, topic, topic_by, topic_ts,"
                + " invite_only, moderated, private) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            Topic t = rules.topic();
            s.setString(1, group);
            s.setString(2, rules.owner());
            s.setString(3, t == null ? null : t.text());
            s.setString(4, t == null ? null : t.by());
            s.setLong(5, t == null ? 0 : t.ts());
            s.setInt(6, rules.modes().inviteOnly() ? 1 : 0);
            s.setInt(7, rules.modes().moderated() ? 1 : 0);
            s.setInt(8, rules.modes().privateGroup() ? 1 : 0);
            s.executeUpdate();
        }
        try (PreparedStatement s = db.prepareStatement("INSERT INTO group_entries(name, kind, account, by, reason, until)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
            for (String op : rules.operators()) entry(s, group, OPERATOR, op, null);
            for (var b : rules.bans().entrySet()) entry(s, group, BAN, b.getKey(), b.getValue());
            for (var m : rules.mutes().entrySet()) entry(s, group, MUTE, m.getKey(), m.getValue());
            for (String i : rules.invites()) entry(s, group, INVITE, i, null);
            s.executeBatch();
        }
    }

    private static void entry(PreparedStatement s, String group, String kind, String account, Restriction r)
            throws SQLException {
        s.setString(1, group);
        s.setString(2, kind);
        s.setString(3, account);
        s.setString(4, r == null ? null : r.by());
        s.setString(5, r == null ? null : r.reason());
        s.setLong(6, r == null ? 0 : r.until());
        s.addBatch();
    }

    @Override
    public synchronized Set<String> admins() {
        Set<String> out = new HashSet<>();
        try (PreparedStatement s = db.prepareStatement("SELECT name FROM account_flags WHERE admin != 0");
             ResultSet r = s.executeQuery()) {
            while (r.next()) out.add(r.getString(1));
        } catch (SQLException e) {
            throw new StoreException("cannot read the admins: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public synchronized void setAdmin(String name, boolean admin) {
        flag(name, "INSERT INTO account_flags(name, admin, suspended_until) VALUES (?, ?, 0)"
                + " ON CONFLICT(name) DO UPDATE SET admin = excluded.admin", admin ? 1 : 0);
    }

    @Override
    public synchronized Map<String, Long> suspensions() {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement s = db.prepareStatement("SELECT name, suspended_until FROM account_flags WHERE suspended_until > 0");
             ResultSet r = s.executeQuery()) {
            while (r.next()) out.put(r.getString(1), r.getLong(2));
        } catch (SQLException e) {
            throw new StoreException("cannot read the suspensions: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public synchronized void suspend(String name, long until) {
        flag(name, "INSERT INTO account_flags(name, admin, suspended_until) VALUES (?, 0, ?)"
                + " ON CONFLICT(name) DO UPDATE SET suspended_until = excluded.suspended_until", until);
    }

    private void flag(String name, String sql, long value) {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            s.setString(1, name);
            s.setLong(2, value);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot keep a flag of account '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing
        }
    }
}
