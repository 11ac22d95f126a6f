package dev.kona;

/**
 * Where a tensor's storage lives: {@code Device.cpu()} or {@code Device.cuda(0)}.
 *
 * @param type  the backend family, e.g. {@code "cpu"} or {@code "cuda"}
 * @param index the device number within the family (0 for the CPU)
 */
public record Device(String type, int index) {
    /** The CPU. */
    public static final Device CPU = new Device("cpu", 0);

    public Device {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("Device: type must be a non-empty name such as \"cpu\" or \"cuda\"");
        }
        if (index < 0) {
            throw new IllegalArgumentException("Device: index must be >= 0, got " + index + " for " + type);
        }
    }

    public static Device cpu() {
        return CPU;
    }

    public static Device cuda(int index) {
        return new Device("cuda", index);
    }

    /** Parses {@code "cpu"}, {@code "cuda"} or {@code "cuda:1"}. */
    public static Device of(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) return spec.equals("cpu") ? CPU : new Device(spec, 0);
        try {
            return new Device(spec.substring(0, colon), Integer.parseInt(spec.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Device.of: bad device '" + spec + "', expected e.g. cpu, cuda, cuda:1");
        }
    }

    @Override
    public String toString() {
        return type.equals("cpu") ? "cpu" : type + ":" + index;
    }
}
