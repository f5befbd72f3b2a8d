package io.patchbay.ingest.slack;

import io.patchbay.ingest.JsonLinesLog;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each patch submitted in Slack is talked about: its channel and thread, who submitted it,
 * and the message holding its approval buttons. Kept in a file so that a patch's result still
 * reaches its thread after a restart; the last line for a patch wins.
 */
final class PatchThreads implements AutoCloseable {

    /**
     * @param threadTs the message the replies go under
     * @param approvalTs the message with Approve/Reject buttons, while they are live; else null
     * @param removed a tombstone: the submission did not happen
     */
    record PatchThread(String patchId, String domain, String channel, String threadTs, String submitter,
            String approvalTs, boolean removed) {

        PatchThread withApprovalTs(String ts) {
            return new PatchThread(patchId, domain, channel, threadTs, submitter, ts, removed);
        }
    }

    private final JsonLinesLog<PatchThread> file;
    private final Map<String, PatchThread> threads = new HashMap<>();

    PatchThreads(Path file) {
        this.file = new JsonLinesLog<>(file, PatchThread.class);
        var loaded = this.file.load();
        for (PatchThread t : loaded) {
            if (t.removed()) {
                threads.remove(t.patchId());
            } else {
                threads.put(t.patchId(), t);
            }
        }
        if (loaded.size() > 2 * threads.size() + 100) {
            this.file.rewrite(threads.values());
        }
    }

    synchronized Optional<PatchThread> get(String patchId) {
        return Optional.ofNullable(threads.get(patchId));
    }

    /** Records a new patch's thread; false when the patch already has one (it was submitted before). */
    synchronized boolean add(PatchThread thread) {
        if (threads.containsKey(thread.patchId())) {
            return false;
        }
        put(thread);
        return true;
    }

    synchronized void put(PatchThread thread) {
        threads.put(thread.patchId(), thread);
        file.append(thread);
    }

    synchronized void remove(String patchId) {
        PatchThread t = threads.remove(patchId);
        if (t != null) {
            file.append(new PatchThread(patchId, t.domain(), t.channel(), t.threadTs(), t.submitter(), null, true));
        }
    }

    @Override
    public void close() {
        file.close();
    }
}
