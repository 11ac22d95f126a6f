// Kona's CUDA kernels, compiled at run time by NVRTC (see CudaKernels.java).
//
// Conventions shared with CudaBackend.java:
// - dtype codes: 0 float32, 1 float64, 2 int32, 3 int64, 4 bool (uint8 0/1), 5 float16, 6 bfloat16.
// - Pointers arrive already moved to the tensor's offset; a Geo describes the element positions of
//   up to four operands over one logical shape (dimensions merged on the host, at most KMAXD).
// - Element counts are below 2^31 (Kona's storage limit), so index arithmetic is 32-bit unsigned.
// - Integer errors (division by zero, index out of range) are reported through an int64 error slot
//   the host reads back: kernels cannot throw.

#define KMAXD 10
// NVRTC compiles without the C library headers: no INFINITY macro.
#define KINF (__longlong_as_double(0x7ff0000000000000LL))

typedef long long i64;
typedef unsigned long long u64;
typedef unsigned char u8;
typedef unsigned short u16;

struct Geo {
    int rank;
    int shape[KMAXD];
    int st[4][KMAXD];
};

// ---------------------------------------------------------------- float16 / bfloat16 bit conversions

__device__ __forceinline__ float h2f(u16 h) {
    unsigned sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ffu;
    unsigned bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13);
    } else if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else {  // subnormal half: value = man * 2^-24
            float f = (float) man * 5.9604644775390625e-8f;
            return sign ? -f : f;
        }
    } else {
        bits = sign | ((exp + 112) << 23) | (man << 13);
    }
    return __int_as_float((int) bits);
}

__device__ __forceinline__ u16 f2h(float f) {  // round to nearest even, as Float.floatToFloat16
    unsigned x = (unsigned) __float_as_int(f);
    unsigned sign = (x >> 16) & 0x8000u;
    unsigned ax = x & 0x7fffffffu;
    if (ax >= 0x7f800000u) {  // inf or NaN
        return (u16) (sign | 0x7c00u | (ax > 0x7f800000u ? (0x200u | ((ax >> 13) & 0x3ffu)) : 0u));
    }
    if (ax >= 0x477ff000u) return (u16) (sign | 0x7c00u);  // rounds to >= 65520: overflow to inf
    if (ax < 0x38800000u) {  // below the smallest normal half: subnormal or zero
        if (ax < 0x33000000u) return (u16) sign;  // < 2^-25 rounds to zero
        unsigned e = ax >> 23;
        unsigned m = (ax & 0x7fffffu) | 0x800000u;
        unsigned shift = 126 - e;  // 14 - (e - 127) + 13 - 1 ... result = m >> (shift) with rounding
        unsigned r = m >> shift;
        unsigned rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (r & 1u))) r++;
        return (u16) (sign | r);
    }
    unsigned r = ax + 0xfffu + ((ax >> 13) & 1u);  // round mantissa to 10 bits, ties to even
    r -= 0x38000000u;                              // rebias exponent 127 -> 15
    return (u16) (sign | (r >> 13));
}

__device__ __forceinline__ float bf2f(u16 h) { return __int_as_float(((int) h) << 16); }

__device__ __forceinline__ u16 f2bf(float f) {
    unsigned x = (unsigned) __float_as_int(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return (u16) ((x >> 16) | 0x40u);  // quiet NaN
    x += 0x7fffu + ((x >> 16) & 1u);
    return (u16) (x >> 16);
}

// ---------------------------------------------------------------- generic element access

__device__ __forceinline__ bool isFloatCode(int dt) { return dt == 0 || dt == 1 || dt == 5 || dt == 6; }

__device__ __forceinline__ double ldD(const void* p, int dt, i64 i) {
    switch (dt) {
        case 0: return ((const float*) p)[i];
        case 1: return ((const double*) p)[i];
        case 2: return ((const int*) p)[i];
        case 3: return (double) ((const i64*) p)[i];
        case 4: return ((const u8*) p)[i];
        case 5: return h2f(((const u16*) p)[i]);
        default: return bf2f(((const u16*) p)[i]);
    }
}

// Java's (long) cast of a double: NaN gives 0, out-of-range values saturate.
__device__ __forceinline__ i64 d2l(double v) {
    if (v != v) return 0;
    if (v >= 9.2233720368547758e18) return 0x7fffffffffffffffLL;
    if (v <= -9.2233720368547758e18) return (i64) 0x8000000000000000ULL;
    return (i64) v;
}

__device__ __forceinline__ i64 ldL(const void* p, int dt, i64 i) {
    switch (dt) {
        case 2: return ((const int*) p)[i];
        case 3: return ((const i64*) p)[i];
        case 4: return ((const u8*) p)[i];
        default: return d2l(ldD(p, dt, i));
    }
}

__device__ __forceinline__ void stD(void* p, int dt, i64 i, double v) {
    switch (dt) {
        case 0: ((float*) p)[i] = (float) v; break;
        case 1: ((double*) p)[i] = v; break;
        case 2: ((int*) p)[i] = (int) d2l(v); break;
        case 3: ((i64*) p)[i] = d2l(v); break;
        case 4: ((u8*) p)[i] = v != 0 ? 1 : 0; break;
        case 5: ((u16*) p)[i] = f2h((float) v); break;
        default: ((u16*) p)[i] = f2bf((float) v); break;
    }
}

__device__ __forceinline__ void stL(void* p, int dt, i64 i, i64 v) {
    switch (dt) {
        case 2: ((int*) p)[i] = (int) v; break;
        case 3: ((i64*) p)[i] = v; break;
        case 4: ((u8*) p)[i] = v != 0 ? 1 : 0; break;
        default: stD(p, dt, i, (double) v); break;
    }
}

// Offsets of element `i` (row-major over g.shape) for the first N operands.
template <int N>
__device__ __forceinline__ void offsets(const Geo& g, unsigned i, i64* o) {
#pragma unroll
    for (int k = 0; k < N; k++) o[k] = 0;
    for (int d = g.rank - 1; d >= 0; d--) {
        unsigned s = (unsigned) g.shape[d];
        unsigned q = i / s, r = i - q * s;
        i = q;
#pragma unroll
        for (int k = 0; k < N; k++) o[k] += (i64) r * g.st[k][d];
    }
}

#define GRID_STRIDE(i, n) for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) (n); i += blockDim.x * gridDim.x)

// ---------------------------------------------------------------- unary

// Kind codes follow Op.UnaryKind's declaration order.
enum {
    U_NEG, U_ABS, U_EXP, U_LOG, U_LOG1P, U_EXPM1, U_SQRT, U_RSQRT, U_SQUARE, U_RECIPROCAL, U_SIN, U_COS, U_TANH,
    U_SIGMOID, U_RELU, U_GELU, U_GELU_TANH, U_SILU, U_SIGN, U_FLOOR, U_CEIL, U_ROUND, U_LOGICAL_NOT, U_ERF,
    U_LEAKY_RELU, U_ELU, U_SOFTPLUS, U_CLAMP, U_POW_SCALAR
};

__device__ __forceinline__ float cpow(float a, float b) {
    if (a == 1.0f || b == 0.0f) return 1.0f;
    if (a == -1.0f && isinf(b)) return 1.0f;
    return powf(a, b);
}

__device__ __forceinline__ double cpow(double a, double b) {
    if (a == 1.0 || b == 0.0) return 1.0;
    if (a == -1.0 && isinf(b)) return 1.0;
    return pow(a, b);
}

template <typename T>
__device__ __forceinline__ T sigm(T x) {
    if (x >= T(0)) return T(1) / (T(1) + exp(-x));
    T e = exp(x);
    return e / (T(1) + e);
}

template <typename T>
__device__ __forceinline__ T unaryOp(int k, T x, T p0, T p1) {
    switch (k) {
        case U_NEG: return -x;
        case U_ABS: return fabs(x);
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_LOG1P: return log1p(x);
        case U_EXPM1: return expm1(x);
        case U_SQRT: return sqrt(x);
        case U_RSQRT: return T(1) / sqrt(x);
        case U_SQUARE: return x * x;
        case U_RECIPROCAL: return T(1) / x;
        case U_SIN: return sin(x);
        case U_COS: return cos(x);
        case U_TANH: return tanh(x);
        case U_SIGMOID: return sigm(x);
        case U_RELU: return x > T(0) ? x : (x != x ? x : T(0));
        case U_GELU: return T(0.5) * x * (T(1) + erf(x * T(0.7071067811865476)));
        case U_GELU_TANH: return T(0.5) * x * (T(1) + tanh(T(0.7978845608028654) * (x + T(0.044715) * x * x * x)));
        case U_SILU: return x * sigm(x);
        case U_SIGN: return x > T(0) ? T(1) : (x < T(0) ? T(-1) : x);
        case U_FLOOR: return floor(x);
        case U_CEIL: return ceil(x);
        case U_ROUND: return rint(x);
        case U_LOGICAL_NOT: return x == T(0) ? T(1) : T(0);
        case U_ERF: return erf(x);
        case U_LEAKY_RELU: return x > T(0) ? x : p0 * x;
        case U_ELU: return x > T(0) ? x : p0 * expm1(x);
        case U_SOFTPLUS: return p0 * x > p1 ? x : log1p(exp(p0 * x)) / p0;
        case U_CLAMP: {
            if (x != x) return x;
            if (p0 == p0 && x < p0) x = p0;
            if (p1 == p1 && x > p1) x = p1;
            return x;
        }
        default: return cpow(x, p0);  // U_POW_SCALAR
    }
}

__device__ __forceinline__ i64 unaryOpL(int k, i64 x, double p0, double p1) {
    switch (k) {
        case U_NEG: return -x;
        case U_ABS: return x < 0 ? -x : x;
        case U_SQUARE: return x * x;
        case U_SIGN: return (x > 0) - (x < 0);
        case U_RELU: return x > 0 ? x : 0;
        case U_LOGICAL_NOT: return x == 0 ? 1 : 0;
        case U_CLAMP: {
            i64 v = x;
            if (p0 == p0 && (double) v < p0) v = d2l(ceil(p0));
            if (p1 == p1 && (double) v > p1) v = d2l(floor(p1));
            return v;
        }
        case U_LEAKY_RELU: return x > 0 ? x : d2l(p0 * (double) x);
        default: return x;  // FLOOR, CEIL, ROUND
    }
}

template <typename T>
__device__ __forceinline__ void unaryBody(int kind, T p0, T p1, const Geo& g, unsigned n, T* out, const T* x) {
    if (g.rank == 1 && g.st[0][0] == 1 && g.st[1][0] == 1) {
        GRID_STRIDE(i, n) out[i] = unaryOp<T>(kind, x[i], p0, p1);
    } else {
        GRID_STRIDE(i, n) {
            i64 o[2];
            offsets<2>(g, i, o);
            out[o[0]] = unaryOp<T>(kind, x[o[1]], p0, p1);
        }
    }
}

extern "C" __global__ void unary_f32(int kind, float p0, float p1, Geo g, unsigned n, float* out, const float* x) {
    unaryBody<float>(kind, p0, p1, g, n, out, x);
}

extern "C" __global__ void unary_f64(int kind, double p0, double p1, Geo g, unsigned n, double* out, const double* x) {
    unaryBody<double>(kind, p0, p1, g, n, out, x);
}

// Any other dtype pair: float inputs compute in double, integer and bool inputs in int64.
extern "C" __global__ void unary_gen(int kind, double p0, double p1, Geo g, unsigned n, void* out, int odt,
                                     const void* x, int xdt) {
    bool fl = isFloatCode(xdt);
    GRID_STRIDE(i, n) {
        i64 o[2];
        offsets<2>(g, i, o);
        if (fl) stD(out, odt, o[0], unaryOp<double>(kind, ldD(x, xdt, o[1]), p0, p1));
        else stL(out, odt, o[0], unaryOpL(kind, ldL(x, xdt, o[1]), p0, p1));
    }
}


// Contiguous float32 fast path: the kind is a template argument (one loop per kind, no switch per
// element) and aligned data moves as float4, so streaming ops reach the copy bandwidth.
template <int K>
__device__ __forceinline__ void unaryContig(float p0, float p1, unsigned n, float* out, const float* x) {
    unsigned tid = blockIdx.x * blockDim.x + threadIdx.x, nt = blockDim.x * gridDim.x;
    bool aligned = ((((u64) out) | ((u64) x)) & 15) == 0;
    unsigned n4 = aligned ? n / 4 : 0;
    const float4* x4 = (const float4*) x;
    float4* o4 = (float4*) out;
    for (unsigned i = tid; i < n4; i += nt) {
        float4 v = x4[i];
        v.x = unaryOp<float>(K, v.x, p0, p1);
        v.y = unaryOp<float>(K, v.y, p0, p1);
        v.z = unaryOp<float>(K, v.z, p0, p1);
        v.w = unaryOp<float>(K, v.w, p0, p1);
        o4[i] = v;
    }
    for (unsigned i = n4 * 4 + tid; i < n; i += nt) out[i] = unaryOp<float>(K, x[i], p0, p1);
}

#define KONA_CASE_U(K) case K: unaryContig<K>(p0, p1, n, out, x); break;
extern "C" __global__ void unary_f32_contig(int kind, float p0, float p1, unsigned n, float* out, const float* x) {
    switch (kind) {
        KONA_CASE_U(0) KONA_CASE_U(1) KONA_CASE_U(2) KONA_CASE_U(3) KONA_CASE_U(4) KONA_CASE_U(5) KONA_CASE_U(6)
        KONA_CASE_U(7) KONA_CASE_U(8) KONA_CASE_U(9) KONA_CASE_U(10) KONA_CASE_U(11) KONA_CASE_U(12) KONA_CASE_U(13)
        KONA_CASE_U(14) KONA_CASE_U(15) KONA_CASE_U(16) KONA_CASE_U(17) KONA_CASE_U(18) KONA_CASE_U(19) KONA_CASE_U(20)
        KONA_CASE_U(21) KONA_CASE_U(22) KONA_CASE_U(23) KONA_CASE_U(24) KONA_CASE_U(25) KONA_CASE_U(26) KONA_CASE_U(27)
        default: unaryContig<28>(p0, p1, n, out, x); break;
    }
}

// ---------------------------------------------------------------- binary

enum { B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE,
       B_LAND, B_LOR, B_LXOR };

template <typename T>
__device__ __forceinline__ T binaryOp(int k, T a, T b) {
    switch (k) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_POW: return cpow(a, b);
        case B_MAXIMUM: return (a != a || b != b) ? a + b : (a > b ? a : (b > a ? b : (a == T(0) ? (signbit(a) ? b : a) : a)));
        case B_MINIMUM: return (a != a || b != b) ? a + b : (a < b ? a : (b < a ? b : (a == T(0) ? (signbit(a) ? a : b) : a)));
        case B_EQ: return a == b ? T(1) : T(0);
        case B_NE: return a != b ? T(1) : T(0);
        case B_LT: return a < b ? T(1) : T(0);
        case B_LE: return a <= b ? T(1) : T(0);
        case B_GT: return a > b ? T(1) : T(0);
        case B_GE: return a >= b ? T(1) : T(0);
        case B_LAND: return (a != T(0) && b != T(0)) ? T(1) : T(0);
        case B_LOR: return (a != T(0) || b != T(0)) ? T(1) : T(0);
        default: return ((a != T(0)) != (b != T(0))) ? T(1) : T(0);
    }
}

