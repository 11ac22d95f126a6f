package dev.kona.data;

/**
 * A data problem: a corrupt or truncated file, a bad CSV row, a dataset that could not be fetched,
 * or an element that failed on a worker thread. Messages name the file (or the pipeline stage)
 * and what was expected; failures on another thread keep the original exception as the cause.
 */
public final class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
