package dev.kona.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small tar reader, the package-manager runner and the cache folder setting. */
class TarAndPackagesTest {
    @TempDir
    Path dir;

    /** One tar entry: a 512-byte header (name, octal size, type, ustar magic, prefix), then the padded data. */
    private static void entry(ByteArrayOutputStream out, String name, String prefix, char type, byte[] data) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, Math.min(n.length, 100));
        byte[] size = String.format("%011o ", data.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, h, 124, 12);
        h[156] = (byte) type;
        System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(p, 0, h, 345, p.length);
        out.writeBytes(h);
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    @Test
    void tarReaderFindsNamedFilesThroughPrefixesAndPaxHeaders() throws IOException {
        var tar = new ByteArrayOutputStream();
        byte[] big = new byte[1300];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i % 251);
        entry(tar, "package/readme.md", "", '0', "hello".getBytes(StandardCharsets.UTF_8));
        entry(tar, "package/data", "", '5', new byte[0]);
        entry(tar, "train-labels", "package/data", '0', big);
        String longPath = "package/data/" + "x".repeat(120);
        String record = " path=" + longPath + "\n";
        int len = record.length() + 3; // the length field counts itself: 3 digits here
        entry(tar, "PaxHeader", "", 'x', (len + record).getBytes(StandardCharsets.UTF_8));
        entry(tar, "truncated-name", "", '0', new byte[] {42});
        tar.writeBytes(new byte[1024]);

        Map<String, byte[]> got = Tar.extract(new ByteArrayInputStream(tar.toByteArray()),
                Set.of("package/data/train-labels", longPath, "package/absent"));
        assertEquals(Set.of("package/data/train-labels", longPath), got.keySet());
        assertArrayEquals(big, got.get("package/data/train-labels"));
        assertArrayEquals(new byte[] {42}, got.get(longPath));
    }

    @Test
    void aMissingToolIsNamedInTheError() {
        var e = assertThrows(Packages.ToolException.class, () -> Packages.run(dir, List.of("kona-no-such-tool", "pack")));
        assertTrue(e.getMessage().contains("`kona-no-such-tool pack` could not start"), e.getMessage());
        assertTrue(e.getMessage().contains("not on the PATH"), e.getMessage());
    }

    @Test
    void aFailingToolReportsItsStatusAndOutput() throws Exception {
        assumeTrue(Packages.onPath("sh"), "no sh on the PATH");
        var e = assertThrows(Packages.ToolException.class,
                () -> Packages.run(dir, List.of("sh", "-c", "echo registry unreachable; exit 3")));
        assertTrue(e.getMessage().contains("exit status 3") && e.getMessage().contains("registry unreachable"), e.getMessage());
        Packages.run(dir, List.of("sh", "-c", "exit 0"));
    }

    @Test
    void theCacheFolderFollowsTheSystemProperty() {
        String old = System.getProperty(DatasetCache.PROPERTY);
        try {
            System.setProperty(DatasetCache.PROPERTY, dir.toString());
            assertEquals(dir, DatasetCache.root());
            System.clearProperty(DatasetCache.PROPERTY);
            String env = System.getenv(DatasetCache.ENV);
            Path expected = env != null && !env.isBlank() ? Path.of(env)
                    : Path.of(System.getProperty("user.home"), ".kona", "datasets");
            assertEquals(expected, DatasetCache.root());
        } finally {
            if (old != null) System.setProperty(DatasetCache.PROPERTY, old);
        }
    }
}
