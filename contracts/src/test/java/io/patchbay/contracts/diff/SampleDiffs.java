package io.patchbay.contracts.diff;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Real diffs of every dialect the reader knows, as git, GNU diff, quilt and svn write them. */
final class SampleDiffs {

    static final String GIT = """
            diff --git a/src/app.txt b/src/app.txt
            index 3b18e51..a042389 100644
            --- a/src/app.txt
            +++ b/src/app.txt
            @@ -1,3 +1,3 @@
             one
            -two
            +TWO
             three
            """;

    static final String RENAME = """
            diff --git a/docs/old.md b/docs/new.md
            similarity index 90%
            rename from docs/old.md
            rename to docs/new.md
            index 3b18e51..a042389 100644
            --- a/docs/old.md
            +++ b/docs/new.md
            @@ -1 +1 @@
            -old
            +new
            """;

    static final String COPY_DELETE_MODE = """
            diff --git a/lib/a.sh b/lib/b.sh
            similarity index 100%
            copy from lib/a.sh
            copy to lib/b.sh
            diff --git a/gone.txt b/gone.txt
            deleted file mode 100644
            index 3b18e51..0000000
            --- a/gone.txt
            +++ /dev/null
            @@ -1 +0,0 @@
            -bye
            diff --git a/run.sh b/run.sh
            old mode 100644
            new mode 100755
            """;

    static final String QUOTED = """
            diff --git "a/caf\\303\\251 menu.txt" "b/caf\\303\\251 menu.txt"
            new file mode 100644
            index 0000000..3b18e51
            --- /dev/null
            +++ "b/caf\\303\\251 menu.txt"
            @@ -0,0 +1 @@
            +soup
            """;

    static final String NO_PREFIX = """
            diff --git src/app.txt src/app.txt
            index 3b18e51..a042389 100644
            --- src/app.txt
            +++ src/app.txt
            @@ -1 +1 @@
            -one
            +ONE
            """;

    static final String TRADITIONAL = """
            --- proj.orig/src/x.txt\t2026-11-23 10:00:00.000000000 +0000
            +++ proj/src/x.txt\t2026-11-23 10:05:00.000000000 +0000
            @@ -1,2 +1,2 @@
             one
            -two
            +TWO
            """;

    static final String SVN = """
            Index: conf/site.conf
            ===================================================================
            --- conf/site.conf\t(revision 12)
            +++ conf/site.conf\t(working copy)
            @@ -1 +1 @@
            -a=1
            +a=2
            """;

    static final String MAIL = """
            From 5d1c0b2 Mon Sep 17 00:00:00 2001
            From: Ann Example <ann@example.org>
            Subject: [PATCH] Shout

            ---
             src/app.txt | 2 +-

            diff --git a/src/app.txt b/src/app.txt
            --- a/src/app.txt
            +++ b/src/app.txt
            @@ -1 +1 @@
            -one
            +ONE
            --\s
            2.39.5
            """;

    static List<String> all() {
        return List.of(GIT, RENAME, COPY_DELETE_MODE, QUOTED, NO_PREFIX, TRADITIONAL, SVN, MAIL);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private SampleDiffs() {}
}