__device__ __forceinline__ i64 ipow(i64 base, i64 e, i64* err) {
    if (e < 0) {
        if (base == 1) return 1;
        if (base == -1) return (e & 1) == 0 ? 1 : -1;
        atomicCAS((u64*) err, 0ULL, 2ULL);
        return 0;
    }
    i64 r = 1;
    while (e > 0) {
        if (e & 1) r *= base;
        base *= base;
        e >>= 1;
    }
    return r;
}

__device__ __forceinline__ i64 binaryOpL(int k, i64 a, i64 b, i64* err) {
    switch (k) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: {
            if (b == 0) { atomicCAS((u64*) err, 0ULL, 1ULL); return 0; }
            i64 q = a / b;
            if ((a % b != 0) && ((a < 0) != (b < 0))) q--;  // floor division, as Math.floorDiv
            return q;
        }
        case B_POW: return ipow(a, b, err);
        case B_MAXIMUM: return a > b ? a : b;
        case B_MINIMUM: return a < b ? a : b;
        case B_EQ: return a == b;
        case B_NE: return a != b;
        case B_LT: return a < b;
        case B_LE: return a <= b;
        case B_GT: return a > b;
        case B_GE: return a >= b;
        case B_LAND: return a != 0 && b != 0;
        case B_LOR: return a != 0 || b != 0;
        default: return (a != 0) != (b != 0);
    }
}

template <typename T>
__device__ __forceinline__ void binaryBody(int kind, const Geo& g, unsigned n, T* out, const T* a, const T* b) {
    if (g.rank == 1 && g.st[0][0] == 1 && g.st[1][0] == 1 && g.st[2][0] == 1) {
        GRID_STRIDE(i, n) out[i] = binaryOp<T>(kind, a[i], b[i]);
    } else if (g.rank == 1 && g.st[0][0] == 1) {
        int sa = g.st[1][0], sb = g.st[2][0];
        GRID_STRIDE(i, n) out[i] = binaryOp<T>(kind, a[(i64) i * sa], b[(i64) i * sb]);
    } else {
        GRID_STRIDE(i, n) {
            i64 o[3];
            offsets<3>(g, i, o);
            out[o[0]] = binaryOp<T>(kind, a[o[1]], b[o[2]]);
        }
    }
}

extern "C" __global__ void binary_f32(int kind, Geo g, unsigned n, float* out, const float* a, const float* b) {
    binaryBody<float>(kind, g, n, out, a, b);
}

extern "C" __global__ void binary_f64(int kind, Geo g, unsigned n, double* out, const double* a, const double* b) {
    binaryBody<double>(kind, g, n, out, a, b);
}

extern "C" __global__ void binary_gen(int kind, Geo g, unsigned n, void* out, int odt, const void* a, const void* b,
                                      int xdt, i64* err) {
    bool fl = isFloatCode(xdt);
    GRID_STRIDE(i, n) {
        i64 o[3];
        offsets<3>(g, i, o);
        if (fl) stD(out, odt, o[0], binaryOp<double>(kind, ldD(a, xdt, o[1]), ldD(b, xdt, o[2])));
        else stL(out, odt, o[0], binaryOpL(kind, ldL(a, xdt, o[1]), ldL(b, xdt, o[2]), err));
    }
}


// Contiguous float32 fast path for binary ops; either operand may be a single broadcast element.
template <int K>
__device__ __forceinline__ void binaryContig(unsigned n, float* out, const float* a, const float* b, int aOne, int bOne) {
    unsigned tid = blockIdx.x * blockDim.x + threadIdx.x, nt = blockDim.x * gridDim.x;
    float as = aOne ? a[0] : 0.f, bs = bOne ? b[0] : 0.f;
    bool aligned = ((((u64) out) | (aOne ? 0ULL : (u64) a) | (bOne ? 0ULL : (u64) b)) & 15) == 0;
    unsigned n4 = aligned ? n / 4 : 0;
    for (unsigned i = tid; i < n4; i += nt) {
        float4 x = aOne ? make_float4(as, as, as, as) : ((const float4*) a)[i];
        float4 y = bOne ? make_float4(bs, bs, bs, bs) : ((const float4*) b)[i];
        float4 r;
        r.x = binaryOp<float>(K, x.x, y.x);
        r.y = binaryOp<float>(K, x.y, y.y);
        r.z = binaryOp<float>(K, x.z, y.z);
        r.w = binaryOp<float>(K, x.w, y.w);
        ((float4*) out)[i] = r;
    }
    for (unsigned i = n4 * 4 + tid; i < n; i += nt) out[i] = binaryOp<float>(K, aOne ? as : a[i], bOne ? bs : b[i]);
}

#define KONA_CASE_B(K) case K: binaryContig<K>(n, out, a, b, aOne, bOne); break;
extern "C" __global__ void binary_f32_contig(int kind, unsigned n, float* out, const float* a, const float* b, int aOne,
                                             int bOne) {
    switch (kind) {
        KONA_CASE_B(0) KONA_CASE_B(1) KONA_CASE_B(2) KONA_CASE_B(3) KONA_CASE_B(4) KONA_CASE_B(5) KONA_CASE_B(6)
        KONA_CASE_B(7) KONA_CASE_B(8) KONA_CASE_B(9) KONA_CASE_B(10) KONA_CASE_B(11) KONA_CASE_B(12) KONA_CASE_B(13)
        KONA_CASE_B(14)
        default: binaryContig<15>(n, out, a, b, aOne, bOne); break;
    }
}

// ---------------------------------------------------------------- where, copy, fill

template <typename E>
__device__ __forceinline__ void whereBody(const Geo& g, unsigned n, E* out, const u8* c, const E* a, const E* b) {
    GRID_STRIDE(i, n) {
        i64 o[4];
        offsets<4>(g, i, o);
        out[o[0]] = c[o[1]] ? a[o[2]] : b[o[3]];
    }
}

// esize: element size in bytes (1, 2, 4 or 8); where moves bits.
extern "C" __global__ void where_gen(int esize, Geo g, unsigned n, void* out, const u8* c, const void* a, const void* b) {
    switch (esize) {
        case 1: whereBody<u8>(g, n, (u8*) out, c, (const u8*) a, (const u8*) b); break;
        case 2: whereBody<u16>(g, n, (u16*) out, c, (const u16*) a, (const u16*) b); break;
        case 4: whereBody<unsigned>(g, n, (unsigned*) out, c, (const unsigned*) a, (const unsigned*) b); break;
        default: whereBody<u64>(g, n, (u64*) out, c, (const u64*) a, (const u64*) b); break;
    }
}

template <typename E>
__device__ __forceinline__ void copyBody(const Geo& g, unsigned n, E* out, const E* x) {
    if (g.rank == 1 && g.st[0][0] == 1 && g.st[1][0] == 1) {
        GRID_STRIDE(i, n) out[i] = x[i];
    } else {
        GRID_STRIDE(i, n) {
            i64 o[2];
            offsets<2>(g, i, o);
            out[o[0]] = x[o[1]];
        }
    }
}

extern "C" __global__ void copy_same(int esize, Geo g, unsigned n, void* out, const void* x) {
    switch (esize) {
        case 1: copyBody<u8>(g, n, (u8*) out, (const u8*) x); break;
        case 2: copyBody<u16>(g, n, (u16*) out, (const u16*) x); break;
        case 4: copyBody<unsigned>(g, n, (unsigned*) out, (const unsigned*) x); break;
        default: copyBody<u64>(g, n, (u64*) out, (const u64*) x); break;
    }
}

// Converting copy with the CPU backend's rules: through double when either side is floating point
// (float64 -> float16 goes through float32 first, as the CPU does), through int64 otherwise.
extern "C" __global__ void copy_convert(Geo g, unsigned n, void* out, int odt, const void* x, int xdt) {
    bool fl = isFloatCode(odt) || isFloatCode(xdt);
    GRID_STRIDE(i, n) {
        i64 o[2];
        offsets<2>(g, i, o);
        if (fl) stD(out, odt, o[0], ldD(x, xdt, o[1]));
        else stL(out, odt, o[0], ldL(x, xdt, o[1]));
    }
}

