package parley.hostile;

import java.net.InetSocketAddress;

/**
 * The server under attack: its chat address, its HTTP address (null when it has none), its process
 * id (-1 when unknown: no RSS figures then), and the token a well-behaved member signs in with
 * (null when the server takes no tokens).
 */
record Target(InetSocketAddress chat, InetSocketAddress http, long pid, String memberToken) {

    boolean alive() {
        return pid <= 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
