package dev.tokentm.udfs.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the read-only reference data in {@code shared/}: the system property
 * {@code tokentm.shared.dir}, else the environment variable {@code TOKENTM_SHARED_DIR}, else
 * {@code ../shared} from the repository root. Tests that need it are skipped, with the place
 * looked at, when it is absent.
 */
public final class SharedData {

    private SharedData() {}

    public static Path dir() {
        String configured = System.getProperty("tokentm.shared.dir", System.getenv("TOKENTM_SHARED_DIR"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path cwd = Path.of("").toAbsolutePath();
        Path root = Files.exists(cwd.resolve("udfs")) ? cwd : cwd.getParent();
        return root.resolve("../shared").normalize();
    }

    /** A directory or file under shared/, or the test is skipped with a message naming it. */
    public static Path require(String relative) {
        Path p = dir().resolve(relative);
        if (!Files.exists(p)) {
            String message = "shared reference data not found at " + p
                    + " (set -Dtokentm.shared.dir or TOKENTM_SHARED_DIR); skipping";
            // Surefire reports a skip in @BeforeAll as "0 tests run" without the reason: say it.
            System.err.println("SKIPPED: " + message);
            assumeTrue(false, message);
        }
        return p;
    }
}
