package dev.kona.cuda;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;

/** A loaded CUBIN or PTX module of one context. Modules stay loaded for the life of the process. */
public final class CudaModule {
    private final CudaContext context;
    private final long handle;
    private final ConcurrentHashMap<String, CudaFunction> functions = new ConcurrentHashMap<>();

    CudaModule(CudaContext context, long handle) {
        this.context = context;
        this.handle = handle;
    }

    public CudaContext context() {
        return context;
    }

    /** The {@code CUmodule}. */
    public long handle() {
        return handle;
    }

    /**
     * The kernel named {@code name} (its {@code extern "C"} name, or the mangled one), looked up
     * once and cached.
     */
    public CudaFunction function(String name) {
        CudaFunction function = functions.get(name);
        return function != null ? function : functions.computeIfAbsent(name, this::lookup);
    }

    private CudaFunction lookup(String name) {
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            int status = Driver.cuModuleGetFunction(out, handle, arena.allocateFrom(name));
            if (status != Driver.CUDA_SUCCESS) {
                String hint = status == Driver.CUDA_ERROR_NOT_FOUND
                        ? " (is the kernel declared extern \"C\" __global__ in the compiled source?)" : "";
                throw new CudaException(Driver.error(status, "cuModuleGetFunction(\"" + name + "\" on " + context + ")")
                        .getMessage() + hint);
            }
            return new CudaFunction(context, name, out.get(JAVA_LONG, 0));
        }
    }
}
