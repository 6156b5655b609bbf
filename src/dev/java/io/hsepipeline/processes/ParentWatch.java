package io.hsepipeline.processes;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Runs a main class and ends this JVM at once when the process that started it is gone, so a test JVM
 * that is killed leaves no broker, sandbox or pipeline behind. Arguments: parent pid, main class, its arguments.
 */
public final class ParentWatch {

    private ParentWatch() {
    }

    public static void main(String[] args) throws Throwable {
        long parent = Long.parseLong(args[0]);
        ProcessHandle.of(parent).ifPresentOrElse(
                handle -> handle.onExit().thenRun(ParentWatch::halt),
                ParentWatch::halt);
        try {
            Class.forName(args[1]).getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void halt() {
        System.err.println("ParentWatch: the starting process is gone, halting");
        Runtime.getRuntime().halt(137);
    }
}
