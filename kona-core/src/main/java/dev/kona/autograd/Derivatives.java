package dev.kona.autograd;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.ops.Convolution;
import dev.kona.ops.Elementwise;
import dev.kona.ops.Op;
import dev.kona.ops.Reductions;
import java.util.Arrays;

/**
 * Every derivative rule, one case per primitive of {@link Op}, written in Kona's own tensor ops
 * so that they are differentiable themselves (gradients of gradients). Views, which are not
 * backend primitives, have their rules at the end.
 *
 * <p>Each rule receives the gradient of the output, the op's inputs and its output, and returns
 * one gradient per input (null for an input that gets none, such as an index or a condition).
 */
public final class Derivatives {
    private Derivatives() {}

    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    public static Tensor[] backward(Op op, Tensor g, Tensor[] in, Tensor out) {
        return switch (op) {
            case Op.Unary u -> new Tensor[] {unary(u, g, in[0], out)};
            case Op.Binary b -> binary(b.kind(), g, in[0], in[1], out);
            case Op.Where w -> new Tensor[] {null,
                    sumToShape(Tensor.where(in[0], g, 0.0), in[1].shape()),
                    sumToShape(Tensor.where(in[0], 0.0, g), in[2].shape())};
            case Op.Copy c -> new Tensor[] {sumToShape(g, in[0].shape()).to(in[0].dtype())};
            case Op.Fill f -> new Tensor[0];
            case Op.Reduce r -> new Tensor[] {reduce(r, g, in[0], out)};
            case Op.ArgReduce a -> throw new IllegalStateException("ArgReduce is recorded through its values (see Reductions)");
            case Op.Cumulative c -> new Tensor[] {cumulative(c, g, in[0], out)};
            // One fused pass, unless backward is itself recorded (gradients of gradients).
            case Op.Softmax s -> new Tensor[] {!GradMode.isEnabled() ? Reductions.softmaxGrad(s, g, out)
                    : s.log() ? g.sub(out.exp().mul(g.sum(s.axis(), true)))
                    : out.mul(g.sub(g.mul(out).sum(s.axis(), true)))};
            case Op.SoftmaxGrad s -> throw new IllegalStateException("SoftmaxGrad runs only where backward is not recorded");
            case Op.CrossEntropyRows c -> throw new IllegalStateException("CrossEntropyRows is recorded by Losses.crossEntropy");
            case Op.CrossEntropyRowsGrad c -> throw new IllegalStateException("CrossEntropyRowsGrad runs only where backward is not recorded");
            case Op.MatMul m -> matmul(g, in[0], in[1]);
            case Op.Gather ga -> new Tensor[] {Tensor.zerosLike(in[0]).scatterAdd(ga.axis(), in[1], g), null};
            case Op.Scatter s -> new Tensor[] {
                    s.add() ? g : g.scatter(s.axis(), in[1], 0.0),
                    null,
                    padWithZeros(g.gather(s.axis(), in[1]), in[2].shape())};
            case Op.IndexSelect s -> new Tensor[] {indexSelect(s.axis(), g, in[0], in[1]), null};
            case Op.NonZero n -> new Tensor[] {null};
            case Op.CountNonZero c -> new Tensor[] {null};
            case Op.Sort s -> throw new IllegalStateException("Sort is recorded through its values (see Indexing)");
            case Op.TopK t -> throw new IllegalStateException("TopK is recorded through its values (see Indexing)");
            case Op.AdamStep a -> throw new IllegalStateException("optimizer updates are not differentiable");
            case Op.SgdStep sg -> throw new IllegalStateException("optimizer updates are not differentiable");
            case Op.LstmCell l -> throw new IllegalStateException("LstmCell is differentiated by the recurrent scan itself");
            case Op.RandomUniform r -> new Tensor[0];
            case Op.Dropout d -> new Tensor[] {Elementwise.dropout(d, g)};
            case Op.LayerNorm l -> throw new IllegalStateException("LayerNorm is recorded by Normalization.layerNorm");
            case Op.LayerNormGrad l -> throw new IllegalStateException("LayerNormGrad runs only where backward is not recorded");
            // Adjoints of each other: the padding constant of im2col gets no gradient.
            case Op.Im2Col c -> new Tensor[] {Convolution.col2im(g, c.window(), in[0].size(2), in[0].size(3))};
            case Op.Col2Im c -> new Tensor[] {Convolution.im2col(g, c.window(), 0)};
            case Op.Conv3x3 c -> conv3x3(c, g, in[0], in[1]);
            case Op.MaxPool m -> throw new IllegalStateException("MaxPool is recorded through its values (see Convolution)");
            // linear in g: its adjoint reads each window's maximum back (the indices get none)
            case Op.MaxPoolGrad m -> new Tensor[] {g.reshape(g.size(0), g.size(1), -1)
                    .gather(2, in[1].reshape(in[1].size(0), in[1].size(1), -1)).reshape(in[1].shape()), null};
        };
    }

