package dev.kona.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibrariesTest {
    @TempDir
    Path tmp;

    private Path dir(String relative) throws IOException {
        return Files.createDirectories(tmp.resolve(relative));
    }

    private static void touch(Path folder, String... names) throws IOException {
        for (String name : names) Files.writeString(folder.resolve(name), "not a library");
    }

    @Test
    void foldersAreSearchedInTheDocumentedOrder() throws IOException {
        Path root = dir("root");
        Path home = dir("home");
        Path ld1 = dir("ld1");
        Path ld2 = dir("ld2");
        Path cudaHome = dir("cudahome");
        Path cudaHomeLib = dir("cudahome/lib64");
        Path cudaHomeTargets = dir("cudahome/targets/x86_64-linux/lib");
        Path usrLocalCuda = dir("root/usr/local/cuda/lib64");
        Path cuda129 = dir("root/usr/local/cuda-12.9/lib64");
        Path cuda1210 = dir("root/usr/local/cuda-12.10/targets/x86_64-linux/lib");
        Path cuda13 = dir("root/usr/local/cuda-13.0/lib64");
        Path system = dir("root/usr/lib/x86_64-linux-gnu");
        Path nvidiaLib = dir("root/usr/local/nvidia/lib64");
        Path pythonPath = dir("pp");
        Path ppCublas = dir("pp/nvidia/cublas/lib");
        Path venvCu13 = dir("root/opt/torch/.venv/lib/python3.12/site-packages/nvidia/cu13/lib");
        Path venvNested = dir("root/opt/torch/.venv/lib/python3.12/site-packages/nvidia/cuda/nvrtc/lib");
        Path distPackages = dir("root/usr/local/lib/python3.11/dist-packages/nvidia/cuda_nvrtc/lib");
        Path userSite = dir("home/.local/lib/python3.10/site-packages/nvidia/cudnn/lib");
        dir("root/usr/lib/python3/dist-packages");

        var env = Map.of(
                "LD_LIBRARY_PATH", ld1 + "::" + ld2 + ":" + tmp.resolve("missing"),
                "CUDA_HOME", cudaHome.toString(),
                "PYTHONPATH", pythonPath.toString());
        List<Path> folders = NativeLibraries.searchFolders(env, root, home);

        assertEquals(List.of(ld1, ld2, cudaHomeLib, cudaHomeTargets, usrLocalCuda, cuda13, cuda1210, cuda129, system,
                nvidiaLib, ppCublas, venvCu13, venvNested, distPackages, userSite), folders);
    }

    @Test
    void aFolderEarlierInTheOrderWinsAndWithinAFolderTheFirstName() throws IOException {
        Path first = dir("first");
        Path second = dir("second");
        touch(first, "libcublas.so.12");
        touch(second, "libcublas.so.13");
        var names = List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so");
        assertEquals(first.resolve("libcublas.so.12"), NativeLibraries.find(names, List.of(first, second)).orElseThrow());

        touch(first, "libcublas.so", "libcublas.so.13");
        assertEquals(first.resolve("libcublas.so.13"), NativeLibraries.find(names, List.of(first, second)).orElseThrow());
        assertEquals(List.of(first.resolve("libcublas.so.13"), first.resolve("libcublas.so.12"),
                first.resolve("libcublas.so"), second.resolve("libcublas.so.13")),
                NativeLibraries.candidates(names, List.of(first, second)));
    }

    @Test
    void missingLibraryNamesWhatWasSoughtAndWhere() throws IOException {
        Path empty = dir("empty");
        var names = List.of("libkonafake.so.9", "libkonafake.so");
        var e = assertThrows(CudaException.class,
                () -> NativeLibraries.load("Fake library", names, List.of(), false, List.of(empty)));
        String message = e.getMessage();
        assertTrue(message.startsWith("Fake library not found: looked for [libkonafake.so.9, libkonafake.so] in ["
                + empty + "]"), message);
        assertTrue(message.endsWith("set LD_LIBRARY_PATH or CUDA_HOME"), message);
    }

    @Test
    void aFileThatDoesNotLoadIsReported() throws IOException {
        Path folder = dir("broken");
        touch(folder, "libkonafake.so.9");
        var e = assertThrows(CudaException.class, () -> NativeLibraries.load("Fake library",
                List.of("libkonafake.so.9"), List.of("libkonafakeLt"), false, List.of(folder)));
        assertTrue(e.getMessage().contains("found but could not load [" + folder.resolve("libkonafake.so.9")),
                e.getMessage());
    }

    @Test
    void companionsComeFromTheSameFolderWithTheSameSuffixFirst() throws IOException {
        Path folder = dir("cu13");
        touch(folder, "libcublas.so.13", "libcublasLt.so.13", "libcublasLt.so.12", "libnvrtc.so.13",
                "libnvrtc-builtins.so.13.0", "libnvrtc-builtins.so");
        assertEquals(folder.resolve("libcublasLt.so.13"),
                NativeLibraries.companionFile(folder.resolve("libcublas.so.13"), "libcublasLt").orElseThrow());
        assertEquals(folder.resolve("libnvrtc-builtins.so.13.0"),
                NativeLibraries.companionFile(folder.resolve("libnvrtc.so.13"), "libnvrtc-builtins").orElseThrow());
        assertFalse(NativeLibraries.companionFile(folder.resolve("libnvrtc.so.13"), "libnothing").isPresent());
    }

    @Test
    void newestVersionFirst() throws IOException {
        var names = new ArrayList<>(List.of("cuda-12.9", "cuda-11.8", "cuda-12.10", "cuda-13.0", "python3.9",
                "python3.12"));
        var paths = new ArrayList<Path>();
        for (String n : names) paths.add(Path.of(n));
        paths.sort(NativeLibraries.NEWEST_FIRST);
        assertEquals(List.of(Path.of("cuda-13.0"), Path.of("cuda-12.10"), Path.of("cuda-12.9"), Path.of("cuda-11.8")),
                paths.subList(0, 4).stream().filter(p -> p.toString().startsWith("cuda")).toList());
        var pythons = paths.stream().filter(p -> p.toString().startsWith("python")).toList();
        assertEquals(List.of(Path.of("python3.12"), Path.of("python3.9")), pythons);
    }

    @Test
    void aMissingLibraryOrSymbolFailsOnlyWhenCalled() throws Throwable {
        var missing = NativeLibraries.Library.tryLoad("Fake library", List.of("libkonafake-nowhere.so.1"), List.of(),
                false);
        assertFalse(missing.loaded());
        MethodHandle handle = missing.downcall("fakeCall",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
        var e = assertThrows(CudaException.class, () -> {
            int ignored = (int) handle.invokeExact(1L, MemorySegment.NULL);
        });
        assertTrue(e.getMessage().startsWith("Fake library not found"), e.getMessage());
        assertThrows(CudaException.class, missing::require);
    }

    @Test
    void aLoadedLibraryGivesWorkingHandlesAndThrowingOnesForMissingSymbols() throws Throwable {
        var libc = NativeLibraries.Library.tryLoad("libc", List.of("libc.so.6"), List.of(), true);
        assertTrue(libc.loaded(), () -> libc.failure().getMessage());
        MethodHandle strlen = libc.downcall("strlen", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            assertEquals(4L, (long) strlen.invokeExact(arena.allocateFrom("kona")));
        }
        MethodHandle missing = libc.downcallFirst(FunctionDescriptor.of(JAVA_INT, JAVA_INT), "konaNoSuchSymbol_v2",
                "konaNoSuchSymbol");
        var e = assertThrows(CudaException.class, () -> {
            int ignored = (int) missing.invokeExact(3);
        });
        assertEquals("libc: symbol konaNoSuchSymbol_v2 / konaNoSuchSymbol not found in the loaded library (is it too old?)",
                e.getMessage());
    }
}
