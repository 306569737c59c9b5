package parley.client;

import parley.protocol.FromClient;

/** What one line of user input means. */
public sealed interface Command {

    /** A request to send to the server. */
    record Send(FromClient request) implements Command {}

    /**
     * {@code login NAME} or {@code register NAME}: the password is read next, without echo on a
     * terminal, so it never sits in the command line or its history.
     */
    record SignIn(String name, boolean register) implements Command {}

    /** Nothing to do (a blank line). */
    record Blank() implements Command {}

    /** Not a command; {@code hint} says what would have been. */
    record Invalid(String hint) implements Command {}
}
