package dev.kona.train;

/**
 * Where training output goes (System.out, read at each use so that a redirected stream is
 * honoured), and whether a progress line is open on a terminal: messages from callbacks first end
 * that line, as Keras's {@code "\n"}-prefixed messages do, without leaving blank lines in logs.
 */
final class Console {
    private Console() {}

    private static boolean lineOpen;

    /** True when System.out is an interactive terminal. */
    static boolean isTerminal() {
        var c = System.console();
        return c != null && c.isTerminal();
    }

    static synchronized void println(String message) {
        closeLine();
        System.out.println(message);
    }

    static synchronized void closeLine() {
        if (lineOpen) {
            System.out.println();
            lineOpen = false;
        }
    }

    static synchronized void setLineOpen(boolean open) {
        lineOpen = open;
    }
}
