/**
 * The {@code parley} command and the wiring of a server: {@link parley.cli.Main} and its
 * subcommands' entry, {@link parley.cli.ServerCommand} (every server option, declared once in
 * {@link parley.cli.ServerOption}, read from flags, a config file and the environment by
 * {@link parley.cli.ServerDefaults}, validated into a {@link parley.server.ServerConfig}), the
 * choice of bus, transports and HTTP routes, made once at start-up, and the signal handling that
 * drains the server on SIGTERM.
 *
 * <p>Must not know: nothing; but nothing else may know it: it is the top of the graph.
 */
package parley.cli;
