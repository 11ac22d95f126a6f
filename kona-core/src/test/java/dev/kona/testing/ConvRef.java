package dev.kona.testing;

import dev.kona.ops.Op.Window;

/**
 * Float64 references of the sliding-window ops, written as the definitions read (direct loops over
 * every output element and kernel tap), independent of im2col and of each other.
 */
final class ConvRef {
    private ConvRef() {}

    /** Padding before and after each axis, as the op under test resolves it. */
    record Pads(int top, int bottom, int left, int right) {}

    static int outSize(int size, int k, int s, int padTotal, int d) {
        return (size + padTotal - d * (k - 1) - 1) / s + 1;
    }

    /** Column {@code (n, c*kh*kw + a*kw + b, i*ow + j)} = x at the tap, or {@code pad} outside. */
    static Nd im2col(Nd x, Window w, double pad) {
        int n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3], kk = w.kh() * w.kw(), l = w.oh() * w.ow();
        double[] out = new double[n * c * kk * l];
        for (int ni = 0; ni < n; ni++) {
            for (int ci = 0; ci < c; ci++) {
                for (int a = 0; a < w.kh(); a++) {
                    for (int b = 0; b < w.kw(); b++) {
                        for (int i = 0; i < w.oh(); i++) {
                            for (int j = 0; j < w.ow(); j++) {
                                int ih = i * w.sh() - w.ph() + a * w.dh(), iw = j * w.sw() - w.pw() + b * w.dw();
                                boolean in = ih >= 0 && ih < h && iw >= 0 && iw < wd;
                                out[((ni * c + ci) * kk + a * w.kw() + b) * l + i * w.ow() + j] = in ? x.get(ni, ci, ih, iw) : pad;
                            }
                        }
                    }
                }
            }
        }
        return new Nd(new int[] {n, c * kk, l}, out, x.dtype);
    }

    /** The adjoint of {@link #im2col}: every column entry added at its tap. */
    static Nd col2im(Nd cols, Window w, int h, int wd) {
        int n = cols.shape[0], kk = w.kh() * w.kw(), c = cols.shape[1] / kk, l = w.oh() * w.ow();
        double[] out = new double[n * c * h * wd];
        for (int ni = 0; ni < n; ni++) {
            for (int ci = 0; ci < c; ci++) {
                for (int a = 0; a < w.kh(); a++) {
                    for (int b = 0; b < w.kw(); b++) {
                        for (int i = 0; i < w.oh(); i++) {
                            for (int j = 0; j < w.ow(); j++) {
                                int ih = i * w.sh() - w.ph() + a * w.dh(), iw = j * w.sw() - w.pw() + b * w.dw();
                                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                out[((ni * c + ci) * h + ih) * wd + iw] += cols.get(ni, ci * kk + a * w.kw() + b, i * w.ow() + j);
                            }
                        }
                    }
                }
            }
        }
        return new Nd(new int[] {n, c, h, wd}, out, cols.dtype);
    }

    /** {@code y[n, o, i, j] = bias[o] + sum x[n, g*Cg + c, i*sh - top + a*dh, j*sw - left + b*dw] * w[o, c, a, b]}. */
    static Nd conv2d(Nd x, Nd wt, Nd bias, int[] s, Pads p, int[] d, int groups) {
        int n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
        int oc = wt.shape[0], cg = wt.shape[1], kh = wt.shape[2], kw = wt.shape[3], ocg = oc / groups;
        int oh = outSize(h, kh, s[0], p.top() + p.bottom(), d[0]), ow = outSize(wd, kw, s[1], p.left() + p.right(), d[1]);
        double[] out = new double[n * oc * oh * ow];
        for (int ni = 0; ni < n; ni++) {
            for (int o = 0; o < oc; o++) {
                int g = o / ocg;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = bias == null ? 0 : bias.data[o];
                        for (int ci = 0; ci < cg; ci++) {
                            for (int a = 0; a < kh; a++) {
                                for (int b = 0; b < kw; b++) {
                                    int ih = i * s[0] - p.top() + a * d[0], iw = j * s[1] - p.left() + b * d[1];
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                    acc += x.get(ni, g * cg + ci, ih, iw) * wt.get(o, ci, a, b);
                                }
                            }
                        }
                        out[((ni * oc + o) * oh + i) * ow + j] = acc;
                    }
                }
            }
        }
        return new Nd(new int[] {n, oc, oh, ow}, out, x.dtype);
    }

    /** Each input element scatters {@code x * w[ci, co, a, b]} to output {@code (h*sh - ph + a*dh, w*sw - pw + b*dw)}. */
    static Nd convTranspose2d(Nd x, Nd wt, Nd bias, int[] s, int[] p, int[] op, int groups, int[] d) {
        int n = x.shape[0], ic = x.shape[1], h = x.shape[2], wd = x.shape[3];
        int icg = ic / groups, ocg = wt.shape[1], oc = ocg * groups, kh = wt.shape[2], kw = wt.shape[3];
        int oh = (h - 1) * s[0] - 2 * p[0] + d[0] * (kh - 1) + op[0] + 1;
        int ow = (wd - 1) * s[1] - 2 * p[1] + d[1] * (kw - 1) + op[1] + 1;
        double[] out = new double[n * oc * oh * ow];
        for (int ni = 0; ni < n; ni++) {
            for (int ci = 0; ci < ic; ci++) {
                int g = ci / icg;
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < wd; j++) {
                        double v = x.get(ni, ci, i, j);
                        for (int co = 0; co < ocg; co++) {
                            for (int a = 0; a < kh; a++) {
                                for (int b = 0; b < kw; b++) {
                                    int y = i * s[0] - p[0] + a * d[0], z = j * s[1] - p[1] + b * d[1];
                                    if (y < 0 || y >= oh || z < 0 || z >= ow) continue;
                                    out[((ni * oc + g * ocg + co) * oh + y) * ow + z] += v * wt.get(ci, co, a, b);
                                }
                            }
                        }
                    }
                }
            }
        }
        if (bias != null) {
            for (int k = 0; k < out.length; k++) out[k] += bias.data[(k / (oh * ow)) % oc];
        }
        return new Nd(new int[] {n, oc, oh, ow}, out, x.dtype);
    }

    /** PyTorch's pooling output size, ceil mode included. */
    static int poolOut(int size, int k, int s, int p, int d, boolean ceil) {
        int span = size + 2 * p - d * (k - 1) - 1;
        int out = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (out - 1) * s >= size + p) out--;
        return out;
    }

    /** Max (or average, with PyTorch's divisor rules) over each window of {@code x [N, C, H, W]}. */
    static Nd pool2d(Nd x, int[] k, int[] s, int[] p, int[] d, boolean ceil, boolean max, boolean countIncludePad) {
        int n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
        int oh = poolOut(h, k[0], s[0], p[0], d[0], ceil), ow = poolOut(wd, k[1], s[1], p[1], d[1], ceil);
        double[] out = new double[n * c * oh * ow];
        for (int nc = 0; nc < n * c; nc++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int a = 0; a < k[0]; a++) {
                        for (int b = 0; b < k[1]; b++) {
                            int ih = i * s[0] - p[0] + a * d[0], iw = j * s[1] - p[1] + b * d[1];
                            if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                            double v = x.data[(nc * h + ih) * wd + iw];
                            acc = max ? (Double.isNaN(v) || v > acc ? v : acc) : acc + v;
                            if (max && Double.isNaN(acc)) break;
                        }
                    }
                    if (!max) {
                        int hs = i * s[0] - p[0], he = Math.min(hs + k[0], h + p[0]);
                        int ws = j * s[1] - p[1], we = Math.min(ws + k[1], wd + p[1]);
                        int count = countIncludePad ? (he - hs) * (we - ws)
                                : (Math.min(he, h) - Math.max(hs, 0)) * (Math.min(we, wd) - Math.max(ws, 0));
                        acc /= count;
                    }
                    out[(nc * oh + i) * ow + j] = acc;
                }
            }
        }
        return new Nd(new int[] {n, c, oh, ow}, out, x.dtype);
    }

    /** PyTorch's adaptive average pooling: cell i averages floor(i*H/oh) .. ceil((i+1)*H/oh). */
    static Nd adaptiveAvg(Nd x, int oh, int ow) {
        int n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
        double[] out = new double[n * c * oh * ow];
        for (int nc = 0; nc < n * c; nc++) {
            for (int i = 0; i < oh; i++) {
                int hs = i * h / oh, he = (int) Math.ceil((i + 1) * (double) h / oh);
                for (int j = 0; j < ow; j++) {
                    int ws = j * wd / ow, we = (int) Math.ceil((j + 1) * (double) wd / ow);
                    double acc = 0;
                    for (int a = hs; a < he; a++) for (int b = ws; b < we; b++) acc += x.data[(nc * h + a) * wd + b];
                    out[(nc * oh + i) * ow + j] = acc / ((he - hs) * (we - ws));
                }
            }
        }
        return new Nd(new int[] {n, c, oh, ow}, out, x.dtype);
    }

    /** Inserts a size-1 axis at {@code axis} (for 1-D ops run through the 2-D references). */
    static Nd unsqueeze(Nd x, int axis) {
        int[] s = new int[x.rank() + 1];
        for (int i = 0, j = 0; i < s.length; i++) s[i] = i == axis ? 1 : x.shape[j++];
        return new Nd(s, x.data, x.dtype);
    }

    static Nd squeeze(Nd x, int axis) {
        int[] s = new int[x.rank() - 1];
        for (int i = 0, j = 0; i < x.rank(); i++) if (i != axis) s[j++] = x.shape[i];
        return new Nd(s, x.data, x.dtype);
    }

    /** A 3x3 stride-1 convolution with an explicit output size: {@code y = sum x[n, c, i - ph + a, j - pw + b] w[k, c, a, b]}. */
    static Nd conv3x3(Nd x, Nd w, int ph, int pw, int oh, int ow) {
        int n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3], k = w.shape[0];
        double[] out = new double[n * k * oh * ow];
        for (int ni = 0; ni < n; ni++) {
            for (int ki = 0; ki < k; ki++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = 0;
                        for (int ci = 0; ci < c; ci++) {
                            for (int a = 0; a < 3; a++) {
                                for (int b = 0; b < 3; b++) {
                                    int y = i - ph + a, z = j - pw + b;
                                    if (y >= 0 && y < h && z >= 0 && z < wd) acc += x.get(ni, ci, y, z) * w.get(ki, ci, a, b);
                                }
                            }
                        }
                        out[((ni * k + ki) * oh + i) * ow + j] = acc;
                    }
                }
            }
        }
        return new Nd(new int[] {n, k, oh, ow}, out, x.dtype);
    }

    /** Its input gradient: each {@code dy[n, k, i, j] w[k, c, a, b]} added at {@code (i - ph + a, j - pw + b)}. */
    static Nd conv3x3InputGrad(Nd dy, Nd w, int h, int wd, int ph, int pw) {
        int n = dy.shape[0], k = dy.shape[1], oh = dy.shape[2], ow = dy.shape[3], c = w.shape[1];
        double[] out = new double[n * c * h * wd];
        for (int ni = 0; ni < n; ni++) {
            for (int ki = 0; ki < k; ki++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double g = dy.get(ni, ki, i, j);
                        for (int ci = 0; ci < c; ci++) {
                            for (int a = 0; a < 3; a++) {
                                for (int b = 0; b < 3; b++) {
                                    int y = i - ph + a, z = j - pw + b;
                                    if (y >= 0 && y < h && z >= 0 && z < wd) out[((ni * c + ci) * h + y) * wd + z] += g * w.get(ki, ci, a, b);
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Nd(new int[] {n, c, h, wd}, out, dy.dtype);
    }

    /** Its weight gradient: {@code dw[k, c, a, b] = sum dy[n, k, i, j] x[n, c, i - ph + a, j - pw + b]}. */
    static Nd conv3x3WeightGrad(Nd dy, Nd x, int ph, int pw) {
        int n = dy.shape[0], k = dy.shape[1], oh = dy.shape[2], ow = dy.shape[3], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
        double[] out = new double[k * c * 9];
        for (int ki = 0; ki < k; ki++) {
            for (int ci = 0; ci < c; ci++) {
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        double acc = 0;
                        for (int ni = 0; ni < n; ni++) {
                            for (int i = 0; i < oh; i++) {
                                for (int j = 0; j < ow; j++) {
                                    int y = i - ph + a, z = j - pw + b;
                                    if (y >= 0 && y < h && z >= 0 && z < wd) acc += dy.get(ni, ki, i, j) * x.get(ni, ci, y, z);
                                }
                            }
                        }
                        out[((ki * c + ci) * 3 + a) * 3 + b] = acc;
                    }
                }
            }
        }
        return new Nd(new int[] {k, c, 3, 3}, out, dy.dtype);
    }
}
