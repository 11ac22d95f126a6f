/**
 * The CUDA backend: NVIDIA GPUs through the driver API, NVRTC (Kona's own kernels, compiled at run
 * time) and cuBLAS, all bound with {@code java.lang.foreign}. Nothing here loads a native library
 * until a program asks for a {@code cuda} device.
 */
package dev.kona.cuda;
