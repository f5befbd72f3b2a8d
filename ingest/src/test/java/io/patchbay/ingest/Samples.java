package io.patchbay.ingest;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.topic.Topics;
import org.apache.kafka.clients.producer.MockProducer;

/** Patches and producers the tests share. */
public final class Samples {

    public static final String DIFF = """
            --- a/README.md
            +++ b/README.md
            @@ -1 +1 @@
            -helo
            +hello
            """;

    public static final String JSON = """
            {"domain": "main", "title": "Fix typo in README", "risk": "low",
             "diff": "--- a/README.md\\n+++ b/README.md\\n@@ -1 +1 @@\\n-helo\\n+hello\\n"}
            """;

    public static final String JSON_WITHOUT_DOMAIN = """
            {"title": "Add notes", "files": [{"path": "docs/notes.md", "content": "release\\n"}]}
            """;

    public static final String YAML = """
            domain: main
            title: Add notes
            files:
              - {path: docs/notes.md, content: "release\\n"}
            gates:
              - {name: notes, fileContains: {path: docs/notes.md, text: release}}
            """;

    private Samples() {}

    /** A producer that acknowledges every send at once, serialising with the real serdes. */
    public static MockProducer<String, Command> ackingProducer() {
        return new MockProducer<>(true, null, Topics.KEY.serializer(), Topics.COMMAND.serializer());
    }

    public static MockProducer<String, Command> silentProducer() {
        return new MockProducer<>(false, null, Topics.KEY.serializer(), Topics.COMMAND.serializer());
    }
}
