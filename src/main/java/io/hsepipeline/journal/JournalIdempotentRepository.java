package io.hsepipeline.journal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.stereotype.Component;

/**
 * The repository of the stages' once-only steps (the {@code idempotentConsumer} blocks in routes/): a key
 * {@code <documentId>/<step>} is a file {@code done-<step>.json} in the document's journal folder on the share.
 * So it survives a kill, every replica sees the same keys at once (they share the share, as the journal), and
 * nothing is forgotten: no cache to size, no topic to read at start-up. Blocks run with {@code eager: false},
 * so a key is written only once its step is done; a step a kill interrupted runs again, and its look-up-before-
 * create makes that safe.
 */
@Component
public class JournalIdempotentRepository extends ServiceSupport implements IdempotentRepository {

    private static final String PREFIX = "done-";
    private static final String SAFE_STEP = "[A-Za-z0-9._-]{1,100}";

    private final DocumentJournal journal;

    public JournalIdempotentRepository(DocumentJournal journal) {
        this.journal = journal;
    }

    /** The journal entry that holds a step's key (a step name safe as a file name, as the routes use). */
    public static String entryOf(String step) {
        return PREFIX + step;
    }

    @Override
    public boolean add(String key) {
        Key parsed = Key.of(key);
        return journal.exclusively(parsed.documentId(), () -> {
            if (journal.has(parsed.documentId(), parsed.entry())) {
                return false;
            }
            journal.write(parsed.documentId(), parsed.entry(), Map.of("key", key, "at", Instant.now().toString()));
            return true;
        });
    }

    @Override
    public boolean contains(String key) {
        Key parsed = Key.of(key);
        return journal.has(parsed.documentId(), parsed.entry());
    }

    @Override
    public boolean remove(String key) {
        Key parsed = Key.of(key);
        return journal.remove(parsed.documentId(), parsed.entry());
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** Keys live in the documents' journals, which are never cleared as a whole. */
    @Override
    public void clear() {
        throw new UnsupportedOperationException("The once-only keys are part of each document's journal (.hse/<documentId>/done-*.json)");
    }

    /**
     * {@code <documentId>/<step>}: the entry is {@code done-<step>}; a step with characters a file name should
     * not hold (record ids are free text) becomes its name-based UUID.
     */
    private record Key(String documentId, String entry) {

        static Key of(String key) {
            int slash = key == null ? -1 : key.indexOf('/');
            if (slash <= 0 || slash == key.length() - 1) {
                throw new IllegalArgumentException("A once-only key is <documentId>/<step>, not '" + key + "'");
            }
            String step = key.substring(slash + 1);
            String safe = step.matches(SAFE_STEP) ? step
                    : UUID.nameUUIDFromBytes(step.getBytes(StandardCharsets.UTF_8)).toString();
            return new Key(key.substring(0, slash), PREFIX + safe);
        }
    }
}
