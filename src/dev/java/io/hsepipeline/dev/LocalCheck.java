package io.hsepipeline.dev;

import io.hsepipeline.preflight.PreflightMain;
import io.hsepipeline.sandbox.Sandbox;
import io.hsepipeline.sandbox.SandboxSettings;

/**
 * {@code make check-local}: the preflight with make run's settings, against a sandbox of its own on free ports
 * (so a running make run is left alone). As in make run, a service set in the environment is checked instead.
 */
public final class LocalCheck {

    private LocalCheck() {
    }

    public static void main(String[] args) {
        DevLogging.quiet("org.apache.kafka");
        int exit;
        try (Sandbox sandbox = Sandbox.start(SandboxSettings.fromEnvironment().withPorts(0, 0, 0, 0))) {
            sandbox.applicationSettings().forEach((name, value) -> {
                if (System.getenv(name) == null) {
                    System.setProperty(name, value);
                }
            });
            exit = PreflightMain.run(args, System.out);
        }
        System.exit(exit);
    }
}