// Fills with a bit pattern of esize bytes (the host encodes the value in the dtype).
extern "C" __global__ void fill_bits(int esize, u64 bits, Geo g, unsigned n, void* out) {
    GRID_STRIDE(i, n) {
        i64 o[1];
        offsets<1>(g, i, o);
        switch (esize) {
            case 1: ((u8*) out)[o[0]] = (u8) bits; break;
            case 2: ((u16*) out)[o[0]] = (u16) bits; break;
            case 4: ((unsigned*) out)[o[0]] = (unsigned) bits; break;
            default: ((u64*) out)[o[0]] = bits; break;
        }
    }
}

// ---------------------------------------------------------------- reductions
// Geo for reductions: dims 0..keptRank-1 of `kept` address the outputs (st[0]: input strides),
// `red` addresses the reduced elements (st[0]: input strides). Outputs are contiguous.

enum { R_SUM, R_PROD, R_MAX, R_MIN, R_ALL, R_ANY, R_COUNT };

struct Acc {
    double d;
    i64 l;
};

__device__ __forceinline__ Acc accInit(int kind, bool fl) {
    Acc a;
    switch (kind) {
        case R_PROD: a.d = 1; a.l = 1; break;
        case R_MAX: a.d = -KINF; a.l = (i64) 0x8000000000000000ULL; break;
        case R_MIN: a.d = KINF; a.l = 0x7fffffffffffffffLL; break;
        case R_ALL: a.d = 1; a.l = 1; break;
        default: a.d = 0; a.l = 0; break;
    }
    return a;
}

__device__ __forceinline__ Acc accAdd(int kind, bool fl, Acc a, Acc b) {
    if (fl) {
        switch (kind) {
            case R_SUM: a.d += b.d; break;
            case R_PROD: a.d *= b.d; break;
            case R_MAX: a.d = (a.d != a.d || b.d != b.d) ? a.d + b.d : fmax(a.d, b.d); break;
            case R_MIN: a.d = (a.d != a.d || b.d != b.d) ? a.d + b.d : fmin(a.d, b.d); break;
            case R_ALL: a.d = (a.d != 0 && b.d != 0) ? 1 : 0; break;
            case R_ANY: a.d = (a.d != 0 || b.d != 0) ? 1 : 0; break;
            default: a.d += b.d; break;  // count
        }
    } else {
        switch (kind) {
            case R_SUM: a.l += b.l; break;
            case R_PROD: a.l *= b.l; break;
            case R_MAX: a.l = a.l > b.l ? a.l : b.l; break;
            case R_MIN: a.l = a.l < b.l ? a.l : b.l; break;
            case R_ALL: a.l = (a.l != 0 && b.l != 0); break;
            case R_ANY: a.l = (a.l != 0 || b.l != 0); break;
            default: a.l += b.l; break;
        }
    }
    return a;
}

__device__ __forceinline__ Acc accLoad(int kind, bool fl, const void* x, int xdt, i64 off) {
    Acc a;
    if (kind == R_COUNT) {
        bool nz = isFloatCode(xdt) ? ldD(x, xdt, off) != 0 : ldL(x, xdt, off) != 0;
        a.d = nz;
        a.l = nz;
    } else if (fl) {
        a.d = ldD(x, xdt, off);
        a.l = 0;
    } else {
        a.l = ldL(x, xdt, off);
        a.d = 0;
    }
    return a;
}

__device__ __forceinline__ void accStore(int kind, bool fl, void* out, int odt, i64 i, Acc a) {
    if (fl) stD(out, odt, i, a.d);
    else stL(out, odt, i, a.l);
}

__device__ __forceinline__ i64 geoOffset(const Geo& g, unsigned i) {
    i64 o = 0;
    for (int d = g.rank - 1; d >= 0; d--) {
        unsigned s = (unsigned) g.shape[d];
        unsigned q = i / s, r = i - q * s;
        i = q;
        o += (i64) r * g.st[0][d];
    }
    return o;
}

// One thread per output: for short reductions. fl: accumulate in double (float inputs) or int64.
extern "C" __global__ void reduce_thread(int kind, int fl, Geo kept, unsigned nOut, Geo red, unsigned nRed,
                                         void* out, int odt, const void* x, int xdt) {
    GRID_STRIDE(o, nOut) {
        i64 base = geoOffset(kept, o);
        Acc a = accInit(kind, fl);
        for (unsigned r = 0; r < nRed; r++) a = accAdd(kind, fl, a, accLoad(kind, fl, x, xdt, base + geoOffset(red, r)));
        accStore(kind, fl, out, odt, o, a);
    }
}

// One block per output, a fixed-shape tree: the result does not depend on timing.
extern "C" __global__ void reduce_block(int kind, int fl, Geo kept, unsigned nOut, Geo red, unsigned nRed,
                                        void* out, int odt, const void* x, int xdt) {
    __shared__ Acc sh[1024];
    for (unsigned o = blockIdx.x; o < nOut; o += gridDim.x) {
        i64 base = geoOffset(kept, o);
        Acc a = accInit(kind, fl);
        bool contiguous = red.rank == 1 && red.st[0][0] == 1;
        for (unsigned r = threadIdx.x; r < nRed; r += blockDim.x) {
            i64 off = contiguous ? (i64) r : geoOffset(red, r);
            a = accAdd(kind, fl, a, accLoad(kind, fl, x, xdt, base + off));
        }
        sh[threadIdx.x] = a;
        __syncthreads();
        for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
            if (threadIdx.x < s) sh[threadIdx.x] = accAdd(kind, fl, sh[threadIdx.x], sh[threadIdx.x + s]);
            __syncthreads();
        }
        if (threadIdx.x == 0) accStore(kind, fl, out, odt, o, sh[0]);
        __syncthreads();
    }
}

// Long reductions into few outputs, pass 1: block p of output o reduces its fixed chunk of the
// reduced range into partials[o * parts + p]; pass 2 (reduce_finish) combines the parts in order.
extern "C" __global__ void reduce_partial(int kind, int fl, Geo kept, unsigned nOut, Geo red, unsigned nRed,
                                          unsigned parts, Acc* partials, const void* x, int xdt) {
    __shared__ Acc sh[256];
    unsigned chunk = (nRed + parts - 1) / parts;
    for (unsigned b = blockIdx.x; b < nOut * parts; b += gridDim.x) {
        unsigned o = b / parts, p = b - o * parts;
        i64 base = geoOffset(kept, o);
        unsigned lo = p * chunk, hi = min(nRed, lo + chunk);
        bool contiguous = red.rank == 1 && red.st[0][0] == 1;
        Acc a = accInit(kind, fl);
        for (unsigned r = lo + threadIdx.x; r < hi; r += blockDim.x) {
            i64 off = contiguous ? (i64) r : geoOffset(red, r);
            a = accAdd(kind, fl, a, accLoad(kind, fl, x, xdt, base + off));
        }
        sh[threadIdx.x] = a;
        __syncthreads();
        for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
            if (threadIdx.x < s) sh[threadIdx.x] = accAdd(kind, fl, sh[threadIdx.x], sh[threadIdx.x + s]);
            __syncthreads();
        }
        if (threadIdx.x == 0) partials[b] = sh[0];
        __syncthreads();
    }
}

extern "C" __global__ void reduce_finish(int kind, int fl, unsigned nOut, unsigned parts, const Acc* partials,
                                         void* out, int odt) {
    GRID_STRIDE(o, nOut) {
        Acc a = accInit(kind, fl);
        for (unsigned p = 0; p < parts; p++) a = accAdd(kind, fl, a, partials[(i64) o * parts + p]);
        accStore(kind, fl, out, odt, o, a);
    }
}

// Max/min with the index of the first extreme along one axis (NaN counts as the extreme).
// kept: output positions (st[0] = input strides), len/stride: the axis.
__device__ __forceinline__ bool argBetter(bool isMax, bool fl, double vd, i64 vl, unsigned vi,
                                          double bd, i64 bl, unsigned bi) {
    if (fl) {
        bool vn = vd != vd, bn = bd != bd;
        if (vn || bn) return vn && (!bn || vi < bi);
        if (vd == bd) return vi < bi;
        return isMax ? vd > bd : vd < bd;
    }
    if (vl == bl) return vi < bi;
    return isMax ? vl > bl : vl < bl;
}

extern "C" __global__ void arg_reduce(int isMax, Geo kept, unsigned nOut, unsigned len, int stride,
                                      void* values, i64* indices, const void* x, int xdt) {
    __shared__ double sd[256];
    __shared__ i64 sl[256];
    __shared__ unsigned si[256];
    bool fl = isFloatCode(xdt);
    for (unsigned o = blockIdx.x; o < nOut; o += gridDim.x) {
        i64 base = geoOffset(kept, o);
        double bd = 0;
        i64 bl = 0;
        unsigned bi = 0xffffffffu;
        for (unsigned r = threadIdx.x; r < len; r += blockDim.x) {
            i64 off = base + (i64) r * stride;
            double vd = fl ? ldD(x, xdt, off) : 0;
            i64 vl = fl ? 0 : ldL(x, xdt, off);
            if (bi == 0xffffffffu || argBetter(isMax, fl, vd, vl, r, bd, bl, bi)) { bd = vd; bl = vl; bi = r; }
        }
        sd[threadIdx.x] = bd; sl[threadIdx.x] = bl; si[threadIdx.x] = bi;
        __syncthreads();
        for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
            if (threadIdx.x < s) {
                unsigned oi = si[threadIdx.x + s];
                if (oi != 0xffffffffu && (si[threadIdx.x] == 0xffffffffu
                        || argBetter(isMax, fl, sd[threadIdx.x + s], sl[threadIdx.x + s], oi, sd[threadIdx.x], sl[threadIdx.x], si[threadIdx.x]))) {
                    sd[threadIdx.x] = sd[threadIdx.x + s]; sl[threadIdx.x] = sl[threadIdx.x + s]; si[threadIdx.x] = oi;
                }
            }
            __syncthreads();
        }
        if (threadIdx.x == 0) {
            unsigned best = si[0];
            i64 off = base + (i64) best * stride;
            if (fl) stD(values, xdt, o, ldD(x, xdt, off)); else stL(values, xdt, o, ldL(x, xdt, off));
            indices[o] = best;
        }
        __syncthreads();
    }
}

// Running sum or product along an axis, one thread per line (same order as the CPU: exact for ints).
// lines: line starts (st[0] input strides, st[1] output strides).
extern "C" __global__ void cumulative(int product, Geo lines, unsigned nLines, unsigned len, int xStride, int oStride,
                                      void* out, int odt, const void* x, int xdt) {
    bool fl = isFloatCode(xdt) || isFloatCode(odt);
    GRID_STRIDE(l, nLines) {
        i64 o[2];
        offsets<2>(lines, l, o);
        double ad = product ? 1 : 0;
        i64 al = product ? 1 : 0;
        for (unsigned r = 0; r < len; r++) {
            if (fl) {
                double v = ldD(x, xdt, o[1] + (i64) r * xStride);
                ad = product ? ad * v : ad + v;
                stD(out, odt, o[0] + (i64) r * oStride, ad);
            } else {
                i64 v = ldL(x, xdt, o[1] + (i64) r * xStride);
                al = product ? al * v : al + v;
                stL(out, odt, o[0] + (i64) r * oStride, al);
            }
        }
    }
}

// ---------------------------------------------------------------- softmax
// One block per row. The row is staged in shared memory when it fits (one read from global memory).

