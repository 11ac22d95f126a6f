package dev.kona.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kona's own kernels (kernels.cu), compiled by NVRTC for the device's architecture when a CUDA
 * backend is first created, and cached on disk by source hash and architecture (compiling takes
 * seconds; loading a cached image, milliseconds). The cache folder is {@code ~/.kona/cuda-cache}, or
 * {@code -Dkona.cudaCache=DIR}.
 */
final class CudaKernels {
    private static final String SOURCE = readSource();

    private final CudaModule module;
    private final ConcurrentHashMap<String, CudaFunction> functions = new ConcurrentHashMap<>();

    CudaKernels(CudaContext ctx) {
        String arch = "sm_" + ctx.computeCapabilityMajor() + ctx.computeCapabilityMinor();
        List<String> options = List.of("--gpu-architecture=" + arch, "--std=c++17", "-DNDEBUG");
        byte[] image = cachedImage(ctx, arch, options);
        ctx.makeCurrent();
        this.module = ctx.loadModule(image);
    }

    CudaFunction get(String name) {
        CudaFunction f = functions.get(name);
        if (f == null) {
            f = module.function(name);
            functions.put(name, f);
        }
        return f;
    }

    private static byte[] cachedImage(CudaContext ctx, String arch, List<String> options) {
        int[] v = ctx.nvrtc().version();
        String key = hash(SOURCE + "\n" + options + "\nnvrtc " + v[0] + "." + v[1]);
        Path dir = Path.of(System.getProperty("kona.cudaCache", System.getProperty("user.home") + "/.kona/cuda-cache"));
        Path file = dir.resolve("kernels-" + arch + "-" + key.substring(0, 16) + ".bin");
        try {
            if (Files.isRegularFile(file)) return Files.readAllBytes(file);
        } catch (IOException e) {
            // an unreadable cache entry is recompiled below
        }
        byte[] image = ctx.nvrtc().compile("kona-kernels.cu", SOURCE, options);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "kernels", ".tmp");
            Files.write(tmp, image);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            // caching is an optimisation: a read-only home still runs
        }
        return image;
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readSource() {
        try (InputStream in = CudaKernels.class.getResourceAsStream("kernels.cu")) {
            if (in == null) throw new IllegalStateException("kona-cuda: resource dev/kona/cuda/kernels.cu is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
