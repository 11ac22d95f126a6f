package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.ops.Op;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Op.LayerNorm} and {@link Op.LayerNormGrad} over contiguous rows: each row is read twice
 * forward (mean, then variance and output) and twice backward (row sums, then dx), while it is in
 * cache. Rows are independent; the weight gradients sum fixed chunks of rows in order, so no
 * result depends on the thread count.
 */
final class LayerNormCpu {
    private LayerNormCpu() {}

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();
    /** Rows per partial sum of the weight gradients. */
    private static final int CHUNK = 32;

    private static float[] f32(Tensor t) {
        return ((CpuStorage) t.storage()).f32();
    }

    private static double[] f64(Tensor t) {
        return ((CpuStorage) t.storage()).f64();
    }

    private static int off(Tensor t) {
        return t.layout().offset();
    }

    static void forward(Op.LayerNorm op, Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor w, Tensor b) {
        int rows = (int) mean.numel(), n = (int) w.numel();
        int grain = Math.max(1, (1 << 14) / Math.max(1, n));
        if (x.dtype() == DType.FLOAT32) {
            float[] ya = f32(y), ma = f32(mean), ra = f32(rstd), xa = f32(x), wa = f32(w), ba = f32(b);
            int yo = off(y), mo = off(mean), ro = off(rstd), xo = off(x), wo = off(w), bo = off(b);
            float eps = (float) op.eps();
            Parallel.forRange(rows, grain, (s, e) -> {
                for (int r = s; r < e; r++) {
                    int xr = xo + r * n, yr = yo + r * n;
                    float mu = sum(xa, xr, n) / n;
                    float var = sumSquaredDiff(xa, xr, n, mu) / n;
                    float rs = (float) (1.0 / Math.sqrt(var + eps));
                    ma[mo + r] = mu;
                    ra[ro + r] = rs;
                    int j = 0;
                    for (; j <= n - FL; j += FL) {
                        var xv = FloatVector.fromArray(FS, xa, xr + j).sub(mu).mul(rs);
                        xv.fma(FloatVector.fromArray(FS, wa, wo + j), FloatVector.fromArray(FS, ba, bo + j)).intoArray(ya, yr + j);
                    }
                    for (; j < n; j++) ya[yr + j] = Math.fma((xa[xr + j] - mu) * rs, wa[wo + j], ba[bo + j]);
                }
            });
        } else {
            double[] ya = f64(y), ma = f64(mean), ra = f64(rstd), xa = f64(x), wa = f64(w), ba = f64(b);
            int yo = off(y), mo = off(mean), ro = off(rstd), xo = off(x), wo = off(w), bo = off(b);
            double eps = op.eps();
            Parallel.forRange(rows, grain, (s, e) -> {
                for (int r = s; r < e; r++) {
                    int xr = xo + r * n, yr = yo + r * n;
                    double mu = 0;
                    for (int j = 0; j < n; j++) mu += xa[xr + j];
                    mu /= n;
                    double var = 0;
                    for (int j = 0; j < n; j++) var += (xa[xr + j] - mu) * (xa[xr + j] - mu);
                    double rs = 1.0 / Math.sqrt(var / n + eps);
                    ma[mo + r] = mu;
                    ra[ro + r] = rs;
                    for (int j = 0; j < n; j++) ya[yr + j] = (xa[xr + j] - mu) * rs * wa[wo + j] + ba[bo + j];
                }
            });
        }
    }

