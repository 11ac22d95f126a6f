package dev.kona;

import java.util.SplittableRandom;

/**
 * A seeded source of random numbers. Two generators with the same seed produce the same tensors,
 * whatever the thread count. The global one is reseeded by {@link Kona#manualSeed}.
 */
public final class Generator {
    private static final Generator GLOBAL = new Generator(System.nanoTime());

    private SplittableRandom random;
    private long seed;

    public Generator(long seed) {
        manualSeed(seed);
    }

    /** The generator used when none is given. */
    public static Generator global() {
        return GLOBAL;
    }

    /** Reseeds the global generator in place, so code holding it follows the new seed. */
    static void reseedGlobal(long seed) {
        GLOBAL.manualSeed(seed);
    }

    /** Restarts this generator's sequence from {@code seed}; returns this. */
    public synchronized Generator manualSeed(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        return this;
    }

    public long initialSeed() {
        return seed;
    }

    /** Uniform in [0, 1) with 24 random bits, so that it never rounds up to 1 in float32. */
    public synchronized float nextFloat() {
        return (random.nextInt() >>> 8) * 0x1.0p-24f;
    }

    public synchronized double nextDouble() {
        return random.nextDouble();
    }

    public synchronized double nextGaussian() {
        return random.nextGaussian();
    }

    /** A 64-bit seed for a counter-based draw ({@link dev.kona.ops.Op.RandomUniform}), advancing this generator. */
    public synchronized long nextSeed() {
        return random.nextLong();
    }

    /** Uniform in [low, high). */
    public synchronized long nextLong(long low, long high) {
        return random.nextLong(low, high);
    }

    /** Fills an array with uniform floats in [0, 1). */
    public synchronized void fillUniform(float[] out) {
        for (int i = 0; i < out.length; i++) out[i] = (random.nextInt() >>> 8) * 0x1.0p-24f;
    }

    public synchronized void fillUniform(double[] out) {
        for (int i = 0; i < out.length; i++) out[i] = random.nextDouble();
    }

    public synchronized void fillNormal(float[] out) {
        for (int i = 0; i < out.length; i++) out[i] = (float) random.nextGaussian();
    }

    public synchronized void fillNormal(double[] out) {
        for (int i = 0; i < out.length; i++) out[i] = random.nextGaussian();
    }
}
