/*
 * Lets JDK 25 disassemble JIT-compiled code with Debian's hsdis plugin (a developer aid; Kona
 * never loads it). Debian's libhsdis0-fcml exports only decode_instructions, the entry point
 * JDKs before 17 called; newer JDKs look for decode_instructions_virtual and, without it, print
 * raw bytes. This forwards one to the other (the JDK passes code that sits at its own address).
 *
 *   apt-get install libhsdis0-fcml
 *   gcc -shared -fPIC -O2 -o /tmp/hsdis/hsdis-amd64.so tools/hsdis-shim.c -ldl
 *   LD_LIBRARY_PATH=/tmp/hsdis java -XX:+UnlockDiagnosticVMOptions \
 *       -XX:CompileCommand=print,dev.kona.backend.cpu.SgemmKernel::kernel4 -XX:PrintAssemblyOptions=att ...
 */
#include <dlfcn.h>
#include <stdint.h>

typedef void *(*event_callback)(void *, const char *, void *);
typedef int (*printf_callback)(void *, const char *, ...);
typedef void *(*decode_fn)(void *, void *, event_callback, void *, printf_callback, void *, const char *);

void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char *buffer, uintptr_t length,
                                  event_callback event, void *event_stream, printf_callback printf_fn,
                                  void *printf_stream, const char *options, int newline) {
    static decode_fn decode;
    (void) start_va; (void) end_va; (void) newline;
    if (!decode) {
        void *lib = dlopen("libhsdis.so.0", RTLD_NOW);
        if (!lib || !(decode = (decode_fn) dlsym(lib, "decode_instructions"))) return 0;
    }
    return decode(buffer, buffer + length, event, event_stream, printf_fn, printf_stream, options);
}
