package dev.tokentm.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokentm.job.aggregate.Bootstrap;
import org.junit.jupiter.api.Test;

/**
 * The audit's bootstrap: the run's replicates and seed; a run of none ({@code --bootstrap 0}) still
 * gets intervals, else no causal test could ever confirm a shortcut.
 */
class AuditOptionsTest {

    @Test
    void theAuditAlwaysHasReplicates() {
        AuditOptions options = new AuditOptions();
        assertEquals(
                new Bootstrap(200, 7), options.settings(new Bootstrap(200, 7)).bootstrap());
        assertEquals(
                new Bootstrap(Bootstrap.defaults().replicates(), 7),
                options.settings(new Bootstrap(0, 7)).bootstrap());
    }
}