template <typename T>
__device__ __forceinline__ T blockReduce(T v, bool isMax, T* sh) {
    for (int s = 16; s > 0; s >>= 1) {
        T w = __shfl_down_sync(0xffffffffu, v, s);
        v = isMax ? (w > v || w != w ? w : v) : v + w;
    }
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    __syncthreads();
    if (lane == 0) sh[warp] = v;
    __syncthreads();
    if (warp == 0) {
        v = lane < warps ? sh[lane] : (isMax ? -KINF : T(0));
        for (int s = 16; s > 0; s >>= 1) {
            T w = __shfl_down_sync(0xffffffffu, v, s);
            v = isMax ? (w > v || w != w ? w : v) : v + w;
        }
        if (lane == 0) sh[0] = v;
    }
    __syncthreads();
    return sh[0];
}

template <typename T>
__device__ __forceinline__ void softmaxBody(int logMode, const Geo& rows, unsigned nRows, unsigned len, int xStride,
                                            int oStride, T* out, const T* x, int staged) {
    extern __shared__ __align__(16) unsigned char softmaxShared[];
    T* red = (T*) softmaxShared;
    T* row = red + 32;
    for (unsigned r = blockIdx.x; r < nRows; r += gridDim.x) {
        i64 o[2];
        offsets<2>(rows, r, o);
        const T* xr = x + o[1];
        T* orow = out + o[0];
        T m = -KINF;
        for (unsigned i = threadIdx.x; i < len; i += blockDim.x) {
            T v = xr[(i64) i * xStride];
            if (staged) row[i] = v;
            m = (v > m || v != v) ? v : m;
        }
        m = blockReduce<T>(m, true, red);
        T s = 0;
        for (unsigned i = threadIdx.x; i < len; i += blockDim.x) {
            T v = staged ? row[i] : xr[(i64) i * xStride];
            s += exp(v - m);
        }
        s = blockReduce<T>(s, false, red);
        T ls = log(s);
        T inv = T(1) / s;
        for (unsigned i = threadIdx.x; i < len; i += blockDim.x) {
            T v = staged ? row[i] : xr[(i64) i * xStride];
            orow[(i64) i * oStride] = logMode ? (v - m) - ls : exp(v - m) * inv;
        }
        __syncthreads();
    }
}

extern "C" __global__ void softmax_f32(int logMode, Geo rows, unsigned nRows, unsigned len, int xStride, int oStride,
                                       float* out, const float* x, int staged) {
    softmaxBody<float>(logMode, rows, nRows, len, xStride, oStride, out, x, staged);
}

extern "C" __global__ void softmax_f64(int logMode, Geo rows, unsigned nRows, unsigned len, int xStride, int oStride,
                                       double* out, const double* x, int staged) {
    softmaxBody<double>(logMode, rows, nRows, len, xStride, oStride, out, x, staged);
}


// Softmax of contiguous float32 rows held in registers: ILP elements per thread, one read and one
// write of each element, one exp per element.
template <int ILP>
__device__ __forceinline__ void softmaxRows(int logMode, unsigned nRows, unsigned len, float* out, const float* x) {
    __shared__ float red[32];
    for (unsigned r = blockIdx.x; r < nRows; r += gridDim.x) {
        const float* xr = x + (i64) r * len;
        float* orow = out + (i64) r * len;
        float v[ILP];
        float m = -KINF;
#pragma unroll
        for (int j = 0; j < ILP; j++) {
            unsigned i = threadIdx.x + j * blockDim.x;
            v[j] = i < len ? xr[i] : -KINF;
            m = (v[j] > m || v[j] != v[j]) ? v[j] : m;
        }
        m = blockReduce<float>(m, true, red);
        float s = 0.f;
#pragma unroll
        for (int j = 0; j < ILP; j++) {
            unsigned i = threadIdx.x + j * blockDim.x;
            float e = i < len ? expf(v[j] - m) : 0.f;
            if (!logMode) v[j] = e;
            s += e;
        }
        s = blockReduce<float>(s, false, red);
        float inv = 1.f / s, ls = logf(s);
#pragma unroll
        for (int j = 0; j < ILP; j++) {
            unsigned i = threadIdx.x + j * blockDim.x;
            if (i < len) orow[i] = logMode ? (v[j] - m) - ls : v[j] * inv;
        }
    }
}

// The same with float4 loads and stores, for rows whose length is a multiple of 4 on 16-byte
// aligned storage; ILP (a multiple of 4) values per thread.
template <int ILP>
__device__ __forceinline__ void softmaxRows4(int logMode, unsigned nRows, unsigned len, float* out, const float* x) {
    __shared__ float red[32];
    const unsigned len4 = len / 4;
    for (unsigned r = blockIdx.x; r < nRows; r += gridDim.x) {
        const float4* xr = (const float4*) (x + (i64) r * len);
        float4* orow = (float4*) (out + (i64) r * len);
        float v[ILP];
        float m = -KINF;
#pragma unroll
        for (int j = 0; j < ILP / 4; j++) {
            unsigned q = threadIdx.x + j * blockDim.x;
            float4 t = q < len4 ? xr[q] : make_float4(-KINF, -KINF, -KINF, -KINF);
            v[4 * j] = t.x; v[4 * j + 1] = t.y; v[4 * j + 2] = t.z; v[4 * j + 3] = t.w;
        }
#pragma unroll
        for (int j = 0; j < ILP; j++) m = (v[j] > m || v[j] != v[j]) ? v[j] : m;
        m = blockReduce<float>(m, true, red);
        float s = 0.f;
#pragma unroll
        for (int j = 0; j < ILP; j++) {
            unsigned q = threadIdx.x + (j / 4) * blockDim.x;
            float e = q < len4 ? expf(v[j] - m) : 0.f;
            if (!logMode) v[j] = e;
            s += e;
        }
        s = blockReduce<float>(s, false, red);
        float inv = 1.f / s, ls = logf(s);
#pragma unroll
        for (int j = 0; j < ILP / 4; j++) {
            unsigned q = threadIdx.x + j * blockDim.x;
            if (q < len4) {
                float4 t;
                if (logMode) t = make_float4(v[4 * j] - m - ls, v[4 * j + 1] - m - ls, v[4 * j + 2] - m - ls, v[4 * j + 3] - m - ls);
                else t = make_float4(v[4 * j] * inv, v[4 * j + 1] * inv, v[4 * j + 2] * inv, v[4 * j + 3] * inv);
                orow[q] = t;
            }
        }
    }
}

#define KONA_SOFTMAX_ROWS4(N, MINBLOCKS) \
    extern "C" __global__ void __launch_bounds__(512, MINBLOCKS) softmax_rows4_f32_##N(int logMode, unsigned nRows, \
                                                                                        unsigned len, float* out, const float* x) { \
        softmaxRows4<N>(logMode, nRows, len, out, x); \
    }
KONA_SOFTMAX_ROWS4(4, 2)
KONA_SOFTMAX_ROWS4(8, 2)
KONA_SOFTMAX_ROWS4(16, 2)
KONA_SOFTMAX_ROWS4(32, 1)

// Softmax of contiguous float32 rows of at most 32 values: a group of G lanes (a power of two, at
// least the row length) per row, one value per lane, reduced with shuffles inside the group; no
// shared memory, no block barriers. One block per row would leave most of its threads idle and
// pay two block reductions per row (6.7M rows of 10: 2.2 ms where rows of 1,000 take 0.26 ms).
// The row loop's bound is warp-uniform, so every lane reaches every shuffle.
template <int G>
__device__ __forceinline__ void softmaxSmallRows(int logMode, unsigned nRows, unsigned len, float* out, const float* x) {
    const unsigned lane = threadIdx.x % G, group = threadIdx.x / G, groups = blockDim.x / G;
    const unsigned warpFirst = (threadIdx.x / 32) * (32 / G);   // the first group of this thread's warp
    for (unsigned base = blockIdx.x * groups; base < nRows; base += gridDim.x * groups) {
        if (base + warpFirst >= nRows) break;                   // the whole warp is past the end
        const unsigned r = base + group;
        const bool live = r < nRows && lane < len;
        float v = live ? x[(i64) r * len + lane] : -KINF;
        float m = v;
#pragma unroll
        for (int o = G / 2; o > 0; o >>= 1) {
            float w = __shfl_xor_sync(0xffffffffu, m, o, G);
            m = (w > m || w != w) ? w : m;
        }
        float e = live ? expf(v - m) : 0.f, s = e;
#pragma unroll
        for (int o = G / 2; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o, G);
        if (live) out[(i64) r * len + lane] = logMode ? (v - m) - logf(s) : e * (1.f / s);
    }
}

// Cross-entropy of rows against class indices (Op.CrossEntropyRows): log-probabilities come from
// the softmax kernels; these pick the loss per row and make the gradient g (exp(logp) - onehot).
// Targets were checked on the host; one out of range would give NaN rather than a stray read.
template <typename T>
__device__ __forceinline__ void cePick(i64 ignore, unsigned n, unsigned c, T* loss, const T* logp, const i64* t) {
    GRID_STRIDE(i, n) {
        i64 k = t[i];
        loss[i] = k == ignore ? T(0) : (k >= 0 && k < (i64) c ? -logp[(i64) i * c + k] : T(__longlong_as_double(0x7ff8000000000000LL)));
    }
}

template <typename T>
__device__ __forceinline__ void ceGrad(i64 ignore, unsigned total, unsigned c, T* dx, const T* g, const T* logp, const i64* t) {
    GRID_STRIDE(e, total) {
        unsigned i = e / c, j = e % c;
        i64 k = t[i];
        T gi = g[i];
        dx[e] = k == ignore ? T(0) : gi * exp(logp[e]) - ((i64) j == k ? gi : T(0));
    }
}

#define KONA_CROSS_ENTROPY(SUFFIX, T) \
    extern "C" __global__ void ce_pick_##SUFFIX(i64 ignore, unsigned n, unsigned c, T* loss, const T* logp, const i64* t) { \
        cePick<T>(ignore, n, c, loss, logp, t); \
    } \
    extern "C" __global__ void ce_grad_##SUFFIX(i64 ignore, unsigned total, unsigned c, T* dx, const T* g, const T* logp, \
                                                const i64* t) { \
        ceGrad<T>(ignore, total, c, dx, g, logp, t); \
    }
KONA_CROSS_ENTROPY(f32, float)
KONA_CROSS_ENTROPY(f64, double)

#define KONA_SOFTMAX_SMALL(G) \
    extern "C" __global__ void __launch_bounds__(256) softmax_small_f32_##G(int logMode, unsigned nRows, unsigned len, \
                                                                            float* out, const float* x) { \
        softmaxSmallRows<G>(logMode, nRows, len, out, x); \
    }
KONA_SOFTMAX_SMALL(1)
KONA_SOFTMAX_SMALL(2)
KONA_SOFTMAX_SMALL(4)
KONA_SOFTMAX_SMALL(8)
KONA_SOFTMAX_SMALL(16)
KONA_SOFTMAX_SMALL(32)

#define KONA_SOFTMAX_ROWS(N) \
    extern "C" __global__ void __launch_bounds__(1024) softmax_rows_f32_##N(int logMode, unsigned nRows, unsigned len, \
                                                                             float* out, const float* x) { \
        softmaxRows<N>(logMode, nRows, len, out, x); \
    }
KONA_SOFTMAX_ROWS(1)
KONA_SOFTMAX_ROWS(2)
KONA_SOFTMAX_ROWS(4)
KONA_SOFTMAX_ROWS(8)
KONA_SOFTMAX_ROWS(16)

// ---------------------------------------------------------------- indexing
// gather/scatter: g spans the index tensor's shape; st[0] = out (gather) or x/out (scatter),
// st[1] = index strides, st[2] = x (gather) or src (scatter) strides. The axis coordinate of the
// non-index operand is replaced by the index value.

