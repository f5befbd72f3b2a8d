package io.patchbay.contracts.patch;

/**
 * A whole-file write, or a delete when {@code delete} is true. Applied after the patch's diff.
 */
public record FileChange(String path, String content, Boolean delete) {

    public static FileChange write(String path, String content) {
        return new FileChange(path, content, null);
    }

    public static FileChange remove(String path) {
        return new FileChange(path, null, true);
    }

    public boolean isDelete() {
        return Boolean.TRUE.equals(delete);
    }
}