    /**
     * The passes of a 3x3 convolution are bilinear and each other's adjoints: with
     * {@code <FORWARD(x, w), dy> = <x, INPUT_GRAD(dy, w)> = <w, WEIGHT_GRAD(dy, x)>}, each pass's
     * derivative in one operand is another pass of the output gradient and the other operand.
     */
    private static Tensor[] conv3x3(Op.Conv3x3 op, Tensor g, Tensor a, Tensor b) {
        boolean na = a.requiresGrad(), nb = b.requiresGrad();
        return switch (op.pass()) {
            case FORWARD -> new Tensor[] {    // a = x, b = w
                    na ? Convolution.conv3x3(op.as(Op.ConvPass.INPUT_GRAD), g, b) : null,
                    nb ? Convolution.conv3x3(op.as(Op.ConvPass.WEIGHT_GRAD), g, a) : null};
            case INPUT_GRAD -> new Tensor[] {  // a = dy, b = w
                    na ? Convolution.conv3x3(op.as(Op.ConvPass.FORWARD), g, b) : null,
                    nb ? Convolution.conv3x3(op.as(Op.ConvPass.WEIGHT_GRAD), a, g) : null};
            case WEIGHT_GRAD -> new Tensor[] { // a = dy, b = x
                    na ? Convolution.conv3x3(op.as(Op.ConvPass.FORWARD), b, g) : null,
                    nb ? Convolution.conv3x3(op.as(Op.ConvPass.INPUT_GRAD), a, g) : null};
        };
    }

