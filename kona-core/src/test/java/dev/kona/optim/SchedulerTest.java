package dev.kona.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Scheduler contracts beyond the PyTorch sequences: validation, shared bases, state dicts. */
class SchedulerTest {

    private static Optimizer sgd(double lr) {
        return new SGD(List.of(Tensor.zeros(2).requiresGrad(true)), SGD.options().lr(lr).momentum(0.9));
    }

    private static void assertMessage(String expected, Executable e) {
        var ex = assertThrows(RuntimeException.class, e);
        assertTrue(ex.getMessage().contains(expected), "message was: " + ex.getMessage());
    }

    @Test
    void argumentsAreValidated() {
        assertMessage("StepLR: stepSize must be >= 1, got 0", () -> new StepLR(sgd(0.1), 0));
        assertMessage("LinearLR: startFactor must be in (0, 1], got 0.0", () -> new LinearLR(sgd(0.1), 0, 1, 5));
        assertMessage("LinearLR: endFactor must be in [0, 1], got 1.5", () -> new LinearLR(sgd(0.1), 0.5, 1.5, 5));
        assertMessage("CosineAnnealingLR: tMax must be >= 1, got 0", () -> new CosineAnnealingLR(sgd(0.1), 0));
        assertMessage("MultiStepLR: milestones must be >= 0, got -3", () -> new MultiStepLR(sgd(0.1), new int[] {-3}));
        assertMessage("LambdaLR: expected 1 functions (one per parameter group), got 2",
                () -> new LambdaLR(sgd(0.1), List.of(e -> 1.0, e -> 2.0)));
        assertMessage("OneCycleLR: totalSteps must be > 0, got 0", () -> new OneCycleLR(sgd(0.1), 1.0, 0));
        assertMessage("OneCycleLR: pctStart must be in [0, 1], got 1.5",
                () -> new OneCycleLR(sgd(0.1), 1.0, 10, OneCycleLR.options().pctStart(1.5)));
        var adagrad = new Adagrad(List.of(Tensor.zeros(2).requiresGrad(true)));
        assertMessage("OneCycleLR: cycleMomentum needs an optimizer with a momentum or beta1 hyper-parameter, Adagrad has neither",
                () -> new OneCycleLR(adagrad, 1.0, 10));
        assertTrue(Double.isNaN(adagrad.paramGroups().get(0).initialLr()), "a refused scheduler changes nothing");
        new OneCycleLR(adagrad, 1.0, 10, OneCycleLR.options().cycleMomentum(false));
        assertMessage("ReduceLROnPlateau: factor must be in [0, 1), got 1.0",
                () -> new ReduceLROnPlateau(sgd(0.1), ReduceLROnPlateau.options().factor(1.0)));
        assertMessage("ReduceLROnPlateau: patience must be >= 0, got -1",
                () -> new ReduceLROnPlateau(sgd(0.1), ReduceLROnPlateau.options().patience(-1)));
    }

    @Test
    void oneCycleRefusesToStepPastItsEnd() {
        var sched = new OneCycleLR(sgd(0.1), 1.0, 3);
        for (int i = 0; i < 3; i++) sched.step();
        assertMessage("OneCycleLR: tried to step 4 times; the schedule has 3 steps", sched::step);
    }

    @Test
    void chainedSchedulersShareTheInitialLearningRate() {
        Optimizer opt = sgd(0.1);
        new LinearLR(opt, 0.5, 1.0, 4);
        assertEquals(0.05, opt.paramGroups().get(0).lr(), 1e-15);
        var cosine = new CosineAnnealingLR(opt, 10);
        assertEquals(0.1, opt.paramGroups().get(0).initialLr());
        assertArrayEquals(new double[] {0.1}, cosine.baseLrs());
    }

    @Test
    void aLoadedStateDictResumesTheSchedule() {
        Optimizer a = sgd(0.1);
        var sa = new StepLR(a, 3, 0.5);
        for (int i = 0; i < 4; i++) sa.step();
        Map<String, Object> saved = sa.stateDict();
        OptimizerState optState = a.stateDict();

        Optimizer b = sgd(0.1);
        var sb = new StepLR(b, 3, 0.5);
        b.loadStateDict(optState);
        sb.loadStateDict(saved);
        assertEquals(4, sb.lastEpoch());
        assertArrayEquals(sa.getLastLr(), sb.getLastLr());
        for (int i = 0; i < 5; i++) {
            sa.step();
            sb.step();
            assertArrayEquals(sa.getLastLr(), sb.getLastLr());
        }
        assertEquals(0.1 * 0.5 * 0.5 * 0.5, b.paramGroups().get(0).lr(), 1e-15);
        assertMessage("StepLR: the loaded state has no int 'lastEpoch'", () -> sb.loadStateDict(Map.of("baseLrs", new double[1], "lastLr", new double[1])));
        assertMessage("StepLR: the loaded state has 2 base learning rates and 1 last ones, the optimizer has 1 parameter groups",
                () -> sb.loadStateDict(Map.of("baseLrs", new double[2], "lastLr", new double[1], "lastEpoch", 1, "stepCount", 2)));
    }

    @Test
    void reduceOnPlateauStateRoundTrips() {
        Optimizer a = sgd(1.0);
        var ra = new ReduceLROnPlateau(a, ReduceLROnPlateau.options().patience(1).factor(0.5));
        for (double m : new double[] {5, 4, 4, 4}) ra.step(m);
        assertEquals(0.5, a.paramGroups().get(0).lr());
        assertEquals(4.0, ra.best());

        Optimizer b = sgd(0.5);
        var rb = new ReduceLROnPlateau(b, ReduceLROnPlateau.options().patience(1).factor(0.5));
        rb.loadStateDict(ra.stateDict());
        for (double m : new double[] {4, 4, 3.9, 3.9, 3.9}) {
            ra.step(m);
            rb.step(m);
            assertArrayEquals(ra.getLastLr(), rb.getLastLr());
            assertEquals(ra.numBadEpochs(), rb.numBadEpochs());
        }
    }

    @Test
    void lastLrIsACopy() {
        var sched = new ExponentialLR(sgd(0.1), 0.5);
        sched.getLastLr()[0] = 42;
        assertEquals(0.1, sched.getLastLr()[0]);
    }
}
