package dev.kona.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class CharLmExampleTest {

    /** 50 steps (about 15 s on 2 cores) already take the loss well below chance, ln(84) = 4.43. */
    @Test
    void charLmLearnsWithinFiftySteps() {
        PrintStream old = System.out;
        var buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            Main.EXAMPLES.get("char-lm").accept(new String[] {"50"});
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("alphabet of 84"), out);
        String[] lines = out.strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("final training loss: "), last);
        double loss = Double.parseDouble(last.substring("final training loss: ".length()).split(" ")[0]);
        assertTrue(loss < 3.3, String.format(Locale.ROOT, "loss %.4f after 50 steps: %s", loss, out));
    }
}
