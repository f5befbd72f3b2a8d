package io.patchbay.executor.worker;

import java.io.File;
import java.io.OutputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.FS_POSIX;
import org.eclipse.jgit.util.ProcessResult;

/**
 * The file system patchbay's own git work goes through: it knows no hooks. JGit runs
 * {@code post-commit} even for a commit made with {@code setNoVerify(true)}, and a hook in a
 * workspace is whatever a person or an earlier command left in {@code .git/hooks} (or wherever
 * {@code core.hooksPath} points); it would run unsandboxed, as the service user. Every hook JGit
 * looks for is found absent here, so none runs.
 */
final class HooklessFs extends FS_POSIX {

    static final FS INSTANCE = new HooklessFs();

    private HooklessFs() {
        super();
    }

    private HooklessFs(FS src) {
        super(src);
    }

    @Override
    public FS newInstance() {
        return new HooklessFs(this);
    }

    @Override
    public File findHook(Repository repository, String hookName) {
        return null;
    }

    @Override
    public ProcessResult runHookIfPresent(Repository repository, String hookName, String[] args, OutputStream out,
            OutputStream err, String stdin) {
        return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
    }
}
