package dev.kona.data;

import java.nio.file.Path;

/**
 * The folder where {@link Mnist}, {@link FashionMnist} and other built-in datasets keep their
 * files, each in a sub-folder of its own ({@code mnist/}, {@code fashion-mnist/}).
 *
 * <p>The first of these is used:
 * <ol>
 *   <li>the system property {@code kona.datasets} ({@code java -Dkona.datasets=/data/kona ...});</li>
 *   <li>the environment variable {@code KONA_DATASETS};</li>
 *   <li>{@code ~/.kona/datasets}.</li>
 * </ol>
 *
 * <pre>{@code
 * DatasetCache.root();   // e.g. /home/me/.kona/datasets
 * }</pre>
 */
public final class DatasetCache {
    private DatasetCache() {}

    /** The system property that sets the cache folder. */
    public static final String PROPERTY = "kona.datasets";
    /** The environment variable that sets the cache folder when the property is not set. */
    public static final String ENV = "KONA_DATASETS";

    /** The cache folder (it may not exist yet; loaders create it). */
    public static Path root() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".kona", "datasets");
    }
}
