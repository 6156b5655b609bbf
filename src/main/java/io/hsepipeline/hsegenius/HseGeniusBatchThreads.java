package io.hsepipeline.hsegenius;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The threads of the HSE Genius batch: documents validated at the same time (HSEGENIUS_VALIDATE_CONCURRENCY). */
@Configuration
public class HseGeniusBatchThreads {

    @Bean(name = "hsegeniusBatchPool", destroyMethod = "shutdownNow")
    public ExecutorService hsegeniusBatchPool(@Value("${hse.hsegenius.validate-concurrency}") int threads) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "hsegenius-batch-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return Executors.newFixedThreadPool(Math.max(1, threads), factory);
    }
}
