package io.hsepipeline.sandbox;

import java.util.concurrent.CountDownLatch;

/** make sandbox: the four stand-ins alone, with settings from SANDBOX_* variables; Ctrl-C stops them. */
public final class SandboxMain {

    private SandboxMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        SandboxSettings settings = SandboxSettings.fromEnvironment();
        Sandbox sandbox = Sandbox.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }, "sandbox-shutdown"));
        System.out.println(banner(sandbox, settings));
        stopped.await();
    }

    static String banner(Sandbox sandbox, SandboxSettings settings) {
        StringBuilder text = new StringBuilder("hse-pipeline sandbox is listening on loopback\n\n");
        for (String service : SandboxSettings.SERVICES) {
            text.append(String.format("  %-10s http://localhost:%d%n", service, sandbox.port(service)));
        }
        text.append("\nApplication settings (default credentials):\n");
        sandbox.applicationSettings().forEach((name, value) -> text.append("  ").append(name).append('=').append(value).append('\n'));
        text.append("\nKnobs: ").append(settings.describe()).append('\n');
        text.append("Inspect: GET /_sandbox/stats, /_sandbox/{service}/calls, /_sandbox/{service}/entities;")
                .append(" POST /_sandbox/faults, /_sandbox/reset (on any of the ports). Ctrl-C stops.");
        return text.toString();
    }
}
