package io.hsepipeline.sandbox.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsepipeline.sandbox.http.SandboxJson;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Entities of one kind (files, documents, certificates, records) by id, in creation order. Copy on write:
 * a stored node is never changed after it is stored, so readers may serialise it while others update.
 */
public final class EntityStore {

    private record Entry(long seq, ObjectNode node) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();

    public ObjectNode put(String id, ObjectNode node) {
        entries.put(id, new Entry(seq.incrementAndGet(), node));
        return node;
    }

    /** Stores the node unless the id is taken; false means a duplicate key. */
    public boolean putIfAbsent(String id, ObjectNode node) {
        return entries.putIfAbsent(id, new Entry(seq.incrementAndGet(), node)) == null;
    }

    public Optional<ObjectNode> get(String id) {
        Entry entry = id == null ? null : entries.get(id);
        return entry == null ? Optional.empty() : Optional.of(entry.node());
    }

    /** Applies the change to a copy and stores the copy; empty if there is no such entity. */
    public Optional<ObjectNode> update(String id, Consumer<ObjectNode> change) {
        Entry updated = entries.computeIfPresent(id, (key, entry) -> {
            ObjectNode copy = entry.node().deepCopy();
            change.accept(copy);
            return new Entry(entry.seq(), copy);
        });
        return updated == null ? Optional.empty() : Optional.of(updated.node());
    }

    /** A copy without the fields a stand-in keeps for itself (names starting with "_"). */
    public static ObjectNode publicView(ObjectNode node) {
        ObjectNode view = node.deepCopy();
        view.remove(view.properties().stream().map(Map.Entry::getKey).filter(name -> name.startsWith("_")).toList());
        return view;
    }

    public void remove(String id) {
        entries.remove(id);
    }

    public List<ObjectNode> all() {
        return entries.values().stream().sorted(Comparator.comparingLong(Entry::seq)).map(Entry::node).toList();
    }

    public ArrayNode toJson() {
        ArrayNode array = SandboxJson.array();
        all().forEach(array::add);
        return array;
    }

    public int size() {
        return entries.size();
    }

    public void clear() {
        entries.clear();
    }
}
