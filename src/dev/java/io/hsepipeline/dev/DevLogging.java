package io.hsepipeline.dev;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/** Before Spring Boot configures logging, Logback prints everything at DEBUG: the dev tools turn it down. */
final class DevLogging {

    private DevLogging() {
    }

    static void quiet(String... loggers) {
        for (String name : loggers) {
            ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.WARN);
        }
    }
}
