package dev.kona.nn;

import dev.kona.Shape;
import dev.kona.Tensor;

/**
 * Group normalisation, as PyTorch's {@code nn.GroupNorm}: the C channels of {@code x [N, C, *]}
 * are split into {@code numGroups} groups; each group of each sample is normalised over its
 * channels and positions (biased variance), then each channel is scaled and shifted by the
 * per-channel weight and bias {@code [C]} (ones and zeros at first). Output: the input's shape.
 *
 * <pre>{@code
 * var gn = new GroupNorm(4, 32);
 * Tensor y = gn.call(Tensor.randn(8, 32, 16, 16));   // statistics over 8 channels x 16 x 16 per group
 * }</pre>
 *
 * <p>{@code numGroups = 1} normalises each sample over everything (LayerNorm over {@code [C, *]}
 * with per-channel affine); {@code numGroups = C} is instance normalisation.
 */
public final class GroupNorm extends Module {
    private final int numGroups;
    private final int numChannels;
    private final double eps;
    private final boolean affine;

    /** With eps 1e-5 and a learned per-channel weight and bias. */
    public GroupNorm(int numGroups, int numChannels) {
        this(numGroups, numChannels, 1e-5, true);
    }

    public GroupNorm(int numGroups, int numChannels, double eps, boolean affine) {
        if (numGroups <= 0 || numChannels <= 0) {
            throw new IllegalArgumentException("GroupNorm: numGroups and numChannels must be positive, got numGroups="
                    + numGroups + ", numChannels=" + numChannels);
        }
        if (numChannels % numGroups != 0) {
            throw new IllegalArgumentException("GroupNorm: numChannels " + numChannels + " is not divisible by numGroups "
                    + numGroups);
        }
        if (!(eps > 0)) throw new IllegalArgumentException("GroupNorm: eps must be > 0, got " + eps);
        this.numGroups = numGroups;
        this.numChannels = numChannels;
        this.eps = eps;
        this.affine = affine;
        if (affine) {
            registerParameter("weight", Tensor.ones(numChannels));
            registerParameter("bias", Tensor.zeros(numChannels));
        }
    }

    public int numGroups() {
        return numGroups;
    }

    public int numChannels() {
        return numChannels;
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() < 2 || input.size(1) != numChannels) {
            throw new IllegalArgumentException("GroupNorm(" + extraRepr() + "): expected input [N, " + numChannels
                    + ", *], got shape " + Shape.format(input.shape()));
        }
        return Normalization.groupNorm(input, numGroups, affine ? param("weight") : null, affine ? param("bias") : null, eps);
    }

    @Override
    protected String extraRepr() {
        return numGroups + ", " + numChannels + ", eps=" + eps + ", affine=" + affine;
    }
}
