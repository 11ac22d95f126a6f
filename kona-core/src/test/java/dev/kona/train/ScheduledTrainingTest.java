package dev.kona.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.train.schedules.ExponentialDecay;
import dev.kona.train.schedules.LearningRateSchedule;
import dev.kona.train.schedules.PiecewiseConstantDecay;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An optimizer recipe with a learning rate schedule, driven by {@code fit} and {@code trainOnBatch}. */
class ScheduledTrainingTest {
    private Tensor x;
    private Tensor y;

    @BeforeEach
    void data() {
        Layer.resetNames();
        Kona.manualSeed(5);
        x = Tensor.randn(40, 3);
        y = x.sum(1, true);
    }

    @Test
    void fitSetsTheScheduledRateBeforeEveryStepAcrossEpochs() {
        LearningRateSchedule schedule = new ExponentialDecay(0.1, 3, 0.5);
        var model = new Sequential(new Input(3), new Dense(1));
        model.compile(OptimizerSpec.sgd(schedule), "mse");
        List<Double> used = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        // the rate in the optimizer right after a step is the one that step used
        var probe = new LambdaCallback().onBatchEnd((batch, logs) -> {
            used.add(model.optimizer().paramGroups().getFirst().lr());
            counts.add(model.iterations());
        });
        model.fit(x, y, FitOptions.epochs(3).batchSize(16).verbose(0).callbacks(probe));   // 3 steps per epoch
        assertEquals(9, used.size());
        for (int step = 0; step < 9; step++) {
            assertEquals(schedule.at(step), used.get(step), 1e-15, "rate of step " + step);
            assertEquals(step + 1, counts.get(step), "iterations after step " + step);
        }
        assertEquals(schedule.at(9), model.learningRate(), 1e-15, "learningRate() reads the next step's rate");
    }

    @Test
    void theRateChangesTheUpdateAsAFixedRateWould() {
        // two steps with a schedule giving 0.05 then 0.01 land where two fixed-rate models do
        var scheduled = new Sequential(new Input(3), new Dense(1));
        scheduled.compile(OptimizerSpec.sgd(new PiecewiseConstantDecay(new long[] {0}, new double[] {0.05, 0.01})), "mse");
        var fixed = new Sequential(new Input(3), new Dense(1));
        fixed.compile(OptimizerSpec.sgd(0.05), "mse");
        fixed.setWeights(scheduled.getWeights());
        Tensor xa = x.narrow(0, 0, 8), ya = y.narrow(0, 0, 8), xb = x.narrow(0, 8, 8), yb = y.narrow(0, 8, 8);
        scheduled.trainOnBatch(xa, ya);
        fixed.trainOnBatch(xa, ya);
        fixed.setLearningRate(0.01);
        scheduled.trainOnBatch(xb, yb);
        fixed.trainOnBatch(xb, yb);
        for (int w = 0; w < 2; w++) {
            assertArrayEquals(fixed.getWeights().get(w).toFloatArray(), scheduled.getWeights().get(w).toFloatArray(), "weight " + w);
        }
        assertEquals(2, scheduled.iterations());
    }

    @Test
    void aScheduledRateIsNotSettable() {
        var model = new Sequential(new Input(3), new Dense(1));
        model.compile(OptimizerSpec.adam(new ExponentialDecay(1e-3, 10, 0.9)), "mse");
        var e = assertThrows(IllegalStateException.class, () -> model.setLearningRate(0.1));
        assertTrue(e.getMessage().startsWith("setLearningRate: the optimizer was compiled with the learning rate schedule "
                + "ExponentialDecay[initialLearningRate=0.001, decaySteps=10, decayRate=0.9, staircase=false]"), e.getMessage());
        var onEpoch = new LearningRateScheduler((epoch, lr) -> lr / 2);
        assertThrows(IllegalStateException.class,
                () -> model.fit(x, y, FitOptions.epochs(1).batchSize(16).verbose(0).callbacks(onEpoch)));
    }

    @Test
    void recompilingStartsTheCountAgain() {
        var model = new Sequential(new Input(3), new Dense(1));
        model.compile(OptimizerSpec.sgd(new ExponentialDecay(0.1, 1, 0.5)), "mse");
        model.fit(x, y, FitOptions.epochs(1).batchSize(8).verbose(0));
        assertEquals(5, model.iterations());
        assertEquals(0.1 / 32, model.learningRate(), 1e-15);
        model.compile(OptimizerSpec.sgd(new ExponentialDecay(0.1, 1, 0.5)), "mse");
        assertEquals(0, model.iterations());
        assertEquals(0.1, model.learningRate(), 1e-15);
    }

    @Test
    void aScheduleGivingABadRateStopsTrainingNamingTheStep() {
        var model = new Sequential(new Input(3), new Dense(1));
        model.compile(OptimizerSpec.sgd(step -> step < 2 ? 0.01 : Double.NaN), "mse");
        var e = assertThrows(IllegalStateException.class, () -> model.fit(x, y, FitOptions.epochs(1).batchSize(8).verbose(0)));
        assertTrue(e.getMessage().contains(" gave NaN at step 2, expected a rate >= 0"), e.getMessage());
        assertEquals(2, model.iterations());
    }

    @Test
    void withScheduleReplacesAnEarlierSchedule() {
        OptimizerSpec spec = OptimizerSpec.adam(step -> 0.5).withSchedule(step -> 0.25);
        assertEquals(0.25, spec.schedule().at(0));
        assertEquals(0.25, spec.create(List.of(Tensor.zeros(2).requiresGrad(true))).paramGroups().getFirst().lr());
        assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.sgd().withSchedule(null));
    }
}
