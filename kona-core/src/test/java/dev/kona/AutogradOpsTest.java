package dev.kona;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kona.autograd.Autograd;
import dev.kona.autograd.Derivatives;
import dev.kona.autograd.GradCheck;
import dev.kona.ops.Op;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Gradients of particular compositions and edge cases that the op database's generic suites
 * (OpDatabaseTest, which gradient-checks every differentiable entry) do not single out: broadcast
 * operands, dtype casts in a graph, indices and conditions, masks and index tensors, joins and
 * splits, views over copies, and the points where single rules used to go wrong (zeros in prod and
 * cumprod, 0^0, ties, clamp bounds, -inf in logsumexp, repeated indices, scatter).
 */
class AutogradOpsTest {
    private static final DType F16 = DType.FLOAT16, F32 = DType.FLOAT32, F64 = DType.FLOAT64;

    private static Tensor r(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape).to(F64);
    }

    /** The gradient of sum(f(x)) with respect to a fresh leaf holding x's values. */
    private static Tensor gradOfSum(Tensor x, UnaryOperator<Tensor> f) {
        Tensor leaf = x.detach().copy().requiresGrad(true);
        f.apply(leaf).sum().backward();
        return leaf.grad();
    }

    private static void assertValues(double[] expected, Tensor t, double tol) {
        assertArrayEquals(expected, t.toDoubleArray(), tol, () -> "got " + java.util.Arrays.toString(t.toDoubleArray()));
    }

    // ---------------------------------------------------------------- broadcasting and dtypes

    @Test
    void broadcastOperandsGetGradientsOfTheirOwnShapeAndDtype() {
        Tensor a = Tensor.of(new double[] {1, 2, 3}, 3, 1).to(F32).requiresGrad(true);
        Tensor b = Tensor.of(0.5, -1, 2, 4).requiresGrad(true); // float64 [4]
        Tensor c = Tensor.of(new double[] {2, -3}, 2, 1, 1).to(F32).requiresGrad(true);
        Tensor y = a.add(b).mul(c); // [2, 3, 4] float64
        assertArrayEquals(new int[] {2, 3, 4}, y.shape());
        y.sum().backward();
        assertArrayEquals(new int[] {3, 1}, a.grad().shape());
        assertEquals(F32, a.grad().dtype());
        assertValues(new double[] {-4, -4, -4}, a.grad(), 1e-6); // 4 * (2 - 3)
        assertEquals(F64, b.grad().dtype());
        assertValues(new double[] {-3, -3, -3, -3}, b.grad(), 1e-12); // 3 * (2 - 3)
        assertArrayEquals(new int[] {2, 1, 1}, c.grad().shape());
        assertEquals(F32, c.grad().dtype());
        assertValues(new double[] {4 * 6 + 3 * 5.5, 4 * 6 + 3 * 5.5}, c.grad(), 1e-5);
        // A second backward accumulates in the leaves' dtypes.
        a.add(b).mul(c).sum().backward();
        assertEquals(F32, a.grad().dtype());
        assertEquals(F32, c.grad().dtype());
        assertValues(new double[] {-8, -8, -8}, a.grad(), 1e-6);

        assertValues(new double[] {8, 8, 8}, Derivatives.sumToShape(Tensor.ones(2, 3, 4), new int[] {3, 1}), 0);
        assertValues(new double[] {24}, Derivatives.sumToShape(Tensor.ones(2, 3, 4), new int[0]), 0);

        GradCheck.check(in -> in.get(0).mul(in.get(1)).div(in.get(2).exp()), List.of(r(1, 2, 1, 4), r(2, 3, 1), r(3)));
        GradCheck.check(in -> Tensor.where(Tensor.of(new boolean[] {true, false, true}, 3, 1), in.get(0), in.get(1)),
                List.of(r(4, 1, 4), r(5, 2, 1, 1)));
        GradCheck.check(in -> in.get(0).pow(in.get(1)), List.of(r(6, 3, 1).abs().add(0.5), r(7, 4)));
    }

    @Test
    void copyCastsBetweenFloat32AndFloat64Differentiate() {
        // Float32 inside a float64 graph: finite differences see float32 rounding, hence the step and tolerances.
        GradCheck.check(in -> in.get(0).to(F32).exp().to(F64).mul(in.get(1)), List.of(r(10, 3, 4), r(11, 3, 4)),
                1e-3, 1e-3, 1e-2);
        GradCheck.check(in -> in.get(0).to(F32).t().copy().to(F64).square(), List.of(r(12, 2, 3)), 1e-3, 1e-3, 1e-2);

        Tensor x = Tensor.of(1f, 2f, 3f).requiresGrad(true);
        Tensor w = Tensor.of(0.5, -1.0, 4.0).requiresGrad(true);
        x.to(F64).mul(w).sum().add(w.to(F32).square().sum().to(F64)).backward();
        assertEquals(F32, x.grad().dtype());
        assertValues(new double[] {0.5, -1, 4}, x.grad(), 0);
        assertEquals(F64, w.grad().dtype());
        assertValues(new double[] {1 + 1, 2 - 2, 3 + 8}, w.grad(), 1e-6);

        Tensor h = Tensor.of(1f, -2f).to(F16).requiresGrad(true);
        h.to(F32).mul(3.0).sum().backward();
        assertEquals(F16, h.grad().dtype());
        assertValues(new double[] {3, 3}, h.grad(), 0);
    }

    // ---------------------------------------------------------------- conditions and indices

    @Test
    void whereGivesNoGradientToItsCondition() {
        Tensor cond = Tensor.of(true, false, true), x = Tensor.of(1.0, 2, 3), y = Tensor.of(4.0, 5, 6);
        Tensor[] grads = Derivatives.backward(new Op.Where(), Tensor.ones(3).to(F64), new Tensor[] {cond, x, y},
                Tensor.where(cond, x, y));
        assertNull(grads[0]);
        assertValues(new double[] {1, 0, 1}, grads[1], 0);
        assertValues(new double[] {0, 1, 0}, grads[2], 0);
        // A condition computed from the input contributes nothing: only the branches do.
        Tensor v = Tensor.of(-1.5, 0.5, 2.0, -0.3);
        GradCheck.check(in -> Tensor.where(in.get(0).gt(0.0), in.get(0).square(), in.get(0).neg()), List.of(v));
        assertValues(new double[] {-1, 1, 4, -1}, gradOfSum(v, t -> Tensor.where(t.gt(0.0), t.square(), t.neg())), 0);
    }

    @Test
    void indicesGetNoGradient() {
        Tensor x = r(20, 3, 4), g = Tensor.ones(3, 2).to(F64);
        Tensor idx = Tensor.of(new long[][] {{0, 3}, {1, 1}, {2, 0}});
        assertNull(Derivatives.backward(new Op.Gather(1), g, new Tensor[] {x, idx}, x.gather(1, idx))[1]);
        Tensor src = r(21, 3, 2);
        Tensor distinct = Tensor.of(new long[][] {{0, 3}, {1, 2}, {2, 0}});
        assertNull(Derivatives.backward(new Op.Scatter(1, false), Tensor.ones(3, 4).to(F64), new Tensor[] {x, distinct, src},
                x.scatter(1, distinct, src))[1]);
        assertNull(Derivatives.backward(new Op.Scatter(1, true), Tensor.ones(3, 4).to(F64), new Tensor[] {x, idx, src},
                x.scatterAdd(1, idx, src))[1]);
        Tensor sel = Tensor.of(2L, 0L, 2L);
        assertNull(Derivatives.backward(new Op.IndexSelect(0), Tensor.ones(3, 4).to(F64), new Tensor[] {x, sel},
                x.indexSelect(0, sel))[1]);
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(1L, 2L).requiresGrad(true));
        // Indices computed from the input itself: the gradient goes to the picked elements only.
        GradCheck.check(in -> in.get(0).gather(1, in.get(0).argmax(1, true)), List.of(r(22, 3, 5)));
        GradCheck.check(in -> in.get(0).indexSelect(0, in.get(0).sum(1).argsort(0, false)), List.of(r(23, 4, 2)));
        assertValues(new double[] {0, 0, 1, 1, 0, 0}, gradOfSum(Tensor.of(new double[] {1, 5, 7, 2, 0, -1}, 2, 3),
                t -> t.gather(1, t.argmax(1, true))), 0);
    }

    @Test
    void integerPathsStayOutOfTheGraph() {
        Tensor x = Tensor.of(-1.5, 0.5, 2.5).requiresGrad(true);
        assertFalse(x.to(DType.INT64).requiresGrad());
        assertFalse(x.floor().to(DType.INT32).add(1L).requiresGrad());
        assertFalse(x.gt(0.0).sum().requiresGrad());
        assertFalse(x.argmax().requiresGrad());
        assertFalse(x.max(0, false).indices().requiresGrad());
        assertFalse(x.sort(0, true).indices().requiresGrad());
        // An integer tensor mixed into a float graph only scales: the float leaf gets the gradient.
        Tensor n = Tensor.of(1L, 2L, 3L);
        assertValues(new double[] {1, 2, 3}, gradOfSum(x, t -> t.mul(n)), 0);
        assertValues(new double[] {1, 1, 1}, gradOfSum(x, t -> t.add(n.cumsum(0))), 0);
    }

    @Test
    void scatterSendsNothingToOverwrittenPositionsAndItsSourceToWhereItLanded() {
        Tensor x = r(30, 2, 4).requiresGrad(true), src = r(31, 2, 3).requiresGrad(true);
        Tensor idx = Tensor.of(new long[][] {{1, 3}, {0, 2}});
        Tensor w = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
        x.scatter(1, idx, src).mul(w).sum().backward();
        assertValues(new double[] {1, 0, 3, 0, 0, 6, 0, 8}, x.grad(), 0);
        // src is larger than the index: its extra column receives nothing.
        assertArrayEquals(new int[] {2, 3}, src.grad().shape());
        assertValues(new double[] {2, 4, 0, 5, 7, 0}, src.grad(), 0);
        GradCheck.check(in -> in.get(0).scatterAdd(1, Tensor.of(new long[][] {{1, 1, 3}, {0, 0, 0}}), in.get(1)),
                List.of(r(32, 2, 4), r(33, 2, 5)));
    }

    @Test
    void indexSelectAccumulatesRepeatedIndices() {
        Tensor g = gradOfSum(r(40, 3, 2), t -> t.indexSelect(0, Tensor.of(0L, 0L, 2L, 0L)));
        assertValues(new double[] {3, 3, 0, 0, 1, 1}, g, 0);
        GradCheck.check(in -> in.get(0).indexSelect(1, Tensor.of(2, 2, 0)).exp(), List.of(r(41, 2, 3)));
    }

    // ---------------------------------------------------------------- masks and index tensors

    @Test
    void masksAndIndexTensorsDifferentiate() {
        Tensor mask = Tensor.of(new boolean[][] {{true, false, false, true}, {false, false, true, false}, {true, true, false, false}});
        GradCheck.check(in -> in.get(0).maskedFill(mask, 0.5).mul(in.get(0)), List.of(r(50, 3, 4)));
        GradCheck.check(in -> in.get(0).maskedFill(Tensor.of(new boolean[] {false, true, false, true}, 1, 4), -2.0).exp(),
                List.of(r(51, 3, 4)));
        assertValues(new double[] {0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1}, gradOfSum(r(52, 3, 4), t -> t.maskedFill(mask, 9.0)), 0);

        GradCheck.check(in -> in.get(0).maskedSelect(mask).square(), List.of(r(53, 3, 4)));
        // The input broadcasts against the mask: its gradient sums over the broadcast rows.
        Tensor rows = Tensor.of(new boolean[][] {{true, false, true}, {true, true, false}});
        GradCheck.check(in -> in.get(0).maskedSelect(rows), List.of(r(54, 3)));
        assertValues(new double[] {2, 1, 1}, gradOfSum(r(55, 3), t -> t.maskedSelect(rows)), 0);

        GradCheck.check(in -> in.get(0).index(Index.tensor(mask)).sin(), List.of(r(56, 3, 4)));
        GradCheck.check(in -> in.get(0).index(Index.all(), Index.tensor(Tensor.of(true, false, true, true))), List.of(r(57, 3, 4)));
        GradCheck.check(in -> in.get(0).index(Index.all(), Index.tensor(Tensor.of(2, 0, 2))), List.of(r(58, 3, 4))); // int32, repeats
        GradCheck.check(in -> in.get(0).index(Index.tensor(Tensor.of(new long[][] {{0, -1}, {1, 1}})), Index.slice(1, 3)),
                List.of(r(59, 3, 4)));
        assertValues(new double[] {2, 2, 0, 0, 1, 1}, gradOfSum(r(60, 3, 2), t -> t.index(Index.tensor(Tensor.of(0L, -3L, 2L)))), 0);
    }

    // ---------------------------------------------------------------- joins, splits and views

    @Test
    void catStackSplitAndChunkDifferentiate() {
        GradCheck.check(in -> Tensor.cat(List.of(in.get(0), in.get(1).t(), in.get(2).exp()), 0),
                List.of(r(70, 2, 3), r(71, 3, 1), r(72, 4, 3)));
        GradCheck.check(in -> Tensor.stack(List.of(in.get(0), in.get(1).sin()), 1), List.of(r(73, 2, 3), r(74, 2, 3)));
        GradCheck.check(in -> {
            List<Tensor> p = in.get(0).split(new int[] {1, 0, 3}, 0);
            return Tensor.cat(List.of(p.get(2).square().reshape(-1), p.get(0).reshape(-1), p.get(1).reshape(-1)), 0);
        }, List.of(r(75, 4, 2)));
        // The middle chunk is unused: it gets zeros.
        GradCheck.check(in -> {
            List<Tensor> c = in.get(0).chunk(3, 1);
            return c.get(0).mul(c.get(2));
        }, List.of(r(76, 2, 6)));
        GradCheck.checkSecondOrder(in -> {
            List<Tensor> c = in.get(0).chunk(2, 0);
            return c.get(0).mul(c.get(1)).tanh();
        }, List.of(r(77, 4, 2)));

        // Mixed dtypes: cat converts without a recorded cast; each part's gradient comes back in its dtype.
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true), y = Tensor.of(3.0, 4, 5).requiresGrad(true);
        Tensor z = Tensor.cat(List.of(x, y), 0);
        assertEquals(F64, z.dtype());
        List<Tensor> g = Autograd.grad(List.of(z.square().sum()), List.of(x, y), null, true, false);
        assertEquals(F32, g.get(0).dtype());
        assertValues(new double[] {2, 4}, g.get(0), 0);
        assertEquals(F64, g.get(1).dtype());
        z.sum().backward();
        Tensor.cat(List.of(x, y), 0).sum().backward();
        assertEquals(F32, x.grad().dtype());
        assertValues(new double[] {2, 2}, x.grad(), 0);
        Tensor s = Tensor.stack(List.of(x, y.narrow(0, 0, 2)), 0);
        assertEquals(F64, s.dtype());
    }

    @Test
    void expandThenReduce() {
        GradCheck.check(in -> in.get(0).expand(2, 3, 4).mul(in.get(1)).sum(new int[] {0, 2}, false), List.of(r(80, 3, 1), r(81, 2, 3, 4)));
        GradCheck.check(in -> in.get(0).expand(3, 4).mul(in.get(1)).prod(1, false), List.of(r(82, 3, 1), r(83, 3, 4)));
        GradCheck.check(in -> in.get(0).unsqueeze(0).expand(5, 3).logsumexp(new int[] {0}, false), List.of(r(84, 3)));
        // The max over copies of one value is that value: its gradient, split among the tied copies, adds up to 1.
        GradCheck.check(in -> in.get(0).expand(3, 4).amax(new int[] {1}, false), List.of(r(85, 3, 1)));
        assertValues(new double[] {1, 1, 1}, gradOfSum(r(86, 3, 1), t -> t.expand(3, 4).amax(new int[] {1}, false)), 1e-12);
        assertValues(new double[] {4, 4, 4}, gradOfSum(r(87, 3), t -> t.expand(4, 3)), 0);
        assertValues(new double[] {4, 4}, gradOfSum(r(88, 2), t -> t.expand(4, 2).mean(new int[] {0}, false).mul(4.0)), 1e-12);
    }

    @Test
    void reshapeOfANonContiguousTensorCopiesAndDifferentiates() {
        Tensor x = r(90, 3, 4);
        Tensor y = x.t().reshape(12);
        assertNotSame(x.storage(), y.storage(), "reshape of a transposed tensor takes the copying path");
        assertSame(x.storage(), x.reshape(2, 6).storage());
        GradCheck.check(in -> in.get(0).t().reshape(2, 6).exp(), List.of(x));
        GradCheck.check(in -> in.get(0).slice(1, 0, 4, 2).reshape(-1).mul(in.get(1)), List.of(x, r(91, 6)));
        GradCheck.check(in -> in.get(0).expand(3, 4).reshape(12).square(), List.of(r(92, 1, 4)));
        GradCheck.check(in -> in.get(0).permute(2, 0, 1).flatten().sin(), List.of(r(93, 2, 3, 2)));
        GradCheck.checkSecondOrder(in -> in.get(0).t().reshape(12).square(), List.of(r(94, 3, 4)));
        Tensor leaf = x.detach().copy().requiresGrad(true);
        leaf.t().reshape(12).mul(Tensor.arange(12).to(F64)).sum().backward();
        // Element (i, j) of x is element j * 3 + i of the flattened transpose.
        assertValues(new double[] {0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11}, leaf.grad(), 0);
    }

    // ---------------------------------------------------------------- single rules at their edges

    @Test
    void prodAndCumprodWithZeros() {
        assertValues(new double[] {0, 6, 0}, gradOfSum(Tensor.of(2.0, 0, 3), Tensor::prod), 0);
        assertValues(new double[] {0, 0, 0}, gradOfSum(Tensor.of(0.0, 0, 3), Tensor::prod), 0);
        assertValues(new double[] {1}, gradOfSum(Tensor.of(0.0), Tensor::prod), 0);
        assertValues(new double[] {0, 6, 0, 0, 0, 0}, gradOfSum(Tensor.of(new double[] {2, 0, 3, 0, 0, 5}, 2, 3), t -> t.prod(1, true)), 0);
        // d/dx of sum(cumprod([2, 0, 3, 4])) = [1, 2 + 2*3 + 2*3*4, 0, 0]
        assertValues(new double[] {1, 32, 0, 0}, gradOfSum(Tensor.of(2.0, 0, 3, 4), t -> t.cumprod(0)), 0);
        assertValues(new double[] {1, 2, 0, 0}, gradOfSum(Tensor.of(2.0, 0, 0, 4), t -> t.cumprod(0)), 0);
        GradCheck.checkSecondOrder(in -> in.get(0).prod(1, false), List.of(Tensor.of(new double[] {2, 0.5, 3, 1.5, -1, 0.7}, 2, 3)));
    }

    @Test
    void powAtZeroWithExponentZeroAndWithANegativeBase() {
        assertValues(new double[] {0, 0}, gradOfSum(Tensor.of(0.0, 1.5), t -> t.pow(0.0)), 0);
        Tensor b = Tensor.of(0.0, 0.0, 2.0);
        assertValues(new double[] {0, 0, 6}, gradOfSum(Tensor.of(0.0, 2.0, 3.0), t -> t.pow(b)), 0);
        // A negative base with integral exponents: d/da a^b = b a^(b-1) (the exponent held constant).
        Tensor e = Tensor.of(2.0, 3.0, -1.0, 0.0);
        GradCheck.check(in -> in.get(0).pow(e), List.of(Tensor.of(-2.0, -1.5, -0.5, -3.0)));
        assertValues(new double[] {-4, 3 * 2.25, -4, 0}, gradOfSum(Tensor.of(-2.0, -1.5, -0.5, -3.0), t -> t.pow(e)), 1e-12);
        GradCheck.check(in -> in.get(0).pow(3.0), List.of(Tensor.of(-2.0, -0.5, 1.5)));
    }

    @Test
    void tiesAndBounds() {
        // maximum/minimum: a tie splits the gradient evenly.
        Tensor a = Tensor.of(1.0, 2.0).requiresGrad(true), c = Tensor.of(1.0, 0.0).requiresGrad(true);
        a.maximum(c).sum().backward();
        assertValues(new double[] {0.5, 1}, a.grad(), 0);
        assertValues(new double[] {0.5, 0}, c.grad(), 0);
        // clamp passes the gradient at its bounds (as PyTorch), blocks it outside.
        assertValues(new double[] {1, 1, 1, 0, 0}, gradOfSum(Tensor.of(-1.0, 0.5, 2.0, -3.0, 5.0), t -> t.clamp(-1, 2)), 0);
        assertValues(new double[] {1, 0}, gradOfSum(Tensor.of(1.0, 1.5), t -> t.clamp(1, 1)), 0);
        // abs, relu at 0: subgradient 0.
        assertValues(new double[] {0, 1, -1}, gradOfSum(Tensor.of(0.0, 2.0, -2.0), Tensor::abs), 0);
        assertValues(new double[] {0, 1, 0}, gradOfSum(Tensor.of(0.0, 2.0, -2.0), Tensor::relu), 0);
        // sort and topk send each value's gradient back to where it came from.
        Tensor w = Tensor.of(1.0, 2.0, 3.0);
        assertValues(new double[] {2, 3, 1}, gradOfSum(Tensor.of(0.5, 2.0, -1.0), t -> t.sort(0, false).values().mul(w)), 0);
        assertValues(new double[] {0, 1, 0, 2}, gradOfSum(Tensor.of(0.5, 3.0, -1.0, 2.0), t -> t.topk(2, 0, true, true).values()
                .mul(Tensor.of(1.0, 2.0))), 0);
    }

    @Test
    void smoothFunctionsAtTheirSwitchPoints() {
        // elu below 0: alpha * exp(x); softplus above its threshold: 1.
        assertValues(new double[] {0.5 * Math.exp(-1), 1}, gradOfSum(Tensor.of(-1.0, 1.0), t -> t.elu(0.5)), 1e-15);
        assertValues(new double[] {1, 1 / (1 + Math.exp(-19.5))}, gradOfSum(Tensor.of(20.5, 19.5), Tensor::softplus), 1e-15);
        // gelu'(x) = Phi(x) + x phi(x): 0.5 at 0.
        assertValues(new double[] {0.5}, gradOfSum(Tensor.of(0.0), Tensor::gelu), 1e-15);
        // logsumexp: -inf entries get 0; the others their softmax weight.
        double e = Math.E;
        assertValues(new double[] {0, 1 / (1 + e), e / (1 + e)},
                gradOfSum(Tensor.of(Double.NEGATIVE_INFINITY, 0.0, 1.0), t -> t.logsumexp(0)), 1e-15);
        // var with a correction: 2 (x - mean) / (n - correction).
        assertValues(new double[] {-3 / 2.5, -1 / 2.5, 1 / 2.5, 3 / 2.5},
                gradOfSum(Tensor.of(1.0, 2.0, 3.0, 4.0), t -> t.var(new int[] {0}, 1.5, false)), 1e-15);
        // norm: p = 1 and p = inf take the subgradient 0 at 0.
        assertValues(new double[] {0, 1, -1}, gradOfSum(Tensor.of(0.0, 2.0, -3.0), t -> t.norm(1)), 0);
        assertValues(new double[] {0, 0, -1}, gradOfSum(Tensor.of(0.0, 2.0, -3.0), t -> t.norm(Double.POSITIVE_INFINITY)), 0);
        assertValues(new double[] {0, 0}, gradOfSum(Tensor.of(0.0, 0.0), t -> t.norm(Double.POSITIVE_INFINITY)), 0);
        assertValues(new double[] {0.6, 0.8}, gradOfSum(Tensor.of(3.0, 4.0), Tensor::norm), 1e-15);
        // The 2-norm and p-norm of an all-zero slice: subgradient 0, not NaN (as PyTorch).
        assertValues(new double[] {0, 0, 0, 0, 0.6, 0.8}, gradOfSum(Tensor.of(new double[] {0, 0, 0, 0, 3, 4}, 3, 2),
                t -> t.norm(2, new int[] {1}, false)), 1e-15);
        assertValues(new double[] {0, 0}, gradOfSum(Tensor.of(0.0, 0.0), t -> t.norm(3)), 0);
        GradCheck.checkSecondOrder(in -> in.get(0).norm(2, new int[] {1}, true), List.of(r(100, 2, 3)));
    }
}
