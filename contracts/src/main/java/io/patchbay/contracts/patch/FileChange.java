package io.patchbay.contracts.patch;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One change to one file, applied after the patch's diff: a whole-file write of {@code content};
 * an insert of {@code content} right after the first occurrence of the text {@code insertAfter}
 * or right before the first occurrence of {@code insertBefore} in the file as it is then; or a
 * delete when {@code delete} is true.
 */
public record FileChange(String path, String content, Boolean delete, String insertAfter, String insertBefore) {

    public FileChange(String path, String content, Boolean delete) {
        this(path, content, delete, null, null);
    }

    public static FileChange write(String path, String content) {
        return new FileChange(path, content, null);
    }

    public static FileChange remove(String path) {
        return new FileChange(path, null, true);
    }

    /** Inserts {@code content} right after the first occurrence of {@code anchor}. */
    public static FileChange insertAfter(String path, String anchor, String content) {
        return new FileChange(path, content, null, anchor, null);
    }

    /** Inserts {@code content} right before the first occurrence of {@code anchor}. */
    public static FileChange insertBefore(String path, String anchor, String content) {
        return new FileChange(path, content, null, null, anchor);
    }

    public boolean isDelete() {
        return Boolean.TRUE.equals(delete);
    }

    /** Whether this change inserts into the file as it is rather than replacing it. */
    @JsonIgnore
    public boolean isInsert() {
        return insertAfter != null || insertBefore != null;
    }

    /**
     * The file's new text after this insert, or null when its anchor is not in {@code current}.
     *
     * @throws IllegalStateException when this change is not an insert
     */
    public String insertInto(String current) {
        if (!isInsert()) {
            throw new IllegalStateException("the change of " + path + " is not an insert");
        }
        String anchor = insertAfter != null ? insertAfter : insertBefore;
        int at = current.indexOf(anchor);
        if (at < 0) {
            return null;
        }
        int cut = insertAfter != null ? at + anchor.length() : at;
        String text = content == null ? "" : content;
        return current.substring(0, cut) + text + current.substring(cut);
    }
}
