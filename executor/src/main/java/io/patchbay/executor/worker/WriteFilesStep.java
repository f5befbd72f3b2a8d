package io.patchbay.executor.worker;

import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.work.FailureClass;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Writes, deletes and inserts into the patch's files, in order, over what the diff left; each path guarded. */
final class WriteFilesStep implements RunStep {

    @Override
    public String checkpoint() {
        return RunContext.WRITING_FILES;
    }

    @Override
    public void run(RunContext run) throws StepFailure, IOException {
        TreeGuard guard = run.guard();
        for (FileChange f : run.patch().files()) {
            if (f.isDelete()) {
                Path target = guarded(() -> guard.forDelete(f.path()));
                if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new StepFailure(FailureClass.DOES_NOT_APPLY, "cannot delete " + f.path()
                            + ": there is no such file", null);
                }
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new StepFailure(FailureClass.DOES_NOT_APPLY, "cannot delete " + f.path()
                            + ": it is a folder, and patches delete files one by one", null);
                }
                Files.delete(target);
            } else if (f.isInsert()) {
                insert(f, guarded(() -> guard.forWrite(f.path())));
            } else {
                Path target = guarded(() -> guard.forWrite(f.path()));
                if (Files.isDirectory(target)) {
                    throw new StepFailure(FailureClass.DOES_NOT_APPLY, "cannot write " + f.path()
                            + ": it is a folder", null);
                }
                Files.createDirectories(target.getParent());
                Files.writeString(target, f.content() == null ? "" : f.content(), StandardCharsets.UTF_8);
            }
        }
    }

    /** Inserts into the file as the diff and earlier changes left it; the anchor must be there. */
    private static void insert(FileChange f, Path target) throws StepFailure, IOException {
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new StepFailure(FailureClass.DOES_NOT_APPLY, "cannot insert into " + f.path()
                    + ": there is no such file", null);
        }
        String current;
        try {
            current = Files.readString(target, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new StepFailure(FailureClass.DOES_NOT_APPLY, "cannot insert into " + f.path()
                    + ": it is not UTF-8 text", null);
        }
        String updated = f.insertInto(current);
        if (updated == null) {
            String anchor = f.insertAfter() != null ? f.insertAfter() : f.insertBefore();
            throw new StepFailure(FailureClass.DOES_NOT_APPLY, "cannot insert into " + f.path() + ": the text to insert "
                    + (f.insertAfter() != null ? "after" : "before") + " is not in the file", anchor);
        }
        Files.writeString(target, updated, StandardCharsets.UTF_8);
    }

    private static Path guarded(GuardedPath call) throws StepFailure, IOException {
        try {
            return call.get();
        } catch (TreeGuard.Escape e) {
            throw new StepFailure(FailureClass.DOES_NOT_APPLY, "refused: " + e.getMessage(), null);
        }
    }

    @FunctionalInterface
    private interface GuardedPath {
        Path get() throws TreeGuard.Escape, IOException;
    }
}
