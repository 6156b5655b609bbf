package io.hsepipeline.extract;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The threads of the Hypatos poller: documents checked at the same time (HSE_EXTRACT_POLL_CONCURRENCY). */
@Configuration
public class ExtractPollThreads {

    @Bean(name = "extractPollPool", destroyMethod = "shutdownNow")
    public ExecutorService extractPollPool(@Value("${hse.extract.poll-concurrency}") int threads) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(Math.max(1, threads), runnable -> {
            Thread thread = new Thread(runnable, "extract-poll-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
