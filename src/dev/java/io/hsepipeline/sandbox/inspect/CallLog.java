package io.hsepipeline.sandbox.inspect;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The most recent calls to one stand-in, bounded so that long benchmarks do not fill the heap. */
public final class CallLog {

    private static final int CAPACITY = 20_000;

    private final Deque<RecordedCall> calls = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong seq = new AtomicLong();

    public long nextSeq() {
        return seq.incrementAndGet();
    }

    public void add(RecordedCall call) {
        calls.addLast(call);
        if (size.incrementAndGet() > CAPACITY && calls.pollFirst() != null) {
            size.decrementAndGet();
        }
    }

    /** The newest calls, oldest first; limit <= 0 returns all that are kept. */
    public List<RecordedCall> recent(int limit) {
        List<RecordedCall> all = new ArrayList<>(calls);
        return limit <= 0 || limit >= all.size() ? all : all.subList(all.size() - limit, all.size());
    }

    public void clear() {
        calls.clear();
        size.set(0);
    }
}
