package dev.kona.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path root;

    private static final float EPS = 1e-6f;

    private void png(String cls, String name, BufferedImage img) throws IOException {
        write(cls, name, img, "png");
    }

    private void write(String cls, String name, BufferedImage img, String format) throws IOException {
        Path file = root.resolve(cls).resolve(name);
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, format, file.toFile()), "no writer for " + format);
    }

    /** 2x2 RGB: red, (0, 128, 255) / white, black. */
    private static BufferedImage rgb() {
        var img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xFF0000);
        img.setRGB(1, 0, 0x0080FF);
        img.setRGB(0, 1, 0xFFFFFF);
        img.setRGB(1, 1, 0x000000);
        return img;
    }

    private static BufferedImage grey(int value) {
        var img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) img.getRaster().setSample(x, y, 0, value);
        return img;
    }

    @Test
    void listsClassesInSortedOrderAndDecodesPixelsExactly() throws IOException {
        png("dog", "b.png", rgb());
        png("dog", "a.png", grey(128));
        png("cat", "x.PNG", grey(7));
        png("ant", "sub/deep.png", grey(0));
        Files.writeString(root.resolve("cat").resolve("notes.txt"), "not an image");
        Files.createDirectories(root.resolve(".hidden"));

        var ds = ImageFolder.of(root);
        assertEquals(List.of("ant", "cat", "dog"), ds.classes());
        assertEquals(4, ds.size());
        assertEquals(List.of(0, 1, 2, 2), List.of(ds.label(0), ds.label(1), ds.label(2), ds.label(3)));
        assertTrue(ds.files().get(2).endsWith("a.png"), "files sorted within a class");

        Example grey = ds.get(2);
        assertEquals(DType.FLOAT32, grey.x().dtype());
        assertArrayEquals(new int[] {3, 2, 2}, grey.x().shape());
        for (float v : grey.x().toFloatArray()) assertEquals(128 / 255f, v, EPS, "grey keeps its value in every channel");
        assertEquals(2, grey.y().itemLong());
        assertEquals(DType.INT64, grey.y().dtype());
        assertArrayEquals(new int[0], grey.y().shape());

        float[] x = ds.get(3).x().toFloatArray(); // planes R, G, B of [[red, (0,128,255)], [white, black]]
        assertArrayEquals(new float[] {1, 0, 1, 0}, java.util.Arrays.copyOfRange(x, 0, 4), EPS);
        assertArrayEquals(new float[] {0, 128 / 255f, 1, 0}, java.util.Arrays.copyOfRange(x, 4, 8), EPS);
        assertArrayEquals(new float[] {0, 1, 1, 0}, java.util.Arrays.copyOfRange(x, 8, 12), EPS);
    }

    @Test
    void grayscaleChannelsLastAndOtherPixelFormats() throws IOException {
        png("a", "rgb.png", rgb());
        var argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80FF8000);
        png("a", "rgba.png", argb);
        var palette = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_INDEXED);
        palette.setRGB(0, 0, 0x00FF00);
        png("a", "s-palette.png", palette);
        var deep = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSample(0, 0, 0, 32768);
        png("a", "t-deep.png", deep);

        var ds = ImageFolder.of(root);
        float[] g = ds.grayscale().get(0).x().toFloatArray();
        assertArrayEquals(new int[] {1, 2, 2}, ds.grayscale().get(0).x().shape());
        assertEquals(0.299f, g[0], 1e-5);
        assertEquals(0.587f * 128 / 255 + 0.114f, g[1], 1e-5);

        Tensor hwc = ds.channelsLast().get(0).x();
        assertArrayEquals(new int[] {2, 2, 3}, hwc.shape());
        assertArrayEquals(new float[] {1, 0, 0, 0, 128 / 255f, 1}, java.util.Arrays.copyOfRange(hwc.toFloatArray(), 0, 6), EPS);

        assertArrayEquals(new float[] {1, 128 / 255f, 0}, ds.get(1).x().toFloatArray(), EPS, "alpha dropped");
        assertArrayEquals(new float[] {0, 1, 0}, ds.get(2).x().toFloatArray(), EPS, "palette colours");
        assertEquals(32768 / 65535f, ds.get(3).x().toFloatArray()[0], EPS, "16-bit grey");
    }

    @Test
    void jpegDecodesApproximately() throws IOException {
        var img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img.setRGB(x, y, 0x3366CC);
        write("blue", "photo.jpg", img, "jpg");
        float[] x = ImageFolder.of(root).get(0).x().toFloatArray();
        assertEquals(0x33 / 255f, x[0], 0.03);
        assertEquals(0x66 / 255f, x[64], 0.03);
        assertEquals(0xCC / 255f, x[128], 0.03);
    }

    @Test
    void resizeIsBilinearAndBatchesWithTheLoader() throws IOException {
        var ramp = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        ramp.getRaster().setSample(1, 0, 0, 255);
        png("r", "ramp.png", ramp);
        png("s", "big.png", new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB));
        var ds = ImageFolder.of(root).grayscale().resize(1, 4);
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, ds.get(0).x().toFloatArray(), EPS);

        var loader = new DataLoader<>(ImageFolder.of(root).resize(4, 4), 2);
        Example batch = loader.toList().get(0);
        assertArrayEquals(new int[] {2, 3, 4, 4}, batch.x().shape());
        assertArrayEquals(new long[] {0, 1}, batch.y().toLongArray());

        var e = assertThrows(IllegalArgumentException.class, () -> new DataLoader<>(ImageFolder.of(root), 2).toList());
        assertTrue(e.getMessage().contains("Collate.stack"), e.getMessage());
    }

    @Test
    void badFilesAndFoldersAreReported() throws IOException {
        Files.createDirectories(root.resolve("empty"));
        String m = assertThrows(DataException.class, () -> ImageFolder.of(root)).getMessage();
        assertTrue(m.contains("empty") && m.contains("no .png"), m);

        Path flat = root.resolve("flat");
        Files.createDirectories(flat);
        Files.delete(root.resolve("empty"));
        Files.write(root.resolve("flat").resolve("broken.png"), new byte[] {1, 2, 3, 4, 5});
        var ds = ImageFolder.of(root);
        m = assertThrows(DataException.class, () -> ds.get(0)).getMessage();
        assertTrue(m.contains("broken.png"), m);

        Path none = root.resolve("flat");
        m = assertThrows(DataException.class, () -> ImageFolder.of(none)).getMessage();
        assertTrue(m.contains("no class folders"), m);
        m = assertThrows(DataException.class, () -> ImageFolder.of(root.resolve("missing"))).getMessage();
        assertTrue(m.contains("not a folder"), m);
    }
}
