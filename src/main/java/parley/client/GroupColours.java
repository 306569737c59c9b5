package parley.client;

import java.nio.charset.StandardCharsets;
import org.jline.utils.AttributedStyle;

/**
 * A colour per group for the terminal: a stable hash of the group's name picks one of a small
 * ANSI palette, so a group has the same colour in every session and on every machine. Red is
 * left out: it means an error.
 */
final class GroupColours {
    /** ANSI colour indexes (0-15), as {@link AttributedStyle#foreground(int)} takes them. */
    static final int[] PALETTE = {
            AttributedStyle.GREEN, AttributedStyle.YELLOW, AttributedStyle.BLUE, AttributedStyle.MAGENTA,
            AttributedStyle.CYAN,
            AttributedStyle.BRIGHT + AttributedStyle.GREEN, AttributedStyle.BRIGHT + AttributedStyle.YELLOW,
            AttributedStyle.BRIGHT + AttributedStyle.BLUE, AttributedStyle.BRIGHT + AttributedStyle.MAGENTA,
            AttributedStyle.BRIGHT + AttributedStyle.CYAN,
    };

    private GroupColours() {}

    /** The group's colour: an index into the ANSI palette. */
    static int of(String group) {
        return PALETTE[Integer.remainderUnsigned(fnv1a(group), PALETTE.length)];
    }

    /** 32-bit FNV-1a over the UTF-8 bytes: fixed by definition, and it spreads short similar names. */
    static int fnv1a(String s) {
        int h = 0x811c9dc5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return h;
    }
}
