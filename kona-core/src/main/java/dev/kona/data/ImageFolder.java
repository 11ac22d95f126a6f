package dev.kona.data;

import dev.kona.Tensor;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * A folder of PNG and JPEG images, one sub-folder per class, as torchvision's {@code ImageFolder}:
 * {@code root/<class>/**.png} (or {@code .jpg}, {@code .jpeg}).
 *
 * <pre>{@code
 * ImageFolder flowers = ImageFolder.of(Path.of("flowers")).resize(64, 64);
 * flowers.classes();          // [daisy, rose, tulip]: sorted folder names
 * Example e = flowers.get(0); // x: float32 [3, 64, 64] in [0, 1], y: int64 0-d class index
 * var loader = new DataLoader<>(flowers, 32, true).withWorkers(2);
 * }</pre>
 *
 * <p>Class {@code i} is the i-th class folder in sorted name order; files are listed recursively
 * in sorted path order, hidden files skipped. Images are decoded when {@link #get} asks for them
 * (decoding is thread-safe, so parallel workers help). Pixels become float32 values in [0, 1]:
 * <ul>
 *   <li>layout {@code [C, H, W]} (PyTorch's) by default, {@code [H, W, C]} (Keras's) after
 *       {@link #channelsLast()};</li>
 *   <li>3 channels (RGB) by default: grey images are repeated, alpha is dropped;
 *       {@link #grayscale()} gives 1 channel, colour converted with {@code L = 0.299 R + 0.587 G + 0.114 B};</li>
 *   <li>{@link #resize} resamples bilinearly (pixel centres aligned, no antialiasing, as
 *       {@code interpolate(mode="bilinear", align_corners=False)}); without it, images keep their
 *       size and batching needs them all the same size.</li>
 * </ul>
 */
public final class ImageFolder implements IndexedDataset<Example> {
    private final Path root;
    private final List<String> classes;
    private final List<Path> files;
    private final int[] labels;
    private final int channels;
    private final boolean channelsFirst;
    private final int height;
    private final int width;

    private ImageFolder(Path root, List<String> classes, List<Path> files, int[] labels, int channels,
                        boolean channelsFirst, int height, int width) {
        this.root = root;
        this.classes = classes;
        this.files = files;
        this.labels = labels;
        this.channels = channels;
        this.channelsFirst = channelsFirst;
        this.height = height;
        this.width = width;
    }

    /** Lists {@code root/<class>/...} images: RGB, [C, H, W], original size. */
    public static ImageFolder of(Path root) {
        if (!Files.isDirectory(root)) throw new DataException("ImageFolder: " + root + " is not a folder");
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .sorted().forEach(classes::add);
        } catch (IOException e) {
            throw new UncheckedIOException("ImageFolder: cannot list " + root + ": " + e.getMessage(), e);
        }
        if (classes.isEmpty()) throw new DataException("ImageFolder: " + root + " has no class folders (expected root/<class>/<image>.png)");
        for (int c = 0; c < classes.size(); c++) {
            Path dir = root.resolve(classes.get(c));
            List<Path> images;
            try (Stream<Path> walk = Files.walk(dir)) {
                images = walk.filter(Files::isRegularFile).filter(ImageFolder::isImage).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException("ImageFolder: cannot list " + dir + ": " + e.getMessage(), e);
            }
            if (images.isEmpty()) throw new DataException("ImageFolder: class folder " + dir + " has no .png, .jpg or .jpeg file");
            for (Path p : images) {
                files.add(p);
                labels.add(c);
            }
        }
        return new ImageFolder(root, List.copyOf(classes), List.copyOf(files),
                labels.stream().mapToInt(Integer::intValue).toArray(), 3, true, 0, 0);
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && (lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg"));
    }

    /** The same images resized to {@code height x width}. */
    public ImageFolder resize(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("ImageFolder.resize: sizes must be positive, got " + height + "x" + width);
        }
        return new ImageFolder(root, classes, files, labels, channels, channelsFirst, height, width);
    }

    /** The same images with one grey channel. */
    public ImageFolder grayscale() {
        return new ImageFolder(root, classes, files, labels, 1, channelsFirst, height, width);
    }

    /** The same images laid out [H, W, C]. */
    public ImageFolder channelsLast() {
        return new ImageFolder(root, classes, files, labels, channels, false, height, width);
    }

    /** Class names in index order. */
    public List<String> classes() {
        return classes;
    }

    /** The image files, in index order. */
    public List<Path> files() {
        return files;
    }

    /** The class index of image {@code index}, without decoding it. */
    public int label(int index) {
        return labels[Objects.checkIndex(index, labels.length)];
    }

    @Override
    public int size() {
        return files.size();
    }

    /** Decodes image {@code index}: x float32 [C, H, W] (or [H, W, C]) in [0, 1], y its class as a 0-d int64. */
    @Override
    public Example get(int index) {
        Path file = files.get(Objects.checkIndex(index, files.size()));
        return new Example(image(file), Tensor.of(new long[] {labels[index]}, new int[0]));
    }

    private Tensor image(Path file) {
        BufferedImage img;
        try {
            byte[] bytes = Files.readAllBytes(file);
            img = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException | RuntimeException e) {
            throw new DataException(file + ": cannot decode the image: " + e.getMessage(), e);
        }
        if (img == null) throw new DataException(file + ": not a PNG or JPEG image that ImageIO can decode");
        int h = img.getHeight(), w = img.getWidth();
        float[] planes = planes(img, channels);
        if (height > 0 && (height != h || width != w)) {
            planes = resizeBilinear(planes, channels, h, w, height, width);
            h = height;
            w = width;
        }
        if (channelsFirst) return Tensor.of(planes, channels, h, w);
        float[] hwc = new float[planes.length];
        int hw = h * w;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < hw; i++) hwc[i * channels + c] = planes[c * hw + i];
        }
        return Tensor.of(hwc, h, w, channels);
    }

    /** The pixels as {@code channels} planes of floats in [0, 1]. */
    static float[] planes(BufferedImage img, int channels) {
        int h = img.getHeight(), w = img.getWidth(), hw = h * w;
        Raster raster = img.getRaster();
        var cm = img.getColorModel();
        int srcChannels;
        float[] src;
        // Component and packed sRGB/grey images: read the samples as stored. getRGB would push grey
        // through a colour conversion that changes its values, so it is kept for palettes and the rest.
        boolean direct = (cm instanceof ComponentColorModel || cm instanceof DirectColorModel)
                && (cm.getColorSpace().isCS_sRGB() || cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY)
                && raster.getNumBands() >= cm.getNumColorComponents();
        if (direct) {
            srcChannels = cm.getNumColorComponents();
            src = new float[srcChannels * hw];
            float[] band = new float[hw];
            for (int c = 0; c < srcChannels; c++) {
                raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, c, band);
                float scale = 1f / ((1L << cm.getComponentSize(c)) - 1);
                for (int i = 0; i < hw; i++) src[c * hw + i] = band[i] * scale;
            }
        } else {
            srcChannels = 3;
            src = new float[3 * hw];
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < hw; i++) {
                src[i] = ((argb[i] >> 16) & 0xFF) / 255f;
                src[hw + i] = ((argb[i] >> 8) & 0xFF) / 255f;
                src[2 * hw + i] = (argb[i] & 0xFF) / 255f;
            }
        }
        if (srcChannels == channels) return src;
        float[] out = new float[channels * hw];
        if (channels == 3) {
            for (int c = 0; c < 3; c++) System.arraycopy(src, 0, out, c * hw, hw);
        } else {
            for (int i = 0; i < hw; i++) out[i] = 0.299f * src[i] + 0.587f * src[hw + i] + 0.114f * src[2 * hw + i];
        }
        return out;
    }

    /** Bilinear resampling of each plane, pixel centres aligned (align_corners=False), edges clamped. */
    static float[] resizeBilinear(float[] in, int channels, int h, int w, int oh, int ow) {
        float[] out = new float[channels * oh * ow];
        float sy = (float) h / oh, sx = (float) w / ow;
        int[] x0 = new int[ow], x1 = new int[ow];
        float[] fx = new float[ow];
        for (int x = 0; x < ow; x++) {
            float src = Math.max(0, (x + 0.5f) * sx - 0.5f);
            x0[x] = Math.min((int) src, w - 1);
            x1[x] = Math.min(x0[x] + 1, w - 1);
            fx[x] = src - x0[x];
        }
        for (int c = 0; c < channels; c++) {
            int base = c * h * w, obase = c * oh * ow;
            for (int y = 0; y < oh; y++) {
                float src = Math.max(0, (y + 0.5f) * sy - 0.5f);
                int y0 = Math.min((int) src, h - 1), y1 = Math.min(y0 + 1, h - 1);
                float fy = src - y0;
                for (int x = 0; x < ow; x++) {
                    float top = in[base + y0 * w + x0[x]] * (1 - fx[x]) + in[base + y0 * w + x1[x]] * fx[x];
                    float bottom = in[base + y1 * w + x0[x]] * (1 - fx[x]) + in[base + y1 * w + x1[x]] * fx[x];
                    out[obase + y * ow + x] = top * (1 - fy) + bottom * fy;
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "ImageFolder[" + root + ", " + files.size() + " images, " + classes.size() + " classes, "
                + (channels == 1 ? "grey" : "RGB") + ", " + (channelsFirst ? "CHW" : "HWC")
                + (height > 0 ? ", resized to " + height + "x" + width : "") + "]";
    }
}
