package dev.kona.data;

import dev.kona.Shape;
import dev.kona.Tensor;
import java.util.Objects;

/** Datasets that slice tensors along dimension 0. */
final class TensorDatasets {
    private TensorDatasets() {}

    static IndexedDataset<Example> of(Tensor x, Tensor y) {
        int n = rowsOf("x", x);
        int m = rowsOf("y", y);
        if (n != m) {
            throw new IllegalArgumentException("Dataset.fromTensors: x has " + n + " rows (shape " + Shape.format(x.shape())
                    + ") but y has " + m + " (shape " + Shape.format(y.shape()) + "); dimension 0 must match");
        }
        return new Pairs(x, y);
    }

    static IndexedDataset<Tensor> of(Tensor x) {
        rowsOf("x", x);
        return new Single(x);
    }

    private static int rowsOf(String name, Tensor t) {
        Objects.requireNonNull(t, "Dataset.fromTensors: " + name + " is null");
        if (t.dim() == 0) {
            throw new IllegalArgumentException("Dataset.fromTensors: " + name + " is 0-d; it needs a dimension 0 to slice");
        }
        return t.size(0);
    }

    static Tensor rows(String op, float[][] x, int expectedRows) {
        if (x.length != expectedRows) {
            throw new IllegalArgumentException(op + ": x has " + x.length + " rows but y has " + expectedRows);
        }
        int k = x.length == 0 ? 0 : x[0].length;
        float[] flat = new float[x.length * k];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != k) {
                throw new IllegalArgumentException(op + ": row " + i + " of x has " + x[i].length + " values, row 0 has " + k);
            }
            System.arraycopy(x[i], 0, flat, i * k, k);
        }
        return Tensor.of(flat, x.length, k);
    }

    private static Tensor indexTensor(int[] indices, int size) {
        long[] idx = new long[indices.length];
        for (int i = 0; i < indices.length; i++) idx[i] = Objects.checkIndex(indices[i], size);
        return Tensor.of(idx);
    }

    private record Pairs(Tensor x, Tensor y) implements IndexedDataset<Example> {
        @Override
        public int size() {
            return x.size(0);
        }

        @Override
        public Example get(int index) {
            Objects.checkIndex(index, size());
            return new Example(x.select(0, index), y.select(0, index));
        }

        @Override
        public Example getBatch(int[] indices) {
            Tensor idx = indexTensor(indices, size());
            return new Example(x.indexSelect(0, idx), y.indexSelect(0, idx));
        }

        @Override
        public String toString() {
            return "TensorDataset[x=" + Shape.format(x.shape()) + " " + x.dtype() + ", y=" + Shape.format(y.shape())
                    + " " + y.dtype() + "]";
        }
    }

    private record Single(Tensor x) implements IndexedDataset<Tensor> {
        @Override
        public int size() {
            return x.size(0);
        }

        @Override
        public Tensor get(int index) {
            Objects.checkIndex(index, size());
            return x.select(0, index);
        }

        @Override
        public Tensor getBatch(int[] indices) {
            return x.indexSelect(0, indexTensor(indices, size()));
        }

        @Override
        public String toString() {
            return "TensorDataset[x=" + Shape.format(x.shape()) + " " + x.dtype() + "]";
        }
    }
}
