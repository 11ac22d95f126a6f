package dev.kona.examples;

import dev.kona.Device;
import java.util.ArrayList;
import java.util.List;

/**
 * The examples' command line: {@code [--device cpu|cuda|cuda:N] [arguments...]}, as
 * {@code ./kona example mnist --device cuda} passes it.
 *
 * @param device     where the example trains: {@code Device.cpu()} unless {@code --device} says otherwise
 * @param positional the other arguments, in order
 */
record ExampleArgs(Device device, List<String> positional) {

    static ExampleArgs parse(String[] args) {
        Device device = Device.cpu();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--device") && i + 1 < args.length) device = Device.of(args[++i]);
            else if (args[i].startsWith("--device=")) device = Device.of(args[i].substring("--device=".length()));
            else positional.add(args[i]);
        }
        return new ExampleArgs(device, List.copyOf(positional));
    }

    /** Positional argument {@code i} as an int, or {@code fallback} when absent. */
    int intArg(int i, int fallback) {
        return i < positional.size() ? Integer.parseInt(positional.get(i)) : fallback;
    }
}
