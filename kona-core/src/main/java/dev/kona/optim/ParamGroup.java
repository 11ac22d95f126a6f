package dev.kona.optim;

import dev.kona.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters optimized together with their own hyper-parameters, as a PyTorch param group. Keys
 * are the optimizer's option names ({@code lr}, {@code momentum}, {@code beta1}, {@code weightDecay}...,
 * the components of its {@code Options} record); those a group does not set are filled from the
 * optimizer's defaults when the group is added. Schedulers change {@link #setLr}.
 *
 * <pre>{@code
 * var backbone = new ParamGroup(List.of(w1, b1)).set("lr", 1e-4);
 * var head = new ParamGroup(List.of(w2, b2));                 // takes the default lr below
 * var opt = new Adam(List.of(backbone, head), Adam.options().lr(1e-3));
 * }</pre>
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private final Map<String, Object> options = new LinkedHashMap<>();
    private double initialLr = Double.NaN;

    public ParamGroup(List<Tensor> params) {
        this.params = List.copyOf(params);
    }

    /** A group with some hyper-parameters set: values are numbers or booleans. */
    public ParamGroup(List<Tensor> params, Map<String, ?> options) {
        this(params);
        for (var e : options.entrySet()) put(e.getKey(), e.getValue());
    }

    private void put(String key, Object value) {
        Object v = switch (value) {
            case Boolean b -> b;
            case Number n -> n.doubleValue();
            case null -> throw new IllegalArgumentException("ParamGroup: hyper-parameter '" + key + "' must not be null");
            default -> throw new IllegalArgumentException("ParamGroup: hyper-parameter '" + key
                    + "' must be a number or a boolean, got " + value.getClass().getSimpleName());
        };
        Object old = options.get(key);
        if (old != null && old.getClass() != v.getClass()) {
            throw new IllegalArgumentException("ParamGroup: hyper-parameter '" + key + "' is a "
                    + (old instanceof Boolean ? "boolean" : "number") + ", got " + v);
        }
        options.put(key, v);
    }

    /** The parameters (an unmodifiable list). */
    public List<Tensor> params() {
        return params;
    }

    /** Sets a numeric hyper-parameter; returns this group. */
    public ParamGroup set(String key, double value) {
        put(key, value);
        return this;
    }

    /** Sets a boolean hyper-parameter; returns this group. */
    public ParamGroup set(String key, boolean value) {
        put(key, value);
        return this;
    }

    public boolean has(String key) {
        return options.containsKey(key);
    }

    /** A numeric hyper-parameter; fails when the group has no such number. */
    public double getDouble(String key) {
        if (options.get(key) instanceof Double d) return d;
        throw new IllegalArgumentException("ParamGroup: no numeric hyper-parameter '" + key + "' (has " + options.keySet() + ")");
    }

    /** A boolean hyper-parameter; fails when the group has no such flag. */
    public boolean getBoolean(String key) {
        if (options.get(key) instanceof Boolean b) return b;
        throw new IllegalArgumentException("ParamGroup: no boolean hyper-parameter '" + key + "' (has " + options.keySet() + ")");
    }

    /** The learning rate. */
    public double lr() {
        return getDouble("lr");
    }

    public void setLr(double lr) {
        put("lr", lr);
    }

    /** The hyper-parameters, read-only, in insertion order. */
    public Map<String, Object> options() {
        return Collections.unmodifiableMap(options);
    }

    /**
     * The learning rate a scheduler started from (PyTorch's {@code initial_lr}), or NaN before a
     * scheduler was attached. The first scheduler records it, later ones reuse it, so that chained
     * schedulers share one base.
     */
    public double initialLr() {
        return initialLr;
    }

    public void setInitialLr(double initialLr) {
        this.initialLr = initialLr;
    }

    @Override
    public String toString() {
        return "ParamGroup(" + params.size() + " params, " + options + ")";
    }
}
