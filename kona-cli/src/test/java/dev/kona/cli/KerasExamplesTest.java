package dev.kona.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Keras-style examples: linreg runs here; mnist (a minute of training) is run by hand with ./kona example mnist. */
class KerasExamplesTest {

    @Test
    void linregPrintsAPredictionNearEight() {
        PrintStream old = System.out;
        var buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            Main.EXAMPLES.get("linreg").accept(new String[0]);
        } finally {
            System.setOut(old);
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("prediction: 7\\.9\\d{3}"), last);
    }

    @Test
    void mnistIsRegistered() {
        assertTrue(Main.EXAMPLES.containsKey("mnist"));
    }
}
