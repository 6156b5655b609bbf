package io.hsepipeline.processes;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports free now, never the same one twice in this JVM, so processes started together do not collide.
 * They come from below the kernel's ephemeral range: a port the system hands to some outgoing connection between
 * this check and the child's bind would make the child fail to start.
 */
public final class FreePorts {

    private static final int LOWEST = 20000;
    private static final int HIGHEST = 32000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    public static synchronized int next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(LOWEST, HIGHEST);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                HANDED_OUT.add(port);
                return port;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IllegalStateException("no free loopback port found between " + LOWEST + " and " + HIGHEST);
    }
}
