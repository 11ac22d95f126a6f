package dev.kona.nn;

/**
 * Batch normalisation of {@code [N, C]} or {@code [N, C, L]} per channel C, as PyTorch's {@code nn.BatchNorm1d}: see
 * {@link BatchNorm} for the running statistics and the state-dict keys. Output: the input's shape.
 *
 * <pre>{@code
 * var bn = new BatchNorm1d(64);
 * Tensor y = bn.call(Tensor.randn(32, 64));   // training: batch statistics, running ones updated
 * bn.eval();                                    // evaluation: running statistics
 * }</pre>
 */
public final class BatchNorm1d extends BatchNorm {

    /** With eps 1e-5, momentum 0.1, a learned weight and bias, and running statistics. */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /**
     * @param momentum          the batch's weight in the running statistics, or null for a cumulative average
     * @param affine            whether to learn a per-channel weight and bias
     * @param trackRunningStats whether to keep running statistics (without them evaluation uses the batch's)
     */
    public BatchNorm1d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    boolean acceptsRank(int rank) {
        return rank == 2 || rank == 3;
    }

    @Override
    String expectedRanks() {
        return "2-D or 3-D";
    }
}
