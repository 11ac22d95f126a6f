package dev.kona.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NVRTC, the run-time CUDA C++ compiler: compiles Kona's kernel sources to CUBIN (or PTX when this
 * NVRTC does not know the device's architecture). One per process, loaded on first use.
 */
public final class Nvrtc {
    private static final int NVRTC_SUCCESS = 0;

    private static final class Api {
        static final NativeLibraries.Library LIB = NativeLibraries.Library.tryLoad("NVRTC (libnvrtc)",
                List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"),
                List.of("libnvrtc-builtins"), false);
        private static final FunctionDescriptor I_LA = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS);

        static final MethodHandle GET_ERROR_STRING = LIB.downcall("nvrtcGetErrorString",
                FunctionDescriptor.of(ADDRESS, JAVA_INT));
        static final MethodHandle VERSION = LIB.downcall("nvrtcVersion",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle GET_NUM_SUPPORTED_ARCHS = LIB.downcall("nvrtcGetNumSupportedArchs",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle GET_SUPPORTED_ARCHS = LIB.downcall("nvrtcGetSupportedArchs",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle CREATE_PROGRAM = LIB.downcall("nvrtcCreateProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle DESTROY_PROGRAM = LIB.downcall("nvrtcDestroyProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle COMPILE_PROGRAM = LIB.downcall("nvrtcCompileProgram",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS));
        static final MethodHandle GET_PROGRAM_LOG_SIZE = LIB.downcall("nvrtcGetProgramLogSize", I_LA);
        static final MethodHandle GET_PROGRAM_LOG = LIB.downcall("nvrtcGetProgramLog", I_LA);
        static final MethodHandle GET_CUBIN_SIZE = LIB.downcall("nvrtcGetCUBINSize", I_LA);
        static final MethodHandle GET_CUBIN = LIB.downcall("nvrtcGetCUBIN", I_LA);
        static final MethodHandle GET_PTX_SIZE = LIB.downcall("nvrtcGetPTXSize", I_LA);
        static final MethodHandle GET_PTX = LIB.downcall("nvrtcGetPTX", I_LA);
    }

    private static volatile Nvrtc shared;

    private final int[] version;
    private final int[] supportedArchs;

    private Nvrtc() {
        Api.LIB.require();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(JAVA_INT);
            MemorySegment minor = arena.allocate(JAVA_INT);
            check((int) Api.VERSION.invokeExact(major, minor), "nvrtcVersion");
            version = new int[] {major.get(JAVA_INT, 0), minor.get(JAVA_INT, 0)};
            MemorySegment count = arena.allocate(JAVA_INT);
            check((int) Api.GET_NUM_SUPPORTED_ARCHS.invokeExact(count), "nvrtcGetNumSupportedArchs");
            int n = count.get(JAVA_INT, 0);
            MemorySegment archs = arena.allocate(JAVA_INT, Math.max(n, 1));
            check((int) Api.GET_SUPPORTED_ARCHS.invokeExact(archs), "nvrtcGetSupportedArchs");
            supportedArchs = new int[n];
            for (int i = 0; i < n; i++) supportedArchs[i] = archs.getAtIndex(JAVA_INT, i);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** The process's NVRTC, loaded on first use. */
    public static Nvrtc shared() {
        Nvrtc nvrtc = shared;
        if (nvrtc != null) return nvrtc;
        synchronized (Nvrtc.class) {
            if (shared == null) shared = new Nvrtc();
            return shared;
        }
    }

    /** {@code {major, minor}}, e.g. {@code {13, 0}}. */
    public int[] version() {
        return version.clone();
    }

    /** The architectures this NVRTC compiles for, as numbers: 75, 80, 86, 89, 90, ... */
    public int[] supportedArchs() {
        return supportedArchs.clone();
    }

    /** The architecture option for a device: {@code --gpu-architecture=sm_90} for compute capability 9.0. */
    public static String archOption(CudaContext context) {
        return "--gpu-architecture=sm_" + context.computeCapabilityMajor() + context.computeCapabilityMinor();
    }

    /** {@link #compile(String, String, List)} for {@code context}'s device, with {@link #archOption} added. */
    public byte[] compileFor(CudaContext context, String programName, String source, List<String> options) {
        var all = new ArrayList<String>(options);
        all.add(archOption(context));
        return compile(programName, source, all);
    }

    private static final Pattern ARCH = Pattern.compile("(?:--gpu-architecture|-arch)(?:=|$)(.*)");
    private static final Pattern ARCH_NAME = Pattern.compile("(sm|compute)_(\\d+)([a-z]?)");

    /**
     * Compiles CUDA C++ source. With an {@code sm_XX} architecture among {@code options}
     * ({@code --gpu-architecture=sm_90} or {@code -arch=sm_90}) the result is a CUBIN; when this
     * NVRTC does not support {@code XX}, or with a {@code compute_XX} architecture or none, it is
     * NUL-terminated PTX for the newest supported architecture not above {@code XX}, which the
     * driver compiles when loading. Either result goes to {@link CudaContext#loadModule}.
     *
     * @throws CudaException with the program name and the full compiler log when compilation fails
     */
    public synchronized byte[] compile(String programName, String source, List<String> options) {
        var effective = new ArrayList<String>(options.size());
        boolean cubin = false;
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            Matcher arch = ARCH.matcher(option);
            if (!arch.matches()) {
                effective.add(option);
                continue;
            }
            String value = arch.group(1);
            if (value.isEmpty() && i + 1 < options.size()) value = options.get(++i);
            Matcher name = ARCH_NAME.matcher(value);
            if (!name.matches()) {
                throw new IllegalArgumentException("Nvrtc.compile(" + programName + "): bad architecture '" + value
                        + "', expected e.g. sm_90 or compute_90");
            }
            int wanted = Integer.parseInt(name.group(2));
            if (name.group(1).equals("sm") && isSupported(wanted)) {
                cubin = true;
                effective.add("--gpu-architecture=" + value);
            } else {
                int fallback = newestSupportedUpTo(wanted);
                if (fallback < 0) {
                    throw new CudaException("Nvrtc.compile(" + programName + "): NVRTC " + version[0] + "." + version[1]
                            + " supports none of the architectures up to " + value + "; it supports "
                            + java.util.Arrays.toString(supportedArchs));
                }
                effective.add("--gpu-architecture=compute_" + fallback);
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment programOut = arena.allocate(JAVA_LONG);
            check((int) Api.CREATE_PROGRAM.invokeExact(programOut, arena.allocateFrom(source),
                    arena.allocateFrom(programName), 0, MemorySegment.NULL, MemorySegment.NULL),
                    "nvrtcCreateProgram(" + programName + ")");
            long program = programOut.get(JAVA_LONG, 0);
            try {
                MemorySegment optionArray = arena.allocate(ADDRESS, Math.max(1, effective.size()));
                for (int i = 0; i < effective.size(); i++) {
                    optionArray.setAtIndex(ADDRESS, i, arena.allocateFrom(effective.get(i)));
                }
                int status = (int) Api.COMPILE_PROGRAM.invokeExact(program, effective.size(), optionArray);
                if (status != NVRTC_SUCCESS) {
                    throw new CudaException("nvrtcCompileProgram(" + programName + ", options " + effective
                            + ") failed: " + errorString(status) + "\n" + log(arena, program));
                }
                return cubin
                        ? output(arena, program, Api.GET_CUBIN_SIZE, Api.GET_CUBIN, "nvrtcGetCUBIN", programName)
                        : output(arena, program, Api.GET_PTX_SIZE, Api.GET_PTX, "nvrtcGetPTX", programName);
            } finally {
                int ignored = (int) Api.DESTROY_PROGRAM.invokeExact(programOut);
            }
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    private boolean isSupported(int arch) {
        for (int a : supportedArchs) if (a == arch) return true;
        return false;
    }

    private int newestSupportedUpTo(int arch) {
        int best = -1;
        for (int a : supportedArchs) if (a <= arch && a > best) best = a;
        return best;
    }

    private static String log(Arena arena, long program) throws Throwable {
        MemorySegment size = arena.allocate(JAVA_LONG);
        if ((int) Api.GET_PROGRAM_LOG_SIZE.invokeExact(program, size) != NVRTC_SUCCESS) return "(no log)";
        long bytes = size.get(JAVA_LONG, 0);
        if (bytes <= 1) return "(empty log)";
        MemorySegment text = arena.allocate(bytes);
        if ((int) Api.GET_PROGRAM_LOG.invokeExact(program, text) != NVRTC_SUCCESS) return "(no log)";
        return text.getString(0);
    }

    private static byte[] output(Arena arena, long program, MethodHandle sizeCall, MethodHandle getCall, String what,
                                 String programName) throws Throwable {
        MemorySegment size = arena.allocate(JAVA_LONG);
        check((int) sizeCall.invokeExact(program, size), what + "Size(" + programName + ")");
        long bytes = size.get(JAVA_LONG, 0);
        if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
            throw new CudaException(what + "Size(" + programName + ") returned " + bytes + " bytes");
        }
        MemorySegment data = arena.allocate(bytes);
        check((int) getCall.invokeExact(program, data), what + "(" + programName + ")");
        return data.toArray(JAVA_BYTE);
    }

    private static void check(int status, String call) {
        if (status != NVRTC_SUCCESS) throw new CudaException(call + " failed: " + errorString(status));
    }

    /** e.g. {@code NVRTC_ERROR_COMPILATION}. */
    static String errorString(int status) {
        try {
            MemorySegment text = (MemorySegment) Api.GET_ERROR_STRING.invokeExact(status);
            return text.address() == 0 ? "nvrtcResult " + status
                    : text.reinterpret(Long.MAX_VALUE).getString(0) + " (nvrtcResult " + status + ")";
        } catch (Throwable t) {
            return "nvrtcResult " + status;
        }
    }
}