    static void backward(Tensor dx, Tensor dw, Tensor db, Tensor g, Tensor x, Tensor w, Tensor mean, Tensor rstd) {
        int rows = (int) mean.numel(), n = (int) w.numel();
        int chunks = (rows + CHUNK - 1) / CHUNK;
        if (x.dtype() == DType.FLOAT32) {
            float[] dxa = f32(dx), ga = f32(g), xa = f32(x), wa = f32(w), ma = f32(mean), ra = f32(rstd);
            int dxo = off(dx), go = off(g), xo = off(x), wo = off(w), mo = off(mean), ro = off(rstd);
            // per chunk: the partial dw (n values), then the partial db (n values)
            float[] part = new float[chunks * 2 * n];
            Parallel.fixedChunks(rows, CHUNK, (s, e) -> {
                int pw = (s / CHUNK) * 2 * n, pb = pw + n;
                for (int r = s; r < e; r++) {
                    int xr = xo + r * n, gr = go + r * n, dr = dxo + r * n;
                    float mu = ma[mo + r], rs = ra[ro + r];
                    var sgw = FloatVector.zero(FS);
                    var sgwx = FloatVector.zero(FS);
                    int j = 0;
                    for (; j <= n - FL; j += FL) {
                        var gv = FloatVector.fromArray(FS, ga, gr + j);
                        var xh = FloatVector.fromArray(FS, xa, xr + j).sub(mu).mul(rs);
                        var gw = gv.mul(FloatVector.fromArray(FS, wa, wo + j));
                        sgw = sgw.add(gw);
                        sgwx = gw.fma(xh, sgwx);
                        gv.fma(xh, FloatVector.fromArray(FS, part, pw + j)).intoArray(part, pw + j);
                        gv.add(FloatVector.fromArray(FS, part, pb + j)).intoArray(part, pb + j);
                    }
                    float a = sgw.reduceLanes(VectorOperators.ADD), c = sgwx.reduceLanes(VectorOperators.ADD);
                    for (int t = j; t < n; t++) {
                        float gv = ga[gr + t], xh = (xa[xr + t] - mu) * rs, gw = gv * wa[wo + t];
                        a += gw;
                        c += gw * xh;
                        part[pw + t] += gv * xh;
                        part[pb + t] += gv;
                    }
                    float am = a / n, cm = c / n;
                    j = 0;
                    for (; j <= n - FL; j += FL) {
                        var xh = FloatVector.fromArray(FS, xa, xr + j).sub(mu).mul(rs);
                        var gw = FloatVector.fromArray(FS, ga, gr + j).mul(FloatVector.fromArray(FS, wa, wo + j));
                        gw.sub(am).sub(xh.mul(cm)).mul(rs).intoArray(dxa, dr + j);
                    }
                    for (; j < n; j++) {
                        float xh = (xa[xr + j] - mu) * rs, gw = ga[gr + j] * wa[wo + j];
                        dxa[dr + j] = (gw - am - xh * cm) * rs;
                    }
                }
            });
            float[] dwa = f32(dw), dba = f32(db);
            int dwo = off(dw), dbo = off(db);
            for (int j = 0; j < n; j++) {
                float sw = 0, sb = 0;
                for (int c = 0; c < chunks; c++) {
                    sw += part[c * 2 * n + j];
                    sb += part[c * 2 * n + n + j];
                }
                dwa[dwo + j] = sw;
                dba[dbo + j] = sb;
            }
        } else {
            double[] dxa = f64(dx), ga = f64(g), xa = f64(x), wa = f64(w), ma = f64(mean), ra = f64(rstd);
            int dxo = off(dx), go = off(g), xo = off(x), wo = off(w), mo = off(mean), ro = off(rstd);
            double[] part = new double[chunks * 2 * n];
            Parallel.fixedChunks(rows, CHUNK, (s, e) -> {
                int pw = (s / CHUNK) * 2 * n, pb = pw + n;
                for (int r = s; r < e; r++) {
                    int xr = xo + r * n, gr = go + r * n, dr = dxo + r * n;
                    double mu = ma[mo + r], rs = ra[ro + r], a = 0, c = 0;
                    for (int j = 0; j < n; j++) {
                        double gv = ga[gr + j], xh = (xa[xr + j] - mu) * rs, gw = gv * wa[wo + j];
                        a += gw;
                        c += gw * xh;
                        part[pw + j] += gv * xh;
                        part[pb + j] += gv;
                    }
                    double am = a / n, cm = c / n;
                    for (int j = 0; j < n; j++) {
                        double xh = (xa[xr + j] - mu) * rs;
                        dxa[dr + j] = (ga[gr + j] * wa[wo + j] - am - xh * cm) * rs;
                    }
                }
            });
            double[] dwa = f64(dw), dba = f64(db);
            int dwo = off(dw), dbo = off(db);
            for (int j = 0; j < n; j++) {
                double sw = 0, sb = 0;
                for (int c = 0; c < chunks; c++) {
                    sw += part[c * 2 * n + j];
                    sb += part[c * 2 * n + n + j];
                }
                dwa[dwo + j] = sw;
                dba[dbo + j] = sb;
            }
        }
    }

    private static float sum(float[] a, int o, int n) {
        var acc = FloatVector.zero(FS);
        int j = 0;
        for (; j <= n - FL; j += FL) acc = acc.add(FloatVector.fromArray(FS, a, o + j));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) s += a[o + j];
        return s;
    }

    private static float sumSquaredDiff(float[] a, int o, int n, float mu) {
        var acc = FloatVector.zero(FS);
        int j = 0;
        for (; j <= n - FL; j += FL) {
            var d = FloatVector.fromArray(FS, a, o + j).sub(mu);
            acc = d.fma(d, acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) s += (a[o + j] - mu) * (a[o + j] - mu);
        return s;
    }
}
