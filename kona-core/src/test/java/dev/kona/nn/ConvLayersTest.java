package dev.kona.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Generator;
import dev.kona.Tensor;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The convolution and pooling modules through {@link LayerContract}, then their initialisation, repr and errors. */
class ConvLayersTest {

    private static Arguments layer(String name, Supplier<? extends Module> factory, int[] in, int[] out, long params) {
        return Arguments.of(name, factory, in, out, params);
    }

    private static int[] s(int... shape) {
        return shape;
    }

    static Stream<Arguments> layers() {
        return Stream.of(
                layer("Conv2d", () -> new Conv2d(2, 3, 3), s(2, 2, 5, 5), s(2, 3, 3, 3), 3 * 2 * 9 + 3),
                layer("Conv2d stride 2 padding 1", () -> new Conv2d(2, 3, 3, 2, 1), s(1, 2, 5, 6), s(1, 3, 3, 3), 57),
                layer("Conv2d same, dilation 2, no bias", () -> new Conv2d(2, 2, s(3, 2), s(1), "same", s(2), 1, false, null),
                        s(1, 2, 5, 4), s(1, 2, 5, 4), 2 * 2 * 6),
                layer("Conv2d groups 2", () -> new Conv2d(4, 2, s(2), s(1), s(0), s(1), 2, true, null), s(1, 4, 3, 3),
                        s(1, 2, 2, 2), 2 * 2 * 4 + 2),
                layer("Conv2d depthwise", () -> new Conv2d(2, 4, s(3), s(1), s(1), s(1), 2, true, null), s(1, 2, 4, 4),
                        s(1, 4, 4, 4), 4 * 9 + 4),
                layer("Conv2d unbatched", () -> new Conv2d(2, 3, 2), s(2, 4, 4), s(3, 3, 3), 3 * 2 * 4 + 3),
                layer("Conv1d", () -> new Conv1d(3, 2, 3), s(2, 3, 7), s(2, 2, 5), 2 * 3 * 3 + 2),
                layer("Conv1d same", () -> new Conv1d(2, 4, 4, 1, "same"), s(2, 2, 6), s(2, 4, 6), 4 * 2 * 4 + 4),
                layer("ConvTranspose2d", () -> new ConvTranspose2d(2, 3, 3), s(1, 2, 3, 3), s(1, 3, 5, 5), 2 * 3 * 9 + 3),
                layer("ConvTranspose2d stride 2 outputPadding 1", () -> new ConvTranspose2d(2, 2, 3, 2, 1, 1), s(1, 2, 3, 3),
                        s(1, 2, 6, 6), 2 * 2 * 9 + 2),
                layer("MaxPool2d", () -> new MaxPool2d(2), s(2, 3, 4, 6), s(2, 3, 2, 3), 0),
                layer("MaxPool2d 3 stride 2 pad 1 ceil", () -> new MaxPool2d(s(3), s(2), s(1), s(1), true), s(1, 2, 6, 6),
                        s(1, 2, 4, 4), 0),
                layer("MaxPool1d", () -> new MaxPool1d(2), s(2, 3, 8), s(2, 3, 4), 0),
                layer("AvgPool2d", () -> new AvgPool2d(2), s(2, 3, 4, 6), s(2, 3, 2, 3), 0),
                layer("AvgPool2d 3 stride 2 pad 1", () -> new AvgPool2d(3, 2, 1), s(1, 2, 5, 5), s(1, 2, 3, 3), 0),
                layer("AvgPool1d", () -> new AvgPool1d(3), s(2, 2, 9), s(2, 2, 3), 0),
                layer("AdaptiveAvgPool2d", () -> new AdaptiveAvgPool2d(s(2, 3)), s(2, 2, 5, 7), s(2, 2, 2, 3), 0),
                layer("AdaptiveAvgPool2d 1", () -> new AdaptiveAvgPool2d(1), s(2, 3, 4, 4), s(2, 3, 1, 1), 0),
                layer("small CNN", () -> new Sequential(new Conv2d(1, 4, 3), new ReLU(), new MaxPool2d(2), new Conv2d(4, 4, 3, 1, 1),
                        new ReLU(), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(4, 3)), s(2, 1, 8, 8), s(2, 3),
                        4 * 9 + 4 + 4 * 4 * 9 + 4 + 4 * 3 + 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void layerContract(String name, Supplier<? extends Module> factory, int[] in, int[] out, long params) {
        LayerContract.check(factory, in, out, params);
    }

    @Test
    void weightsAreDrawnAsPyTorchDraws() {
        // kaiming_uniform(a=√5) is U(-1/√fanIn, 1/√fanIn); the bias uses the same bound.
        var conv = new Conv2d(4, 8, new int[] {3}, new int[] {1}, new int[] {0}, new int[] {1}, 2, true, new Generator(1));
        double bound = 1 / Math.sqrt(2 * 9);
        assertArrayEquals(new int[] {8, 2, 3, 3}, conv.weight().shape());
        assertTrue(conv.weight().abs().max().item() <= bound && conv.weight().abs().max().item() > 0.8 * bound);
        assertTrue(conv.bias().abs().max().item() <= bound);
        var up = new ConvTranspose2d(6, 4, new int[] {2}, new int[] {2}, new int[] {0}, new int[] {0}, 2, true, new int[] {1},
                new Generator(2));
        assertArrayEquals(new int[] {6, 2, 2, 2}, up.weight().shape());
        double upBound = 1 / Math.sqrt(2 * 4);
        assertTrue(up.weight().abs().max().item() <= upBound && up.bias().abs().max().item() <= upBound);
        assertEquals(java.util.List.of("weight", "bias"), new java.util.ArrayList<>(conv.stateDict().keySet()));
    }

    @Test
    void printsLikePyTorch() {
        assertEquals("Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1))", new Conv2d(3, 16, 3).toString());
        assertEquals("Conv2d(3, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))", new Conv2d(3, 16, 3, 2, 1).toString());
        assertEquals("Conv2d(4, 8, kernel_size=(3, 5), stride=(1, 1), padding=same, dilation=(2, 2), groups=2, bias=false)",
                new Conv2d(4, 8, new int[] {3, 5}, new int[] {1}, "same", new int[] {2}, 2, false, null).toString());
        assertEquals("Conv1d(16, 32, kernel_size=(5,), stride=(1,), padding=same)", new Conv1d(16, 32, 5, 1, "same").toString());
        assertEquals("Conv1d(2, 4, kernel_size=(3,), stride=(2,), padding=(1,))", new Conv1d(2, 4, 3, 2, 1).toString());
        assertEquals("ConvTranspose2d(16, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))",
                new ConvTranspose2d(16, 8, 3, 2, 1, 1).toString());
        assertEquals("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=false)", new MaxPool2d(2).toString());
        assertEquals("MaxPool2d(kernel_size=(3, 2), stride=(2, 1), padding=1, dilation=1, ceil_mode=true)",
                new MaxPool2d(new int[] {3, 2}, new int[] {2, 1}, new int[] {1}, new int[] {1}, true).toString());
        assertEquals("MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=false)", new MaxPool1d(2).toString());
        assertEquals("AvgPool2d(kernel_size=2, stride=2, padding=0)", new AvgPool2d(2).toString());
        assertEquals("AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))", new AvgPool1d(3).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=(5, 7))", new AdaptiveAvgPool2d(new int[] {5, 7}).toString());
    }

    @Test
    void badConfigurationsAndInputsNameTheModuleOrOp() {
        var groups = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(3, 4, new int[] {3}, new int[] {1}, new int[] {0}, new int[] {1}, 2, true, null));
        assertEquals("Conv2d: in_channels (3) must be divisible by groups (2)", groups.getMessage());
        var pad = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, "full"));
        assertEquals("Conv2d: padding must be sizes, \"same\" or \"valid\", got \"full\"", pad.getMessage());
        var input = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 16, 3).call(Tensor.zeros(8, 4, 32, 32)));
        assertEquals("conv2d: expected input [N, C, H, W] with C = 3 (weight [16, 3, 3, 3], groups 1), got [8, 4, 32, 32]",
                input.getMessage());
        var outPad = assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(2, 2, 3, 1, 0, 1));
        assertTrue(outPad.getMessage().startsWith("ConvTranspose2d: output_padding must be smaller than either stride or dilation"),
                outPad.getMessage());
        var pool = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2).call(Tensor.zeros(1, 1, 1, 1)));
        assertEquals("maxPool2d: the output would be 0x0 for input [1, 1, 1, 1], kernel [2, 2], stride [2, 2], padding [0, 0], "
                + "dilation [1, 1]", pool.getMessage());
    }

    @Test
    void modulesComputeWhatTheFunctionsCompute() {
        var g = new Generator(5);
        Tensor x = Tensor.randn(g, 2, 4, 9, 9);
        var conv = new Conv2d(4, 6, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1}, 2, true, g);
        dev.kona.testing.TensorAssert.assertBitEqual(F.conv2d(x, conv.weight(), conv.bias(), new int[] {2}, new int[] {1},
                new int[] {1}, 2), conv.call(x), "Conv2d");
        dev.kona.testing.TensorAssert.assertBitEqual(F.maxPool2d(x, 3), new MaxPool2d(3).call(x), "MaxPool2d");
        dev.kona.testing.TensorAssert.assertBitEqual(F.avgPool2d(x, 3), new AvgPool2d(3).call(x), "AvgPool2d");
    }
}
