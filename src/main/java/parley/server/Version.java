package parley.server;

/** The version this server reports (in {@code Welcome} and its start-up log line). */
public final class Version {
    private Version() {}

    /** The version from the jar manifest, or "dev" when run from classes. */
    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
