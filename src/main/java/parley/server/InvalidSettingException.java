package parley.server;

/**
 * A setting whose value the server refuses to start with. Carries the setting's name (as in the
 * config file: {@code group-capacity}) so the command can say where the bad value came from.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String setting;

    public InvalidSettingException(String setting, String message) {
        super(message);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
