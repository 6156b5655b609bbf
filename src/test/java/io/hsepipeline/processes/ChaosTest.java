package io.hsepipeline.processes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * make chaos, reduced: 40 PDFs (distinct, duplicates, bad ones), the application SIGKILLed 3 times at moments in
 * different stages, the broker once with it; afterwards every file is in done/, error/ or duplicate/ with its
 * reason, and every document is at every service exactly once. CHAOS_SEED repeats a failed run's choices.
 */
class ChaosTest {

    @Test
    void nothingIsLostOrCreatedTwiceWhenTheApplicationAndTheBrokerAreKilledWhilePdfsFlow() {
        Chaos.quietLogging();
        String seed = System.getenv("CHAOS_SEED");
        Chaos.Settings settings = new Chaos.Settings(40, 3,
                seed == null || seed.isBlank() ? new Random().nextInt(1_000_000) : Long.parseLong(seed.trim()),
                true, Duration.ofSeconds(12), Duration.ofMinutes(5), "1".equals(System.getenv("CHAOS_KEEP")));

        Chaos.Report report = Chaos.run(settings);

        assertThat(report.problems()).as("reconciliation problems, seed " + settings.seed()).isEmpty();
        assertThat(report.kills()).as("kills done").isEqualTo(3);
        assertThat(report.brokerKills()).as("broker kills done").isEqualTo(1);
    }
}