__device__ __forceinline__ void reportIndex(i64* err, i64 v) {
    // Slot 0: flag; slot 1: the offending value (first reporter wins).
    if (atomicCAS((u64*) err, 0ULL, 3ULL) == 0ULL) err[1] = v;
}

template <typename E>
__device__ __forceinline__ void gatherBody(int axis, int axisLen, int xAxisStride, const Geo& g, unsigned n, E* out,
                                           const i64* index, const E* x, i64* err) {
    GRID_STRIDE(i, n) {
        unsigned rem = i;
        i64 oo = 0, io = 0, xo = 0;
        for (int d = g.rank - 1; d >= 0; d--) {
            unsigned s = (unsigned) g.shape[d];
            unsigned q = rem / s, r = rem - q * s;
            rem = q;
            oo += (i64) r * g.st[0][d];
            io += (i64) r * g.st[1][d];
            if (d != axis) xo += (i64) r * g.st[2][d];
        }
        i64 v = index[io];
        if (v < 0 || v >= axisLen) { reportIndex(err, v); continue; }
        out[oo] = x[xo + v * xAxisStride];
    }
}

extern "C" __global__ void gather_gen(int esize, int axis, int axisLen, int xAxisStride, Geo g, unsigned n, void* out,
                                      const i64* index, const void* x, i64* err) {
    switch (esize) {
        case 1: gatherBody<u8>(axis, axisLen, xAxisStride, g, n, (u8*) out, index, (const u8*) x, err); break;
        case 2: gatherBody<u16>(axis, axisLen, xAxisStride, g, n, (u16*) out, index, (const u16*) x, err); break;
        case 4: gatherBody<unsigned>(axis, axisLen, xAxisStride, g, n, (unsigned*) out, index, (const unsigned*) x, err); break;
        default: gatherBody<u64>(axis, axisLen, xAxisStride, g, n, (u64*) out, index, (const u64*) x, err); break;
    }
}

// Scatter: one thread per line along the axis of the index tensor, in order, so duplicate indices
// resolve as on the CPU (last write wins; sums in index order) without atomics.
// lines spans the index shape with the axis dimension set to 1.
extern "C" __global__ void scatter_gen(int add, int axis, int axisLen, int outAxisStride, int idxAxisStride,
                                       int srcAxisStride, unsigned idxAxisLen, Geo lines, unsigned nLines, void* out,
                                       int odt, const i64* index, const void* src, i64* err) {
    bool fl = isFloatCode(odt);
    GRID_STRIDE(l, nLines) {
        unsigned rem = l;
        i64 oo = 0, io = 0, so = 0;
        for (int d = lines.rank - 1; d >= 0; d--) {
            unsigned s = (unsigned) lines.shape[d];
            unsigned q = rem / s, r = rem - q * s;
            rem = q;
            if (d != axis) oo += (i64) r * lines.st[0][d];
            io += (i64) r * lines.st[1][d];
            so += (i64) r * lines.st[2][d];
        }
        for (unsigned j = 0; j < idxAxisLen; j++) {
            i64 v = index[io + (i64) j * idxAxisStride];
            if (v < 0 || v >= axisLen) { reportIndex(err, v); continue; }
                i64 dst = oo + v * outAxisStride, s = so + (i64) j * srcAxisStride;
            if (fl) stD(out, odt, dst, add ? ldD(out, odt, dst) + ldD(src, odt, s) : ldD(src, odt, s));
            else stL(out, odt, dst, add ? ldL(out, odt, dst) + ldL(src, odt, s) : ldL(src, odt, s));
        }
    }
}

// indexSelect: g spans the output; st[0] out strides, st[1] x strides (axis stride unused).
template <typename E>
__device__ __forceinline__ void indexSelectBody(int axis, int axisLen, int xAxisStride, int idxStride, const Geo& g,
                                                unsigned n, E* out, const i64* index, const E* x, i64* err) {
    GRID_STRIDE(i, n) {
        unsigned rem = i;
        i64 oo = 0, xo = 0;
        unsigned at = 0;
        for (int d = g.rank - 1; d >= 0; d--) {
            unsigned s = (unsigned) g.shape[d];
            unsigned q = rem / s, r = rem - q * s;
            rem = q;
            oo += (i64) r * g.st[0][d];
            if (d == axis) at = r; else xo += (i64) r * g.st[1][d];
        }
        i64 v = index[(i64) at * idxStride];
        if (v < 0 || v >= axisLen) { reportIndex(err, v); continue; }
        out[oo] = x[xo + v * xAxisStride];
    }
}

extern "C" __global__ void index_select_gen(int esize, int axis, int axisLen, int xAxisStride, int idxStride, Geo g,
                                            unsigned n, void* out, const i64* index, const void* x, i64* err) {
    switch (esize) {
        case 1: indexSelectBody<u8>(axis, axisLen, xAxisStride, idxStride, g, n, (u8*) out, index, (const u8*) x, err); break;
        case 2: indexSelectBody<u16>(axis, axisLen, xAxisStride, idxStride, g, n, (u16*) out, index, (const u16*) x, err); break;
        case 4: indexSelectBody<unsigned>(axis, axisLen, xAxisStride, idxStride, g, n, (unsigned*) out, index, (const unsigned*) x, err); break;
        default: indexSelectBody<u64>(axis, axisLen, xAxisStride, idxStride, g, n, (u64*) out, index, (const u64*) x, err); break;
    }
}

// nonzero, pass 1: per-block counts of non-zero elements over chunks of 1024 logical elements.
extern "C" __global__ void nonzero_count(Geo g, unsigned n, const void* x, int xdt, i64* blockCounts) {
    __shared__ int warpCounts[32];
    unsigned i = blockIdx.x * 1024 + threadIdx.x;
    bool nz = false;
    if (i < n) {
        i64 o[1];
        offsets<1>(g, i, o);
        nz = isFloatCode(xdt) ? ldD(x, xdt, o[0]) != 0 : ldL(x, xdt, o[0]) != 0;
    }
    unsigned ballot = __ballot_sync(0xffffffffu, nz);
    if ((threadIdx.x & 31) == 0) warpCounts[threadIdx.x >> 5] = __popc(ballot);
    __syncthreads();
    if (threadIdx.x == 0) {
        int c = 0;
        for (int w = 0; w < 32; w++) c += warpCounts[w];
        blockCounts[blockIdx.x] = c;
    }
}

// nonzero, pass 2: writes the multi-indices of the non-zero elements, in order, from each block's
// start (exclusive prefix of pass 1's counts, computed on the host).
extern "C" __global__ void nonzero_write(Geo g, unsigned n, const void* x, int xdt, const i64* blockStarts, i64* out) {
    __shared__ int warpCounts[32];
    unsigned i = blockIdx.x * 1024 + threadIdx.x;
    bool nz = false;
    if (i < n) {
        i64 o[1];
        offsets<1>(g, i, o);
        nz = isFloatCode(xdt) ? ldD(x, xdt, o[0]) != 0 : ldL(x, xdt, o[0]) != 0;
    }
    unsigned lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    unsigned ballot = __ballot_sync(0xffffffffu, nz);
    if (lane == 0) warpCounts[warp] = __popc(ballot);
    __syncthreads();
    if (nz) {
        i64 pos = blockStarts[blockIdx.x];
        for (unsigned w = 0; w < warp; w++) pos += warpCounts[w];
        pos += __popc(ballot & ((1u << lane) - 1u));
        // g.shape here is the logical shape (not merged): decompose i into coordinates.
        unsigned rem = i;
        for (int d = g.rank - 1; d >= 0; d--) {
            unsigned s = (unsigned) g.shape[d];
            unsigned q = rem / s;
            out[pos * g.rank + d] = rem - q * s;
            rem = q;
        }
    }
}

// ---------------------------------------------------------------- sort and top-k
// Stable order: by key (NaN largest; reversed for descending), ties by original position.

__device__ __forceinline__ bool sortBefore(bool fl, bool desc, double ad, i64 al, int ai, double bd, i64 bl, int bi) {
    int c;
    if (fl) {
        bool an = ad != ad, bn = bd != bd;
        c = (an || bn) ? ((int) an - (int) bn) : (ad < bd ? -1 : (ad > bd ? 1 : 0));
    } else {
        c = al < bl ? -1 : (al > bl ? 1 : 0);
    }
    if (desc) c = -c;
    return c < 0 || (c == 0 && ai < bi);
}

// Rows of up to 2048 elements: bitonic sort of (key, position) pairs in shared memory, one block per
// row; `pow2` is the row length rounded up to a power of two (padding sorts last).
extern "C" __global__ void sort_rows_small(int desc, Geo rows, unsigned nRows, unsigned len, unsigned pow2, int xStride,
                                           int vStride, int iStride, unsigned k, void* values, i64* indices,
                                           const void* x, int xdt) {
    extern __shared__ __align__(16) unsigned char sortShared[];
    double* kd = (double*) sortShared;
    i64* kl = (i64*) (kd + pow2);
    int* pos = (int*) (kl + pow2);
    bool fl = isFloatCode(xdt);
    for (unsigned r = blockIdx.x; r < nRows; r += gridDim.x) {
        i64 o[3];
        offsets<3>(rows, r, o);
        for (unsigned i = threadIdx.x; i < pow2; i += blockDim.x) {
            if (i < len) {
                i64 off = o[0] + (i64) i * xStride;
                kd[i] = fl ? ldD(x, xdt, off) : 0;
                kl[i] = fl ? 0 : ldL(x, xdt, off);
            }
            pos[i] = i;
        }
        __syncthreads();
        for (unsigned size = 2; size <= pow2; size <<= 1) {
            for (unsigned stride = size >> 1; stride > 0; stride >>= 1) {
                for (unsigned t = threadIdx.x; t < pow2 / 2; t += blockDim.x) {
                    unsigned lo = 2 * t - (t & (stride - 1));
                    unsigned hi = lo + stride;
                    bool up = (lo & size) == 0;
                    int pl = pos[lo], ph = pos[hi];
                    // padding (position >= len) sorts after every real element
                    bool hiFirst;
                    if (pl >= (int) len || ph >= (int) len) hiFirst = pl >= (int) len && (ph < (int) len || ph < pl);
                    else hiFirst = sortBefore(fl, desc, kd[hi], kl[hi], ph, kd[lo], kl[lo], pl);
                    if (hiFirst == up) {
                        double td = kd[lo]; kd[lo] = kd[hi]; kd[hi] = td;
                        i64 tl = kl[lo]; kl[lo] = kl[hi]; kl[hi] = tl;
                        pos[lo] = ph; pos[hi] = pl;
                    }
                }
                __syncthreads();
            }
        }
        for (unsigned i = threadIdx.x; i < k; i += blockDim.x) {
            i64 off = o[0] + (i64) pos[i] * xStride;
            if (fl) stD(values, xdt, o[1] + (i64) i * vStride, ldD(x, xdt, off));
            else stL(values, xdt, o[1] + (i64) i * vStride, ldL(x, xdt, off));
            indices[o[2] + (i64) i * iStride] = pos[i];
        }
        __syncthreads();
    }
}

