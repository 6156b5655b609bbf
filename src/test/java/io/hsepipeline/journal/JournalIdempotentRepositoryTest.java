package io.hsepipeline.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hsepipeline.share.PipelineSettings;
import io.hsepipeline.share.ShareFolders;

/** The once-only keys of the idempotentConsumer blocks, as files in the documents' journals on the share. */
class JournalIdempotentRepositoryTest {

    private static final String DOCUMENT = "ab".repeat(32);

    @TempDir
    Path share;

    @Test
    void aKeyIsAddedOnceAndSeenByAnotherInstanceOnTheSameShare() {
        JournalIdempotentRepository one = repository();
        JournalIdempotentRepository other = repository();

        assertThat(one.contains(DOCUMENT + "/announce")).isFalse();
        assertThat(one.add(DOCUMENT + "/announce")).isTrue();

        assertThat(other.contains(DOCUMENT + "/announce")).isTrue();
        assertThat(other.add(DOCUMENT + "/announce")).isFalse();
        assertThat(other.contains(DOCUMENT + "/publish-hsegenius-1")).isFalse();
        assertThat(share.resolve(".hse").resolve(DOCUMENT).resolve("done-announce.json")).exists();
    }

    @Test
    void theJournalKeepsALockOnlyForDocumentsInWork() throws Exception {
        DocumentJournal journal = journal();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Integer>> done = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String document = String.format("%064x", i % 20);
                done.add(threads.submit(() -> journal.exclusively(document, () -> {
                    // inside, this document's lock is there
                    assertThat(journal.documentsInWork()).isPositive();
                    return 1;
                })));
            }
            for (java.util.concurrent.Future<Integer> f : done) {
                assertThat(f.get()).isEqualTo(1);
            }
        } finally {
            threads.shutdownNow();
        }
        // 200 read-modify-writes of 20 documents, four threads at once: nothing kept once they are over
        assertThat(journal.documentsInWork()).isZero();
    }

    @Test
    void aRemovedKeyIsNoLongerThereAndRemovingAnAbsentOneChangesNothing() {
        JournalIdempotentRepository repository = repository();
        repository.add(DOCUMENT + "/qehs-r1");

        assertThat(repository.remove(DOCUMENT + "/qehs-r1")).isTrue();
        assertThat(repository.contains(DOCUMENT + "/qehs-r1")).isFalse();
        assertThat(repository.remove(DOCUMENT + "/qehs-r1")).isFalse();
    }

    @Test
    void aStepWithCharactersNoFileNameShouldHoldIsKeptUnderItsNameBasedIdAndNamedInside() throws Exception {
        JournalIdempotentRepository repository = repository();
        String key = DOCUMENT + "/fourhse-certificate-record/../with spaces";

        assertThat(repository.add(key)).isTrue();

        assertThat(repository.contains(key)).isTrue();
        assertThat(repository.contains(DOCUMENT + "/fourhse-certificate-record")).isFalse();
        List<Path> files;
        try (var listed = Files.list(share.resolve(".hse").resolve(DOCUMENT))) {
            files = listed.filter(f -> f.getFileName().toString().startsWith("done-")).toList();
        }
        assertThat(files).singleElement().satisfies(file -> {
            assertThat(file.getFileName().toString()).matches("done-[0-9a-f-]{36}\\.json");
            assertThat(Files.readString(file)).contains("with spaces");
        });
    }

    @Test
    void aKeyWithoutDocumentOrStepIsRefusedWithItsExpectedShape() {
        JournalIdempotentRepository repository = repository();

        assertThatThrownBy(() -> repository.contains("announce")).hasMessageContaining("<documentId>/<step>");
        assertThatThrownBy(() -> repository.add(DOCUMENT + "/")).hasMessageContaining("<documentId>/<step>");
        assertThatThrownBy(() -> repository.add("not-a-document/announce")).hasMessageContaining("Not a document id");
    }

    private JournalIdempotentRepository repository() {
        return new JournalIdempotentRepository(journal());
    }

    private DocumentJournal journal() {
        PipelineSettings settings = new PipelineSettings(share, null, null, null,
                List.of(new PipelineSettings.WatchedFolder("inbox", "inbox", List.of(), null, null, null)));
        return new DocumentJournal(new ShareFolders(settings, new ObjectMapper()));
    }
}