    private static Tensor unary(Op.Unary u, Tensor g, Tensor x, Tensor out) {
        return switch (u.kind()) {
            case NEG -> g.neg();
            case ABS -> g.mul(x.sign());
            case EXP -> g.mul(out);
            case LOG -> g.div(x);
            case LOG1P -> g.div(x.add(1.0));
            case EXPM1 -> g.mul(out.add(1.0));
            case SQRT -> g.div(out.mul(2.0));
            case RSQRT -> g.mul(out.pow(3).mul(-0.5));
            case SQUARE -> g.mul(x.mul(2.0));
            case RECIPROCAL -> g.mul(out.square()).neg();
            case SIN -> g.mul(x.cos());
            case COS -> g.mul(x.sin()).neg();
            case TANH -> g.mul(out.square().rsub(1.0));
            case SIGMOID -> g.mul(out.mul(out.rsub(1.0)));
            // where, not g * mask: one pass and no float mask; an inactive unit passes 0 even for
            // a NaN gradient, as PyTorch's threshold_backward.
            case RELU -> Tensor.where(x.gt(0.0), g, 0.0);
            case GELU -> {
                Tensor cdf = x.mul(Math.sqrt(0.5)).erf().add(1.0).mul(0.5);
                Tensor pdf = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
                yield g.mul(cdf.add(x.mul(pdf)));
            }
            case GELU_TANH -> {
                Tensor x2 = x.square();
                Tensor inner = x.add(x.mul(x2).mul(0.044715)).mul(SQRT_2_OVER_PI);
                Tensor t = inner.tanh();
                Tensor dInner = x2.mul(3 * 0.044715).add(1.0).mul(SQRT_2_OVER_PI);
                yield g.mul(t.add(1.0).mul(0.5).add(x.mul(0.5).mul(t.square().rsub(1.0)).mul(dInner)));
            }
            case SILU -> {
                Tensor s = x.sigmoid();
                yield g.mul(s.mul(x.mul(s.rsub(1.0)).add(1.0)));
            }
            case SIGN, FLOOR, CEIL, ROUND -> Tensor.zerosLike(g);
            case LOGICAL_NOT -> null;
            case LEAKY_RELU -> g.mul(Tensor.where(x.gt(0.0), 1.0, Tensor.fullLike(x, u.p0())));
            case ELU -> Tensor.where(x.gt(0.0), g, g.mul(out.add(u.p0())));
            case SOFTPLUS -> {
                Tensor bx = x.mul(u.p0());
                yield Tensor.where(bx.gt(u.p1()), g, g.mul(bx.sigmoid()));
            }
            case CLAMP -> {
                Tensor inside = Tensor.onesLike(x).to(DType.BOOL);
                if (!Double.isNaN(u.p0())) inside = inside.logicalAnd(x.ge(u.p0()));
                if (!Double.isNaN(u.p1())) inside = inside.logicalAnd(x.le(u.p1()));
                yield g.mul(inside.to(g.dtype()));
            }
            // x^0 is 1 everywhere, 0^0 included: its derivative is 0, not 0 * 0^-1 = NaN.
            case POW_SCALAR -> u.p0() == 0 ? Tensor.zerosLike(g) : g.mul(x.pow(u.p0() - 1).mul(u.p0()));
            case ERF -> g.mul(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI)));
        };
    }

    private static Tensor[] binary(Op.BinaryKind k, Tensor g, Tensor a, Tensor b, Tensor out) {
        // Only the gradients of inputs that require grad are computed (a dropout mask, a constant...).
        boolean na = a.requiresGrad(), nb = b.requiresGrad();
        int[] as = a.shape(), bs = b.shape();
        return switch (k) {
            case ADD -> new Tensor[] {na ? sumToShape(g, as) : null, nb ? sumToShape(g, bs) : null};
            case SUB -> new Tensor[] {na ? sumToShape(g, as) : null, nb ? sumToShape(g.neg(), bs) : null};
            case MUL -> new Tensor[] {na ? sumToShape(g.mul(b), as) : null, nb ? sumToShape(g.mul(a), bs) : null};
            case DIV -> new Tensor[] {na ? sumToShape(g.div(b), as) : null,
                    nb ? sumToShape(g.mul(a).div(b.square()).neg(), bs) : null};
            case POW -> new Tensor[] {
                    // Where b is 0, a^b is 1 for every a: derivative 0 (b * a^(b-1) is NaN at a = 0).
                    na ? sumToShape(Tensor.where(b.eq(0.0), 0.0, g.mul(b).mul(a.pow(b.sub(1.0)))), as) : null,
                    nb ? sumToShape(g.mul(out).mul(Tensor.where(a.gt(0.0), a.log(), 0.0)), bs) : null};
            case MAXIMUM, MINIMUM -> {
                // Ties split the gradient evenly, as PyTorch does.
                Tensor aWins = k == Op.BinaryKind.MAXIMUM ? a.gt(b) : a.lt(b);
                Tensor tie = a.eq(b);
                Tensor wa = aWins.to(g.dtype()).add(tie.to(g.dtype()).mul(0.5));
                yield new Tensor[] {na ? sumToShape(g.mul(wa), as) : null, nb ? sumToShape(g.mul(wa.rsub(1.0)), bs) : null};
            }
            case EQ, NE, LT, LE, GT, GE, LOGICAL_AND, LOGICAL_OR, LOGICAL_XOR -> new Tensor[] {null, null};
        };
    }

    private static Tensor reduce(Op.Reduce r, Tensor g, Tensor x, Tensor out) {
        int[] axes = r.axes();
        Tensor ge = r.keepDim() ? g : unsqueezeAxes(g, axes);
        Tensor oe = r.keepDim() ? out : unsqueezeAxes(out, axes);
        return switch (r.kind()) {
            case SUM -> ge.expand(x.shape());
            case PROD -> prodBackward(ge, x, axes);
            case MAX, MIN -> {
                Tensor hit = x.eq(oe).to(g.dtype());
                yield ge.mul(hit).div(hit.sum(axes, true));
            }
            case ALL, ANY -> null;
        };
    }

    private static Tensor cumulative(Op.Cumulative c, Tensor g, Tensor x, Tensor out) {
        int axis = c.axis();
        // d/dx_i of sum_j g_j * y_j where y_j = sum_{k<=j} x_k: the reversed cumulative sum of g.
        Tensor revCum = reverseCumsum(g, axis);
        if (!c.product()) return revCum;
        // d out_j / d x_i = prod_{k <= j, k != i} x_k (j >= i): out_j / x_i before the first zero of a
        // line, the running product with that zero taken as 1 at it, and 0 after it.
        Tensor isZero = x.eq(0.0);
        if (isZero.any().item() == 0) return reverseCumsum(g.mul(out), axis).div(x);
        Tensor zerosSoFar = isZero.to(x.dtype()).cumsum(axis);
        Tensor before = zerosSoFar.eq(0.0);
        Tensor firstZero = isZero.logicalAnd(zerosSoFar.eq(1.0));
        Tensor gBefore = reverseCumsum(g.mul(out), axis).div(Tensor.where(before, x, 1.0));
        Tensor gAtZero = reverseCumsum(g.mul(Tensor.where(firstZero, 1.0, x).cumprod(axis)), axis);
        return Tensor.where(before, gBefore, Tensor.where(firstZero, gAtZero, 0.0));
    }

    /** {@code r_i = sum_{j >= i} t_j} along {@code axis}. */
    private static Tensor reverseCumsum(Tensor t, int axis) {
        return t.sum(axis, true).sub(t.cumsum(axis)).add(t);
    }

    /**
     * prod: each element gets the product of the others. That is out / x_i only where x_i is not 0;
     * with zeros in a slice it is the product of the non-zeros for a lone zero, and 0 for every
     * element whose others include a zero.
     */
    private static Tensor prodBackward(Tensor ge, Tensor x, int[] axes) {
        Tensor zero = x.eq(0.0), isZero = zero.to(x.dtype());
        Tensor nonZero = Tensor.where(zero, 1.0, x);
        Tensor others = dev.kona.ops.Reductions.prod(nonZero, axes, true).div(nonZero);
        Tensor zerosInOthers = isZero.sum(axes, true).sub(isZero);
        return ge.mul(Tensor.where(zerosInOthers.eq(0.0), others, 0.0));
    }

    private static Tensor[] matmul(Tensor g, Tensor a, Tensor b) {
        // a: [..., m, k], b: [..., k, n] (batch dims broadcast); g: [..., m, n]. Only the gradients
        // that are needed are computed, each in the layout of its operand (as PyTorch does): the
        // gradient of a transposed weight (x.matmul(w.t())) is computed transposed, so that it
        // arrives at the weight contiguous, with no copy.
        Tensor da = null, db = null;
        if (a.requiresGrad()) {
            da = isTransposed(a) ? b.matmul(g.transpose(-1, -2)).transpose(-1, -2) : g.matmul(b.transpose(-1, -2));
            da = sumToShape(da, a.shape());
        }
        if (b.requiresGrad()) {
            db = isTransposed(b) ? g.transpose(-1, -2).matmul(a).transpose(-1, -2) : a.transpose(-1, -2).matmul(g);
            db = sumToShape(db, b.shape());
        }
        return new Tensor[] {da, db};
    }

    /** True for a matrix stored column by column (unit stride along its rows), e.g. {@code w.t()}. */
    private static boolean isTransposed(Tensor t) {
        int[] st = t.stride(), sh = t.shape();
        int r = st.length;
        return sh[r - 2] > 1 && sh[r - 1] > 1 && st[r - 2] == 1 && st[r - 1] != 1;
    }

    private static Tensor indexSelect(int axis, Tensor g, Tensor x, Tensor index) {
        if (x.dim() == 0) return g.reshape();
        int[] shape = new int[x.dim()];
        Arrays.fill(shape, 1);
        shape[axis] = index.numel() == 1 && index.dim() == 0 ? 1 : index.size(0);
        Tensor idx = index.reshape(shape).expand(g.shape());
        return Tensor.zerosLike(x).scatterAdd(axis, idx, g);
    }

    // ---------------------------------------------------------------- ops recorded by the front end

    /** max/min along an axis, sort, topk: the gradient of the values goes back to where they came from. */
    public static Tensor takeAlongBackward(Tensor g, Tensor x, int axis, Tensor indices, boolean keepDim) {
        if (x.dim() == 0) return g.reshape();
        Tensor gi = keepDim ? g : g.unsqueeze(axis);
        Tensor ii = keepDim ? indices : indices.unsqueeze(axis);
        return Tensor.zerosLike(x).scatterAdd(axis, ii, gi);
    }

    /**
     * cat: each input receives its slice of the gradient, in its own dtype (cat converts its
     * inputs to the common dtype without recording a cast).
     */
    public static Tensor[] catBackward(Tensor g, int axis, int[] sizes, Tensor[] inputs) {
        Tensor[] out = new Tensor[sizes.length];
        int at = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (inputs[i].dtype().isFloatingPoint()) out[i] = g.narrow(axis, at, sizes[i]).to(inputs[i].dtype());
            at += sizes[i];
        }
        return out;
    }

    // ---------------------------------------------------------------- views

    /** reshape, view, flatten, unflatten, squeeze, unsqueeze: back to the input's shape. */
    public static Tensor reshapeBackward(Tensor g, int[] inputShape) {
        return g.reshape(inputShape);
    }

    /** permute, transpose, t: the inverse permutation. */
    public static Tensor permuteBackward(Tensor g, int[] dims) {
        int[] inverse = new int[dims.length];
        for (int i = 0; i < dims.length; i++) inverse[dims[i]] = i;
        return g.permute(inverse);
    }

    /** expand, broadcastTo: sum over the broadcast dimensions. */
    public static Tensor expandBackward(Tensor g, int[] inputShape) {
        return sumToShape(g, inputShape);
    }

    /**
     * slice, narrow, select, asStrided: the gradient lands in the viewed positions of a zero
     * tensor shaped like the input, through the same view.
     */
    public static Tensor viewIntoZeros(Tensor g, int[] inputShape, java.util.function.UnaryOperator<Tensor> view) {
        Tensor z = Tensor.zeros(inputShape, g.dtype(), g.device());
        try (var m = GradMode.noGrad()) {
            view.apply(z).copyFrom(g);
        }
        // Recorded for gradients of gradients (createGraph): its own gradient is the same view.
        return Autograd.record("viewIntoZeros", (gg, in, o) -> new Tensor[] {view.apply(gg)}, new Tensor[] {g}, z);
    }

    // ---------------------------------------------------------------- helpers

    /** {@code t} with zeros appended along each dimension up to {@code shape} (scatter's src may exceed its index). */
    private static Tensor padWithZeros(Tensor t, int[] shape) {
        Tensor r = t;
        for (int d = 0; d < shape.length; d++) {
            int missing = shape[d] - r.size(d);
            if (missing <= 0) continue;
            int[] zs = r.shape();
            zs[d] = missing;
            r = Tensor.cat(java.util.List.of(r, Tensor.zeros(zs, r.dtype(), r.device())), d);
        }
        return r;
    }

    /** Sums a broadcast gradient back to the shape of the operand it came from. */
    public static Tensor sumToShape(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        int[] axes = new int[gs.length];
        int n = 0;
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) axes[n++] = i;
        }
        Tensor r = n == 0 ? g : g.sum(Arrays.copyOf(axes, n), true);
        return r.reshape(shape);
    }

    private static Tensor unsqueezeAxes(Tensor t, int[] axes) {
        Tensor r = t;
        for (int a : axes) r = r.unsqueeze(a);
        return r;
    }
}