// Longer rows: a bottom-up merge sort of positions per row, one thread per row, in scratch memory
// (two int arrays of len per row).
extern "C" __global__ void sort_rows_large(int desc, Geo rows, unsigned nRows, unsigned len, int xStride, int vStride,
                                           int iStride, unsigned k, void* values, i64* indices, const void* x, int xdt,
                                           int* scratch) {
    bool fl = isFloatCode(xdt);
    GRID_STRIDE(r, nRows) {
        i64 o[3];
        offsets<3>(rows, r, o);
        int* a = scratch + (i64) r * 2 * len;
        int* b = a + len;
        for (unsigned i = 0; i < len; i++) a[i] = i;
        for (unsigned width = 1; width < len; width <<= 1) {
            for (unsigned lo = 0; lo < len; lo += 2 * width) {
                unsigned mid = min(lo + width, len), hi = min(lo + 2 * width, len);
                unsigned i = lo, j = mid, t = lo;
                while (i < mid && j < hi) {
                    i64 oi = o[0] + (i64) a[i] * xStride, oj = o[0] + (i64) a[j] * xStride;
                    bool jFirst = fl ? sortBefore(true, desc, ldD(x, xdt, oj), 0, a[j], ldD(x, xdt, oi), 0, a[i])
                                     : sortBefore(false, desc, 0, ldL(x, xdt, oj), a[j], 0, ldL(x, xdt, oi), a[i]);
                    b[t++] = jFirst ? a[j++] : a[i++];
                }
                while (i < mid) b[t++] = a[i++];
                while (j < hi) b[t++] = a[j++];
            }
            int* tmp = a; a = b; b = tmp;
        }
        for (unsigned i = 0; i < k; i++) {
            i64 off = o[0] + (i64) a[i] * xStride;
            if (fl) stD(values, xdt, o[1] + (i64) i * vStride, ldD(x, xdt, off));
            else stL(values, xdt, o[1] + (i64) i * vStride, ldL(x, xdt, off));
            indices[o[2] + (i64) i * iStride] = a[i];
        }
    }
}

// Op.SoftmaxGrad on contiguous g, y, out viewed as [outer, len, inner]: one block per row.
template <typename T>
__device__ __forceinline__ void softmaxGradBody(int logMode, unsigned nRows, unsigned len, unsigned inner, T* out,
                                                const T* g, const T* y) {
    __shared__ __align__(8) unsigned char sgShared[32 * sizeof(double)];
    T* red = (T*) sgShared;
    for (unsigned r = blockIdx.x; r < nRows; r += gridDim.x) {
        i64 base = (i64) (r / inner) * len * inner + r % inner;
        T s = 0;
        for (unsigned i = threadIdx.x; i < len; i += blockDim.x) {
            i64 k = base + (i64) i * inner;
            s += logMode ? g[k] : g[k] * y[k];
        }
        s = blockReduce<T>(s, false, red);
        for (unsigned i = threadIdx.x; i < len; i += blockDim.x) {
            i64 k = base + (i64) i * inner;
            out[k] = logMode ? g[k] - exp(y[k]) * s : y[k] * (g[k] - s);
        }
    }
}

extern "C" __global__ void softmax_grad_f32(int logMode, unsigned nRows, unsigned len, unsigned inner, float* out,
                                            const float* g, const float* y) {
    softmaxGradBody<float>(logMode, nRows, len, inner, out, g, y);
}

extern "C" __global__ void softmax_grad_f64(int logMode, unsigned nRows, unsigned len, unsigned inner, double* out,
                                            const double* g, const double* y) {
    softmaxGradBody<double>(logMode, nRows, len, inner, out, g, y);
}

// ---------------------------------------------------------------- layer norm
// Op.LayerNorm and Op.LayerNormGrad on contiguous rows [rows, n]: one block (a multiple of 32
// threads) per row; the weight gradients sum each column over the rows in order, one thread per column.

template <typename T>
__device__ __forceinline__ void layerNormBody(T eps, unsigned rows, unsigned n, T* y, T* mean, T* rstd, const T* x,
                                              const T* w, const T* b) {
    __shared__ __align__(8) unsigned char lnShared[32 * sizeof(double)];
    T* red = (T*) lnShared;
    for (unsigned r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + (i64) r * n;
        T s = 0;
        for (unsigned j = threadIdx.x; j < n; j += blockDim.x) s += xr[j];
        T mu = blockReduce<T>(s, false, red) / (T) n;
        T q = 0;
        for (unsigned j = threadIdx.x; j < n; j += blockDim.x) {
            T d = xr[j] - mu;
            q += d * d;
        }
        T rs = T(1) / sqrt(blockReduce<T>(q, false, red) / (T) n + eps);
        for (unsigned j = threadIdx.x; j < n; j += blockDim.x) y[(i64) r * n + j] = (xr[j] - mu) * rs * w[j] + b[j];
        if (threadIdx.x == 0) {
            mean[r] = mu;
            rstd[r] = rs;
        }
    }
}

extern "C" __global__ void layer_norm_f32(float eps, unsigned rows, unsigned n, float* y, float* mean, float* rstd,
                                          const float* x, const float* w, const float* b) {
    layerNormBody<float>(eps, rows, n, y, mean, rstd, x, w, b);
}

extern "C" __global__ void layer_norm_f64(double eps, unsigned rows, unsigned n, double* y, double* mean, double* rstd,
                                          const double* x, const double* w, const double* b) {
    layerNormBody<double>(eps, rows, n, y, mean, rstd, x, w, b);
}

template <typename T>
__device__ __forceinline__ void layerNormGradBody(unsigned rows, unsigned n, T* dx, const T* g, const T* x, const T* w,
                                                  const T* mean, const T* rstd) {
    __shared__ __align__(8) unsigned char lnShared[32 * sizeof(double)];
    T* red = (T*) lnShared;
    for (unsigned r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + (i64) r * n;
        const T* gr = g + (i64) r * n;
        T mu = mean[r], rs = rstd[r], a = 0, c = 0;
        for (unsigned j = threadIdx.x; j < n; j += blockDim.x) {
            T gw = gr[j] * w[j];
            a += gw;
            c += gw * (xr[j] - mu) * rs;
        }
        T am = blockReduce<T>(a, false, red) / (T) n;
        T cm = blockReduce<T>(c, false, red) / (T) n;
        for (unsigned j = threadIdx.x; j < n; j += blockDim.x) {
            dx[(i64) r * n + j] = (gr[j] * w[j] - am - (xr[j] - mu) * rs * cm) * rs;
        }
    }
}

extern "C" __global__ void layer_norm_grad_f32(unsigned rows, unsigned n, float* dx, const float* g, const float* x,
                                               const float* w, const float* mean, const float* rstd) {
    layerNormGradBody<float>(rows, n, dx, g, x, w, mean, rstd);
}

extern "C" __global__ void layer_norm_grad_f64(unsigned rows, unsigned n, double* dx, const double* g, const double* x,
                                               const double* w, const double* mean, const double* rstd) {
    layerNormGradBody<double>(rows, n, dx, g, x, w, mean, rstd);
}

template <typename T>
__device__ __forceinline__ void layerNormWeightGradBody(unsigned rows, unsigned n, T* dw, T* db, const T* g, const T* x,
                                                        const T* mean, const T* rstd) {
    GRID_STRIDE(j, n) {
        T sw = 0, sb = 0;
        for (unsigned r = 0; r < rows; r++) {
            T gv = g[(i64) r * n + j];
            sw += gv * (x[(i64) r * n + j] - mean[r]) * rstd[r];
            sb += gv;
        }
        dw[j] = sw;
        db[j] = sb;
    }
}

extern "C" __global__ void layer_norm_weight_grad_f32(unsigned rows, unsigned n, float* dw, float* db, const float* g,
                                                      const float* x, const float* mean, const float* rstd) {
    layerNormWeightGradBody<float>(rows, n, dw, db, g, x, mean, rstd);
}

extern "C" __global__ void layer_norm_weight_grad_f64(unsigned rows, unsigned n, double* dw, double* db, const double* g,
                                                      const double* x, const double* mean, const double* rstd) {
    layerNormWeightGradBody<double>(rows, n, dw, db, g, x, mean, rstd);
}

// ---------------------------------------------------------------- counter-based uniform draws
// Element i is SplitMix64(seed + (i + 1) * gamma), as RandomCpu.java: the same bits on every device.

extern "C" __global__ void uniform_fill(u64 seed, unsigned n, void* out, int odt) {
    GRID_STRIDE(i, n) {
        u64 z = seed + ((u64) i + 1ULL) * 0x9E3779B97F4A7C15ULL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        if (odt == 0) ((float*) out)[i] = (float) (z >> 40) * 5.9604644775390625e-8f;
        else ((double*) out)[i] = (double) (z >> 11) * 1.1102230246251565e-16;
    }
}

