package parley.http;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is taken care of: the server routes java.util.logging into its own
 * one-line format (parley.log.JulBridge). Without a provider Helidon prints a stray line,
 * "There is no Helidon logging implementation on classpath", straight to standard error.
 * Registered in META-INF/services; it configures nothing.
 */
public final class HelidonLogging implements LoggingProvider {
    @Override
    public void initialization() {
        // JulBridge.install() has done, or will do, what is needed
    }

    @Override
    public void runTime() {
        // nothing to reconfigure: Parley is not a native image
    }
}
