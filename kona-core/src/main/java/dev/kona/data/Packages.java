package dev.kona.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a package manager's client (npm, apt-get, dpkg-deb) in a folder. Only those clients reach the
 * network, through the registries they are configured with; Kona contacts no host itself.
 */
final class Packages {
    private Packages() {}

    private static final long TIMEOUT_MINUTES = 10;

    /** Thrown with a message fit for the user: what ran, and what went wrong. */
    static final class ToolException extends Exception {
        ToolException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Runs {@code command} in {@code dir}; returns normally only when it exits with status 0. */
    static void run(Path dir, List<String> command) throws ToolException {
        String shown = String.join(" ", command);
        Path log = dir.resolve(".kona-command.log");
        Process p;
        try {
            p = new ProcessBuilder(executable(command)).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice())).start();
        } catch (IOException e) {
            throw new ToolException("`" + shown + "` could not start (" + command.get(0) + " is not on the PATH?): " + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new ToolException("`" + shown + "` did not finish in " + TIMEOUT_MINUTES + " minutes", null);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted while waiting for `" + shown + "`", e);
        }
        if (p.exitValue() != 0) {
            throw new ToolException("`" + shown + "` failed with exit status " + p.exitValue() + ": " + tail(log), null);
        }
    }

    private static List<String> executable(List<String> command) {
        boolean windows = System.getProperty("os.name", "").startsWith("Windows");
        if (windows && command.get(0).equals("npm")) {
            var c = new java.util.ArrayList<>(command);
            c.set(0, "npm.cmd");
            return c;
        }
        return command;
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** The last lines the command printed, on one line. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - 8), lines.size());
            String s = String.join(" | ", last.stream().map(String::strip).filter(l -> !l.isEmpty()).toList());
            return s.isEmpty() ? "(no output)" : s;
        } catch (IOException e) {
            return "(no output)";
        }
    }

    /** Whether {@code program} can be found on the PATH (for messages and tests). */
    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            for (String name : List.of(program, program + ".cmd", program + ".exe")) {
                if (Files.isExecutable(Path.of(dir, name))) return true;
            }
        }
        return false;
    }
}
