package dev.kona.cuda;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds and loads the CUDA shared libraries (driver, NVRTC, cuBLAS) without relying on the loader
 * path alone: CUDA often lives in a toolkit folder or in the {@code nvidia-*} Python wheels that
 * PyTorch installs, neither of which is on the loader path.
 */
final class NativeLibraries {
    private NativeLibraries() {}

    static final Linker LINKER = Linker.nativeLinker();

    private static final MethodHandle FAIL;

    static {
        try {
            FAIL = MethodHandles.lookup().findStatic(NativeLibraries.class, "fail",
                    MethodType.methodType(Object.class, String.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A loaded library, or the reason it could not be loaded. Handles made from a library that did
     * not load, or for a symbol it lacks, throw {@link CudaException} when called, so a missing
     * optional entry point fails only when used.
     */
    record Library(String what, SymbolLookup lookup, CudaException failure) {
        static Library tryLoad(String what, List<String> fileNames, List<String> companions, boolean loaderFirst) {
            try {
                return new Library(what, load(what, fileNames, companions, loaderFirst), null);
            } catch (CudaException e) {
                return new Library(what, null, e);
            }
        }

        boolean loaded() {
            return lookup != null;
        }

        /** Throws the load failure (a fresh exception, so the stack trace shows the caller). */
        void require() {
            if (failure != null) throw new CudaException(failure.getMessage(), failure);
        }

        MethodHandle downcall(String symbol, FunctionDescriptor descriptor) {
            return downcallFirst(descriptor, symbol);
        }

        /** The first of {@code symbols} the library exports (e.g. a {@code _v2} entry point, then the old one). */
        MethodHandle downcallFirst(FunctionDescriptor descriptor, String... symbols) {
            MethodType type = descriptor.toMethodType();
            if (lookup == null) return thrower(failure.getMessage(), type);
            for (String symbol : symbols) {
                var address = lookup.find(symbol);
                if (address.isPresent()) return LINKER.downcallHandle(address.get(), descriptor);
            }
            return thrower(what + ": symbol " + String.join(" / ", symbols)
                    + " not found in the loaded library (is it too old?)", type);
        }
    }

    /** {@link #load(String, List, List, boolean)} with no companions, folders searched first. */
    static SymbolLookup load(String what, List<String> fileNames) {
        return load(what, fileNames, List.of(), false);
    }

    /**
     * Loads the first existing file among {@code fileNames} (most wanted first) from the folders of
     * {@link #searchFolders}, then by name through the system loader ({@code loaderFirst} reverses
     * the two: right for the driver, which the loader normally knows). Before a found file, loads
     * from its folder each companion library, named by prefix such as {@code "libcublasLt"}, so
     * that the loader resolves it when the file asks for it. Libraries stay loaded for the life of
     * the process.
     */
    static SymbolLookup load(String what, List<String> fileNames, List<String> companions, boolean loaderFirst) {
        Path home = Path.of(System.getProperty("user.home", "/root"));
        return load(what, fileNames, companions, loaderFirst, searchFolders(System.getenv(), Path.of("/"), home));
    }

    static SymbolLookup load(String what, List<String> fileNames, List<String> companions, boolean loaderFirst,
                             List<Path> folders) {
        var failures = new ArrayList<String>();
        if (loaderFirst) {
            var bySoname = loadBySoname(fileNames);
            if (bySoname.isPresent()) return bySoname.get();
        }
        for (Path file : candidates(fileNames, folders)) {
            if (!isElf(file)) {
                failures.add(file + " (not an ELF shared library)");
                continue;
            }
            for (String companion : companions) loadCompanion(file, companion);
            try {
                return SymbolLookup.libraryLookup(file, Arena.global());
            } catch (RuntimeException e) {
                failures.add(file + " (" + e.getMessage() + ")");
            }
        }
        if (!loaderFirst) {
            var bySoname = loadBySoname(fileNames);
            if (bySoname.isPresent()) return bySoname.get();
        }
        throw new CudaException(notFoundMessage(what, fileNames, folders, failures));
    }

    static String notFoundMessage(String what, List<String> fileNames, List<Path> folders, List<String> failures) {
        var message = new StringBuilder(what).append(" not found: looked for ").append(fileNames)
                .append(" in ").append(folders).append(" and on the system loader path");
        if (!failures.isEmpty()) message.append("; found but could not load ").append(failures);
        return message.append("; set LD_LIBRARY_PATH or CUDA_HOME").toString();
    }

    /** Every existing file among {@code fileNames} in {@code folders}: folder order first, then name order. */
    static List<Path> candidates(List<String> fileNames, List<Path> folders) {
        var found = new ArrayList<Path>();
        for (Path folder : folders) {
            for (String name : fileNames) {
                Path file = folder.resolve(name);
                if (Files.isRegularFile(file)) found.add(file);
            }
        }
        return found;
    }

    /** The file {@link #load} would try first, if any. */
    static Optional<Path> find(List<String> fileNames, List<Path> folders) {
        return candidates(fileNames, folders).stream().findFirst();
    }

    /** Cheap check before dlopen: a text file (a linker script, a stray download) is not a library. */
    static boolean isElf(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<SymbolLookup> loadBySoname(List<String> fileNames) {
        for (String name : fileNames) {
            try {
                return Optional.of(SymbolLookup.libraryLookup(name, Arena.global()));
            } catch (RuntimeException e) {
                // not on the loader path under this name
            }
        }
        return Optional.empty();
    }

    /**
     * Loads {@code prefix + suffix} from {@code file}'s folder where the suffix is the file's own
     * (libcublas.so.13 asks for libcublasLt.so.13), else the newest {@code prefix.so*} there
     * (libnvrtc-builtins.so.13.0). Best effort: a failure here shows up when the file loads.
     */
    static Optional<Path> companionFile(Path file, String prefix) {
        Path folder = file.getParent();
        String name = file.getFileName().toString();
        int so = name.indexOf(".so");
        if (so >= 0) {
            Path same = folder.resolve(prefix + name.substring(so));
            if (Files.isRegularFile(same)) return Optional.of(same);
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix + ".so") && Files.isRegularFile(p))
                    .min(NEWEST_FIRST);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void loadCompanion(Path file, String prefix) {
        companionFile(file, prefix).filter(NativeLibraries::isElf).ifPresent(companion -> {
            try {
                SymbolLookup.libraryLookup(companion, Arena.global());
            } catch (RuntimeException e) {
                // the main library's own load reports what is missing
            }
        });
    }

    /**
     * The folders searched, in order: each entry of LD_LIBRARY_PATH; $CUDA_HOME (then $CUDA_PATH)
     * lib64 and targets/x86_64-linux/lib; the same under /usr/local/cuda, then /usr/local/cuda-*
     * newest first; the system folders; $CONDA_PREFIX/lib; then {@code nvidia/*}{@code /lib} and
     * {@code nvidia/*}{@code /*}{@code /lib} of every Python site-packages found. Only existing
     * folders are kept. {@code root} stands for {@code /} (tests pass a temporary folder).
     */
    static List<Path> searchFolders(Map<String, String> env, Path root, Path home) {
        var folders = new LinkedHashSet<Path>();
        for (String dir : pathList(env.get("LD_LIBRARY_PATH"))) folders.add(Path.of(dir));
        for (String variable : List.of("CUDA_HOME", "CUDA_PATH")) {
            String cudaHome = env.get(variable);
            if (cudaHome != null && !cudaHome.isBlank()) addToolkit(folders, Path.of(cudaHome));
        }
        Path usrLocal = root.resolve("usr/local");
        addToolkit(folders, usrLocal.resolve("cuda"));
        for (Path toolkit : children(usrLocal, "cuda-")) addToolkit(folders, toolkit);
        folders.add(root.resolve("usr/lib/x86_64-linux-gnu"));
        folders.add(root.resolve("usr/lib64"));
        folders.add(root.resolve("usr/local/nvidia/lib64"));
        folders.add(root.resolve("usr/local/nvidia/lib"));
        String conda = env.get("CONDA_PREFIX");
        if (conda != null && !conda.isBlank()) folders.add(Path.of(conda, "lib"));
        for (Path site : sitePackages(env, root, home)) {
            for (Path pkg : children(site.resolve("nvidia"), "")) {
                folders.add(pkg.resolve("lib"));
                for (Path sub : children(pkg, "")) folders.add(sub.resolve("lib"));
            }
        }
        return folders.stream().filter(Files::isDirectory).toList();
    }

    private static void addToolkit(LinkedHashSet<Path> folders, Path toolkit) {
        folders.add(toolkit.resolve("lib64"));
        folders.add(toolkit.resolve("targets/x86_64-linux/lib"));
    }

    /** Python package folders: $PYTHONPATH, virtual environments, system and user installs. */
    static List<Path> sitePackages(Map<String, String> env, Path root, Path home) {
        var sites = new LinkedHashSet<Path>();
        for (String dir : pathList(env.get("PYTHONPATH"))) sites.add(Path.of(dir));
        String venv = env.get("VIRTUAL_ENV");
        if (venv != null && !venv.isBlank()) {
            for (Path python : children(Path.of(venv, "lib"), "python3")) sites.add(python.resolve("site-packages"));
        }
        for (Path opt : children(root.resolve("opt"), "")) {
            for (Path python : children(opt.resolve(".venv/lib"), "python3")) sites.add(python.resolve("site-packages"));
        }
        for (Path python : children(root.resolve("usr/local/lib"), "python3")) {
            sites.add(python.resolve("dist-packages"));
            sites.add(python.resolve("site-packages"));
        }
        sites.add(root.resolve("usr/lib/python3/dist-packages"));
        for (Path python : children(home.resolve(".local/lib"), "python3")) sites.add(python.resolve("site-packages"));
        for (Path version : children(home.resolve(".pyenv/versions"), "")) {
            for (Path python : children(version.resolve("lib"), "python3")) sites.add(python.resolve("site-packages"));
        }
        return sites.stream().filter(Files::isDirectory).toList();
    }

    private static List<String> pathList(String value) {
        if (value == null || value.isBlank()) return List.of();
        return Stream.of(value.split(":")).filter(s -> !s.isBlank()).toList();
    }

    /** Sub-folders of {@code dir} whose name starts with {@code prefix}, newest version first. */
    static List<Path> children(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p))
                    .sorted(NEWEST_FIRST).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static final Pattern NUMBER = Pattern.compile("\\d+");

    /** Orders names by the numbers in them, highest first (cuda-12.10 before cuda-12.9), then by name. */
    static final Comparator<Path> NEWEST_FIRST = (a, b) -> {
        String x = a.getFileName().toString(), y = b.getFileName().toString();
        Matcher mx = NUMBER.matcher(x), my = NUMBER.matcher(y);
        while (true) {
            boolean hx = mx.find(), hy = my.find();
            if (!hx || !hy) {
                if (hx != hy) return hx ? -1 : 1;
                return x.compareTo(y);
            }
            int c = new java.math.BigInteger(my.group()).compareTo(new java.math.BigInteger(mx.group()));
            if (c != 0) return c;
        }
    };

    /** A handle of the given type that throws {@link CudaException} with {@code message} when called. */
    static MethodHandle thrower(String message, MethodType type) {
        MethodHandle fail = MethodHandles.insertArguments(FAIL, 0, message);
        return MethodHandles.dropArguments(fail, 0, type.parameterList()).asType(type);
    }

    @SuppressWarnings("unused") // called through FAIL
    private static Object fail(String message) {
        throw new CudaException(message);
    }

    /** For {@code catch (Throwable t)} around {@code invokeExact}: unchecked exceptions pass as they are. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new CudaException("native call failed: " + t, t);
    }
}
