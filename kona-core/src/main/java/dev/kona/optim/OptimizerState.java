package dev.kona.optim;

import dev.kona.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of an optimizer ({@link Optimizer#stateDict()}), as PyTorch's optimizer state dict:
 * parameters are numbered 0, 1, ... across the groups in order, so the snapshot can be loaded into
 * another optimizer built over equally shaped parameters. Buffers are copies.
 *
 * <pre>{@code
 * OptimizerState saved = opt.stateDict();
 * var resumed = new Adam(model2Params, Adam.options());
 * resumed.loadStateDict(saved);            // same steps, moments and hyper-parameters
 * }</pre>
 *
 * @param paramGroups each group's parameter numbers and hyper-parameters
 * @param state       per-parameter state by parameter number; parameters never updated are absent
 */
public record OptimizerState(List<Group> paramGroups, Map<Integer, Entry> state) {
    public OptimizerState {
        paramGroups = List.copyOf(paramGroups);
        state = Collections.unmodifiableMap(new TreeMap<>(state));
    }

    /**
     * @param params    the numbers of the group's parameters
     * @param options   its hyper-parameters (numbers as Double, flags as Boolean)
     * @param initialLr the learning rate its scheduler started from, or NaN
     */
    public record Group(List<Integer> params, Map<String, Object> options, double initialLr) {
        public Group {
            params = List.copyOf(params);
            options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        }
    }

    /** One parameter's state: its step count, buffers and scalars (see {@link ParamState}). */
    public record Entry(long step, Map<String, Tensor> buffers, Map<String, Double> scalars) {
        public Entry {
            buffers = Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
            scalars = Collections.unmodifiableMap(new LinkedHashMap<>(scalars));
        }
    }
}