// Op.Dropout on contiguous operands: element i kept when the top 24 (float32) or 53 (float64) bits
// of the same hash reach the threshold, which is u >= p in the dtype (Op.Dropout.threshold).
__device__ __forceinline__ u64 splitmix(u64 seed, u64 i) {
    u64 z = seed + (i + 1ULL) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

extern "C" __global__ void dropout_f32(u64 seed, u64 threshold, float scale, unsigned n, float* out, const float* x) {
    GRID_STRIDE(i, n) out[i] = x[i] * ((splitmix(seed, i) >> 40) >= threshold ? scale : 0.f);
}

extern "C" __global__ void dropout_f64(u64 seed, u64 threshold, double scale, unsigned n, double* out, const double* x) {
    GRID_STRIDE(i, n) out[i] = x[i] * ((splitmix(seed, i) >> 11) >= threshold ? scale : 0.0);
}

// ---------------------------------------------------------------- optimizers (contiguous operands)

extern "C" __global__ void adam_f32(unsigned n, float* p, float* m, float* v, float* vmax, const float* g, float b1,
                                    float b2, float eps, float sign, float l2, float decay, float stepSize, float bc2Sqrt) {
    float c1 = 1 - b1, c2 = 1 - b2;
    GRID_STRIDE(i, n) {
        float pi = p[i];
        float gi = sign * g[i] + l2 * pi;
        float mi = fmaf(gi - m[i], c1, m[i]);
        if (fabsf(mi) < 1.17549435e-38f) mi = 0.f;
        float vi = v[i] * b2 + gi * gi * c2;
        if (vi < 1.17549435e-38f) vi = 0.f;
        m[i] = mi;
        v[i] = vi;
        if (vmax) { vi = fmaxf(vmax[i], vi); vmax[i] = vi; }
        p[i] = pi * decay - mi * stepSize / (sqrtf(vi) / bc2Sqrt + eps);
    }
}

extern "C" __global__ void adam_f64(unsigned n, double* p, double* m, double* v, double* vmax, const double* g,
                                    double b1, double b2, double eps, double sign, double l2, double decay,
                                    double stepSize, double bc2Sqrt) {
    GRID_STRIDE(i, n) {
        double gi = sign * g[i] + l2 * p[i];
        double pi = p[i] * decay;
        double mi = m[i] + (1 - b1) * (gi - m[i]);
        double vi = v[i] * b2 + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        if (vmax) { vi = fmax(vmax[i], vi); vmax[i] = vi; }
        p[i] = pi - stepSize * mi / (sqrt(vi) / bc2Sqrt + eps);
    }
}

extern "C" __global__ void sgd_f32(unsigned n, float* p, float* buf, const float* g, float lr, float mom, float damp,
                                   float wd, float sign, int first, int nesterov) {
    GRID_STRIDE(i, n) {
        float gi = sign * g[i] + wd * p[i];
        if (buf) {
            float b = first ? gi : buf[i] * mom + damp * gi;
            if (fabsf(b) < 1.17549435e-38f) b = 0.f;
            buf[i] = b;
            gi = nesterov ? gi + mom * b : b;
        }
        p[i] -= lr * gi;
    }
}

extern "C" __global__ void sgd_f64(unsigned n, double* p, double* buf, const double* g, double lr, double mom,
                                   double dampening, double wd, double sign, int first, int nesterov) {
    GRID_STRIDE(i, n) {
        double gi = sign * g[i] + wd * p[i];
        if (buf) {
            double b = first ? gi : buf[i] * mom + (1 - dampening) * gi;
            buf[i] = b;
            gi = nesterov ? gi + mom * b : b;
        }
        p[i] -= lr * gi;
    }
}

// ---------------------------------------------------------------- im2col / col2im

// The sliding-window geometry of Op.Im2Col / Op.Col2Im (Window in Op.java) with the image's
// channels and size, and the element strides of the strided operand: the image for im2col
// (plane n, channel c, row, column), the columns for col2im (sample n, unused, kernel row, position).
struct Win {
    int kh, kw, sh, sw, ph, pw, dh, dw, oh, ow;
    int c, h, w;
    int sn, sc, rs, cs;
};

// One thread per column entry: out [N, C*kh*kw, oh*ow] contiguous.
template <typename T>
__device__ __forceinline__ void im2colBody(Win g, unsigned n, T pad, T* out, const T* x) {
    unsigned L = (unsigned) (g.oh * g.ow), kk = (unsigned) (g.kh * g.kw);
    GRID_STRIDE(i, n) {
        unsigned l = i % L, t = i / L;
        unsigned k = t % kk, nc = t / kk;
        int a = (int) (k / g.kw), b = (int) (k % g.kw);
        int ih = (int) (l / g.ow) * g.sh - g.ph + a * g.dh;
        int iw = (int) (l % g.ow) * g.sw - g.pw + b * g.dw;
        T v = pad;
        if (ih >= 0 && ih < g.h && iw >= 0 && iw < g.w) {
            i64 at = (i64) (nc / g.c) * g.sn + (i64) (nc % g.c) * g.sc + (i64) ih * g.rs + (i64) iw * g.cs;
            v = x[at];
        }
        out[i] = v;
    }
}

extern "C" __global__ void im2col_f32(Win g, unsigned n, float pad, float* out, const float* x) {
    im2colBody<float>(g, n, pad, out, x);
}

extern "C" __global__ void im2col_f64(Win g, unsigned n, double pad, double* out, const double* x) {
    im2colBody<double>(g, n, pad, out, x);
}

// One thread per image element, out [N, C, H, W] contiguous: the sum of the column entries of every
// window that reads it, in kernel order (a, b) as on the CPU. Deterministic: no atomics.
template <typename T>
__device__ __forceinline__ void col2imBody(Win g, unsigned n, T* out, const T* cols) {
    unsigned hw = (unsigned) (g.h * g.w);
    int kk = g.kh * g.kw;
    GRID_STRIDE(i, n) {
        unsigned p = i % hw, nc = i / hw;
        int ih = (int) (p / g.w), iw = (int) (p % g.w);
        i64 base = (i64) (nc / g.c) * g.sn + (i64) (nc % g.c) * kk * g.rs;
        T acc = 0;
        for (int a = 0; a < g.kh; a++) {
            int ty = ih + g.ph - a * g.dh;
            if (ty < 0 || ty % g.sh != 0) continue;
            int y = ty / g.sh;
            if (y >= g.oh) continue;
            for (int b = 0; b < g.kw; b++) {
                int tx = iw + g.pw - b * g.dw;
                if (tx < 0 || tx % g.sw != 0) continue;
                int x = tx / g.sw;
                if (x >= g.ow) continue;
                acc += cols[base + (i64) (a * g.kw + b) * g.rs + (i64) (y * g.ow + x) * g.cs];
            }
        }
        out[i] = acc;
    }
}

extern "C" __global__ void col2im_f32(Win g, unsigned n, float* out, const float* cols) {
    col2imBody<float>(g, n, out, cols);
}

extern "C" __global__ void col2im_f64(Win g, unsigned n, double* out, const double* cols) {
    col2imBody<double>(g, n, out, cols);
}

// ---------------------------------------------------------------- Winograd F(2x2, 3x3) transforms (Op.Conv3x3)

// The geometry of Op.Conv3x3: image h x w with padding ph, pw before the
// first row and column, output oh x ow, th x tw tiles per image, and the element strides of the
// strided input (s0..s3: of x [N, C, h, w], of V / M [16, C, T], or of dy [N, K, oh, ow]).
struct Wino {
    int h, w, ph, pw, oh, ow, th, tw;
    int s0, s1, s2, s3;
};

// One thread per (channel, tile): the 4x4 input tile d (zeros outside the image) becomes B^T d B,
// out [16, C, T] contiguous.
template <typename T>
__device__ __forceinline__ void winoInBody(Wino g, unsigned C, unsigned T_, T* out, const T* x) {
    unsigned tiles = (unsigned) (g.th * g.tw), n = C * T_;
    GRID_STRIDE(i, n) {
        unsigned c = i / T_, t = i % T_;
        unsigned ni = t / tiles, r = t % tiles;
        int r0 = (int) (r / g.tw) * 2 - g.ph, c0 = (int) (r % g.tw) * 2 - g.pw;
        T d[16];
        i64 base = (i64) ni * g.s0 + (i64) c * g.s1;
#pragma unroll
        for (int a = 0; a < 4; a++) {
#pragma unroll
            for (int b = 0; b < 4; b++) {
                int y = r0 + a, z = c0 + b;
                d[4 * a + b] = (y >= 0 && y < g.h && z >= 0 && z < g.w) ? x[base + (i64) y * g.s2 + (i64) z * g.s3] : (T) 0;
            }
        }
#pragma unroll
        for (int b = 0; b < 4; b++) {
            T v0 = d[b], v1 = d[4 + b], v2 = d[8 + b], v3 = d[12 + b];
            d[b] = v0 - v2; d[4 + b] = v1 + v2; d[8 + b] = v2 - v1; d[12 + b] = v1 - v3;
        }
#pragma unroll
        for (int a = 0; a < 16; a += 4) {
            T v0 = d[a], v1 = d[a + 1], v2 = d[a + 2], v3 = d[a + 3];
            d[a] = v0 - v2; d[a + 1] = v1 + v2; d[a + 2] = v2 - v1; d[a + 3] = v1 - v3;
        }
#pragma unroll
        for (int k = 0; k < 16; k++) out[(i64) k * n + i] = d[k];
    }
}

extern "C" __global__ void winograd_in_f32(Wino g, unsigned C, unsigned T_, float* out, const float* x) {
    winoInBody<float>(g, C, T_, out, x);
}

extern "C" __global__ void winograd_in_f64(Wino g, unsigned C, unsigned T_, double* out, const double* x) {
    winoInBody<double>(g, C, T_, out, x);
}

// Row q of B applied to (v0, v1, v2, v3): B v = (v0, v1 - v2 + v3, v1 + v2 - v0, -v3).
template <typename T>
__device__ __forceinline__ T bRow(int q, T v0, T v1, T v2, T v3) {
    switch (q) {
        case 0: return v0;
        case 1: return v1 - v2 + v3;
        case 2: return v1 + v2 - v0;
        default: return -v3;
    }
}

// One thread per image element (n, c, y, z) of out [N, C, h, w]: the sum over the tiles that read it,
// in tile order, of entry (y - r0, z - c0) of B v B^T. No atomics.
template <typename T>
__device__ __forceinline__ void winoInAdjBody(Wino g, unsigned C, unsigned n, T* out, const T* v) {
    unsigned hw = (unsigned) (g.h * g.w), tiles = (unsigned) (g.th * g.tw);
    GRID_STRIDE(i, n) {
        unsigned p = i % hw, nc = i / hw;
        unsigned ni = nc / C, c = nc % C;
        int y = (int) (p / g.w), z = (int) (p % g.w);
        int iLo = max(0, (y + g.ph - 2) / 2), iHi = min(g.th - 1, (y + g.ph) / 2);
        int jLo = max(0, (z + g.pw - 2) / 2), jHi = min(g.tw - 1, (z + g.pw) / 2);
        T acc = 0;
        for (int ti = iLo; ti <= iHi; ti++) {
            int r = y - (2 * ti - g.ph);
            if (r < 0 || r > 3) continue;
            for (int tj = jLo; tj <= jHi; tj++) {
                int q = z - (2 * tj - g.pw);
                if (q < 0 || q > 3) continue;
                i64 at = (i64) c * g.s1 + (i64) (ni * tiles + ti * g.tw + tj) * g.s2;
                T rows[4];
#pragma unroll
                for (int a = 0; a < 4; a++) {
                    rows[a] = bRow<T>(q, v[at + (i64) (4 * a) * g.s0], v[at + (i64) (4 * a + 1) * g.s0],
                                      v[at + (i64) (4 * a + 2) * g.s0], v[at + (i64) (4 * a + 3) * g.s0]);
                }
                acc += bRow<T>(r, rows[0], rows[1], rows[2], rows[3]);
            }
        }
        out[i] = acc;
    }
}

extern "C" __global__ void winograd_in_adj_f32(Wino g, unsigned C, unsigned n, float* out, const float* v) {
    winoInAdjBody<float>(g, C, n, out, v);
}

extern "C" __global__ void winograd_in_adj_f64(Wino g, unsigned C, unsigned n, double* out, const double* v) {
    winoInAdjBody<double>(g, C, n, out, v);
}

// One thread per (k, tile) of M [16, K, T]: the 2x2 output A^T m A, entries past oh x ow dropped;
// out [N, K, oh, ow] contiguous.
template <typename T>
__device__ __forceinline__ void winoOutBody(Wino g, unsigned K, unsigned T_, T* out, const T* m) {
    unsigned tiles = (unsigned) (g.th * g.tw), n = K * T_;
    GRID_STRIDE(i, n) {
        unsigned k = i / T_, t = i % T_;
        unsigned ni = t / tiles, r = t % tiles;
        int y = (int) (r / g.tw) * 2, z = (int) (r % g.tw) * 2;
        i64 at = (i64) k * g.s1 + (i64) t * g.s2;
        T s[8];
#pragma unroll
        for (int b = 0; b < 4; b++) {
            T v0 = m[at + (i64) b * g.s0], v1 = m[at + (i64) (4 + b) * g.s0];
            T v2 = m[at + (i64) (8 + b) * g.s0], v3 = m[at + (i64) (12 + b) * g.s0];
            s[b] = v0 + v1 + v2;
            s[4 + b] = v1 - v2 - v3;
        }
        i64 o = ((i64) (ni * K + k) * g.oh + y) * g.ow + z;
        bool down = y + 1 < g.oh, right = z + 1 < g.ow;
        out[o] = s[0] + s[1] + s[2];
        if (right) out[o + 1] = s[1] - s[2] - s[3];
        if (down) {
            out[o + g.ow] = s[4] + s[5] + s[6];
            if (right) out[o + g.ow + 1] = s[5] - s[6] - s[7];
        }
    }
}

extern "C" __global__ void winograd_out_f32(Wino g, unsigned K, unsigned T_, float* out, const float* m) {
    winoOutBody<float>(g, K, T_, out, m);
}

extern "C" __global__ void winograd_out_f64(Wino g, unsigned K, unsigned T_, double* out, const double* m) {
    winoOutBody<double>(g, K, T_, out, m);
}

// One thread per (k, tile): the output-gradient tile u (2x2, zeros past oh x ow) becomes A u A^T,
// out [16, K, T] contiguous.
template <typename T>
__device__ __forceinline__ void winoOutAdjBody(Wino g, unsigned K, unsigned T_, T* out, const T* dy) {
    unsigned tiles = (unsigned) (g.th * g.tw), n = K * T_;
    GRID_STRIDE(i, n) {
        unsigned k = i / T_, t = i % T_;
        unsigned ni = t / tiles, r = t % tiles;
        int y = (int) (r / g.tw) * 2, z = (int) (r % g.tw) * 2;
        bool down = y + 1 < g.oh, right = z + 1 < g.ow;
        i64 p = (i64) ni * g.s0 + (i64) k * g.s1 + (i64) y * g.s2 + (i64) z * g.s3;
        T u00 = dy[p], u01 = right ? dy[p + g.s3] : (T) 0;
        T u10 = down ? dy[p + g.s2] : (T) 0, u11 = (down && right) ? dy[p + g.s2 + g.s3] : (T) 0;
        T r0[4] = {u00, u00 + u01, u00 - u01, -u01};
        T r1[4] = {u10, u10 + u11, u10 - u11, -u11};
#pragma unroll
        for (int b = 0; b < 4; b++) {
            out[(i64) b * n + i] = r0[b];
            out[(i64) (4 + b) * n + i] = r0[b] + r1[b];
            out[(i64) (8 + b) * n + i] = r0[b] - r1[b];
            out[(i64) (12 + b) * n + i] = -r1[b];
        }
    }
}

extern "C" __global__ void winograd_out_adj_f32(Wino g, unsigned K, unsigned T_, float* out, const float* dy) {
    winoOutAdjBody<float>(g, K, T_, out, dy);
}

extern "C" __global__ void winograd_out_adj_f64(Wino g, unsigned K, unsigned T_, double* out, const double* dy) {
    winoOutAdjBody<double>(g, K, T_, out, dy);
}

// One thread per filter (k, c) of w [K, C, 3, 3] (strides s0..s3): u [16, K, C] = G g G^T, with G the
// 4x3 matrix rows (1, 0, 0), (1/2, 1/2, 1/2), (1/2, -1/2, 1/2), (0, 0, 1).
template <typename T>
__device__ __forceinline__ void winoWeightBody(unsigned K, unsigned C, int s0, int s1, int s2, int s3, T* u, const T* w) {
    unsigned n = K * C;
    GRID_STRIDE(i, n) {
        unsigned k = i / C, c = i % C;
        T g[9];
#pragma unroll
        for (int a = 0; a < 3; a++) {
#pragma unroll
            for (int b = 0; b < 3; b++) g[3 * a + b] = w[(i64) k * s0 + (i64) c * s1 + (i64) a * s2 + (i64) b * s3];
        }
        T t[12];
#pragma unroll
        for (int j = 0; j < 3; j++) {
            t[j] = g[j];
            t[3 + j] = (g[j] + g[3 + j] + g[6 + j]) * (T) 0.5;
            t[6 + j] = (g[j] - g[3 + j] + g[6 + j]) * (T) 0.5;
            t[9 + j] = g[6 + j];
        }
#pragma unroll
        for (int a = 0; a < 4; a++) {
            T v0 = t[3 * a], v1 = t[3 * a + 1], v2 = t[3 * a + 2];
            u[(i64) (4 * a) * n + i] = v0;
            u[(i64) (4 * a + 1) * n + i] = (v0 + v1 + v2) * (T) 0.5;
            u[(i64) (4 * a + 2) * n + i] = (v0 - v1 + v2) * (T) 0.5;
            u[(i64) (4 * a + 3) * n + i] = v2;
        }
    }
}

extern "C" __global__ void winograd_weight_f32(unsigned K, unsigned C, int s0, int s1, int s2, int s3, float* u, const float* w) {
    winoWeightBody<float>(K, C, s0, s1, s2, s3, u, w);
}

extern "C" __global__ void winograd_weight_f64(unsigned K, unsigned C, int s0, int s1, int s2, int s3, double* u,
                                               const double* w) {
    winoWeightBody<double>(K, C, s0, s1, s2, s3, u, w);
}

// One thread per filter: dw [K, C, 3, 3] contiguous = G^T du G, the adjoint of the weight transform
// (du [16, K, C] contiguous).
template <typename T>
__device__ __forceinline__ void winoWeightGradBody(unsigned K, unsigned C, T* dw, const T* du) {
    unsigned n = K * C;
    GRID_STRIDE(i, n) {
        T d[16];
#pragma unroll
        for (int e = 0; e < 16; e++) d[e] = du[(i64) e * n + i];
        T t[12];  // G^T d: 3 rows of 4
#pragma unroll
        for (int b = 0; b < 4; b++) {
            t[b] = d[b] + (d[4 + b] + d[8 + b]) * (T) 0.5;
            t[4 + b] = (d[4 + b] - d[8 + b]) * (T) 0.5;
            t[8 + b] = (d[4 + b] + d[8 + b]) * (T) 0.5 + d[12 + b];
        }
#pragma unroll
        for (int a = 0; a < 3; a++) {
            T v0 = t[4 * a], v1 = t[4 * a + 1], v2 = t[4 * a + 2], v3 = t[4 * a + 3];
            dw[(i64) i * 9 + 3 * a] = v0 + (v1 + v2) * (T) 0.5;
            dw[(i64) i * 9 + 3 * a + 1] = (v1 - v2) * (T) 0.5;
            dw[(i64) i * 9 + 3 * a + 2] = (v1 + v2) * (T) 0.5 + v3;
        }
    }
}

extern "C" __global__ void winograd_weight_grad_f32(unsigned K, unsigned C, float* dw, const float* du) {
    winoWeightGradBody<float>(K, C, dw, du);
}

extern "C" __global__ void winograd_weight_grad_f64(unsigned K, unsigned C, double* dw, const double* du) {
    winoWeightGradBody<double>(K, C, dw, du);
}

// ---------------------------------------------------------------- max pooling

// One thread per output element of values / indices [N, C, oh, ow] (contiguous): the largest element
// of its window (positions outside the image skipped) and the flat index row*W + column of its first
// occurrence in window order; a NaN wins and stays, as on the CPU. Strides of x in g (Win, as im2col).
template <typename T>
__device__ __forceinline__ void maxPoolBody(Win g, unsigned n, T* values, i64* indices, const T* x) {
    unsigned L = (unsigned) (g.oh * g.ow);
    GRID_STRIDE(i, n) {
        unsigned l = i % L, nc = i / L;
        int oi = (int) (l / g.ow), oj = (int) (l % g.ow);
        i64 base = (i64) (nc / g.c) * g.sn + (i64) (nc % g.c) * g.sc;
        T best = -(T) KINF;
        int at = -1;
        for (int a = 0; a < g.kh; a++) {
            int ih = oi * g.sh - g.ph + a * g.dh;
            if (ih < 0 || ih >= g.h) continue;
            for (int b = 0; b < g.kw; b++) {
                int iw = oj * g.sw - g.pw + b * g.dw;
                if (iw < 0 || iw >= g.w) continue;
                T e = x[base + (i64) ih * g.rs + (i64) iw * g.cs];
                if (at < 0 || e > best || (e != e && best == best)) {
                    best = e;
                    at = ih * g.w + iw;
                }
            }
        }
        values[i] = best;
        indices[i] = at < 0 ? 0 : at;
    }
}

extern "C" __global__ void max_pool_f32(Win g, unsigned n, float* values, i64* indices, const float* x) {
    maxPoolBody<float>(g, n, values, indices, x);
}

extern "C" __global__ void max_pool_f64(Win g, unsigned n, double* values, i64* indices, const double* x) {
    maxPoolBody<double>(g, n, values, indices, x);
}

// One thread per image element of dx [N, C, H, W] (contiguous): the sum of the output gradients of the
// windows whose maximum it is (indices [N, C, oh, ow], flat positions), windows in output order as on
// the CPU. g and indices contiguous. No atomics.
template <typename T>
__device__ __forceinline__ void maxPoolGradBody(Win g, unsigned n, T* dx, const T* grad, const i64* indices) {
    unsigned hw = (unsigned) (g.h * g.w), L = (unsigned) (g.oh * g.ow);
    GRID_STRIDE(i, n) {
        unsigned p = i % hw, nc = i / hw;
        int ih = (int) (p / g.w), iw = (int) (p % g.w);
        i64 base = (i64) nc * L;
        T acc = 0;
        for (int a = g.kh - 1; a >= 0; a--) {
            int ty = ih + g.ph - a * g.dh;
            if (ty < 0 || ty % g.sh != 0) continue;
            int y = ty / g.sh;
            if (y >= g.oh) continue;
            for (int b = g.kw - 1; b >= 0; b--) {
                int tx = iw + g.pw - b * g.dw;
                if (tx < 0 || tx % g.sw != 0) continue;
                int x = tx / g.sw;
                if (x >= g.ow) continue;
                i64 o = base + (i64) y * g.ow + x;
                if (indices[o] == (i64) p) acc += grad[o];
            }
        }
        dx[i] = acc;
    }
}

extern "C" __global__ void max_pool_grad_f32(Win g, unsigned n, float* dx, const float* grad, const i64* indices) {
    maxPoolGradBody<float>(g, n, dx, grad, indices);
}

extern "C" __global__ void max_pool_grad_f64(Win g, unsigned n, double* dx, const double* grad, const i64* indices) {
    maxPoolGradBody<double>(g, n, dx, grad, indices);
}

// ---------------------------------------------------------------- LSTM cell (contiguous operands, Op.LstmCell)

// One thread per hidden unit of a row: n = B*H units, gates and act rows 4H wide.
template <typename T>
__device__ __forceinline__ void lstmCellBody(unsigned n, unsigned hid, const T* gates, const T* c, T* act, T* c2, T* tc, T* h) {
    GRID_STRIDE(u, n) {
        unsigned r = u / hid, j = u % hid;
        const T* g = gates + (size_t) r * 4 * hid;
        T* a = act + (size_t) r * 4 * hid;
        T i = sigm(g[j]), f = sigm(g[hid + j]), gg = tanh(g[2 * hid + j]), o = sigm(g[3 * hid + j]);
        a[j] = i;
        a[hid + j] = f;
        a[2 * hid + j] = gg;
        a[3 * hid + j] = o;
        T cn = f * c[u] + i * gg;
        T t = tanh(cn);
        c2[u] = cn;
        tc[u] = t;
        h[u] = o * t;
    }
}

extern "C" __global__ void lstm_cell_f32(unsigned n, unsigned hid, const float* gates, const float* c, float* act, float* c2,
                                         float* tc, float* h) {
    lstmCellBody<float>(n, hid, gates, c, act, c2, tc, h);
}

extern "C" __global__ void lstm_cell_f64(unsigned n, unsigned hid, const double* gates, const double* c, double* act, double* c2,
                                         double* tc, double* h) {
    lstmCellBody<double>(n, hid, gates, c, act, c2, tc, h);
}

template <typename T>
__device__ __forceinline__ void lstmCellBackwardBody(unsigned n, unsigned hid, const T* act, const T* tc, const T* c, const T* dh,
                                                     const T* dc, T* dgates, T* dcPrev) {
    GRID_STRIDE(u, n) {
        unsigned r = u / hid, j = u % hid;
        const T* a = act + (size_t) r * 4 * hid;
        T* dg = dgates + (size_t) r * 4 * hid;
        T i = a[j], f = a[hid + j], g = a[2 * hid + j], o = a[3 * hid + j], t = tc[u], d = dh[u];
        T dct = (T(1) - t * t) * o * d + dc[u];
        dg[j] = dct * g * ((T(1) - i) * i);
        dg[hid + j] = dct * c[u] * ((T(1) - f) * f);
        dg[2 * hid + j] = (T(1) - g * g) * i * dct;
        dg[3 * hid + j] = (T(1) - o) * o * t * d;
        dcPrev[u] = dct * f;
    }
}

extern "C" __global__ void lstm_cell_backward_f32(unsigned n, unsigned hid, const float* act, const float* tc, const float* c,
                                                  const float* dh, const float* dc, float* dgates, float* dcPrev) {
    lstmCellBackwardBody<float>(n, hid, act, tc, c, dh, dc, dgates, dcPrev);
}

extern "C" __global__ void lstm_cell_backward_f64(unsigned n, unsigned hid, const double* act, const double* tc, const double* c,
                                                  const double* dh, const double* dc, double* dgates, double* dcPrev) {
    lstmCellBackwardBody<double>(n, hid, act, tc, c, dh, dc, dgates, dcPrev);
}
