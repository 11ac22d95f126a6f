package dev.kona.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes each epoch's logs as a CSV row, Keras's {@code CSVLogger}: a header {@code epoch} and the
 * log keys sorted (with {@code val_} columns even before validation runs), epochs counted from 0,
 * values as Python prints floats, rows ending with CRLF as Python's csv module writes them; the
 * file is flushed after every epoch.
 *
 * <pre>{@code
 * model.fit(x, y, FitOptions.epochs(5).callbacks(new CSVLogger(Path.of("training.csv"))));
 * // epoch,accuracy,loss,val_accuracy,val_loss
 * // 0,0.9123,0.3012,NA,NA
 * }</pre>
 */
public final class CSVLogger extends Callback {
    private final Path path;
    private final String separator;
    private final boolean append;
    private BufferedWriter writer;
    private List<String> keys;

    public CSVLogger(Path path) {
        this(path, ",", false);
    }

    /** @param append add to an existing file (without a second header) instead of replacing it */
    public CSVLogger(Path path, String separator, boolean append) {
        this.path = path;
        this.separator = separator;
        this.append = append;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        keys = null;
        try {
            boolean header = !(append && Files.exists(path) && Files.size(path) > 0);
            if (path.toAbsolutePath().getParent() != null) Files.createDirectories(path.toAbsolutePath().getParent());
            writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            if (!header) keys = List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger: cannot open " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        try {
            if (keys == null || keys.isEmpty()) {
                boolean writeHeader = keys == null;
                keys = new ArrayList<>(logs.keySet().stream().sorted().toList());
                if (keys.stream().noneMatch(k -> k.startsWith("val_"))) {
                    keys.addAll(keys.stream().map(k -> "val_" + k).toList());
                }
                if (writeHeader) writer.write("epoch" + separator + String.join(separator, keys) + "\r\n");
            }
            var row = new StringBuilder().append(epoch);
            for (String k : keys) {
                Double v = logs.get(k);
                row.append(separator).append(v == null ? "NA" : PyFormat.repr(v));
            }
            writer.write(row.append("\r\n").toString());
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger: cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        if (writer == null) return;
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger: cannot close " + path + ": " + e.getMessage(), e);
        } finally {
            writer = null;
        }
    }
}
