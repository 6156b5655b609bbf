package io.hsepipeline.preflight;

import java.io.PrintStream;
import java.util.List;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * {@code make check}: the preflight against the configured services (settings as for the application:
 * environment, mounted secrets, application.yaml, {@code --NAME=value} arguments). Prints a line per check and
 * exits 1 when any fails. Starts no route and no Kafka client: an empty configuration, only the settings.
 */
@Configuration(proxyBeanMethods = false)
public class PreflightMain {

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs every check with these arguments; 0 when all pass, 1 otherwise. */
    public static int run(String[] args, PrintStream out) {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PreflightMain.class)
                .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                .properties("logging.level.root=WARN").run(args)) {
            List<Preflight.Check> checks = new Preflight(context.getEnvironment()).runAll();
            checks.forEach(check -> out.println(check.line()));
            long failed = checks.stream().filter(check -> !check.ok()).count();
            out.println(failed == 0 ? "All " + checks.size() + " checks passed."
                    : failed + " of " + checks.size() + " checks failed.");
            return failed == 0 ? 0 : 1;
        }
    }
}
