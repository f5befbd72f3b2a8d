package io.patchbay.contracts.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.GateResult;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.contracts.work.WorkspaceTask;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SerdeRoundTripTest {

    private static final Patch PATCH = new Patch("p1", "main", "t", null, "a <a@b>", null,
            List.of(FileChange.write("a.txt", "x")), List.of(List.of("echo", "x")),
            List.of(Gate.command("g", List.of("true"))), new Patch.Expect("abc"));

    private static <T> T roundTrip(org.apache.kafka.common.serialization.Serde<T> serde, T value) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
    }

    @Test
    void commandsKeepTheirType() {
        Command submit = new Command.Submit(PATCH, Submitter.http("ci"), Instant.parse("2026-11-23T10:00:00Z"));
        assertThat(roundTrip(Topics.COMMAND, submit)).isEqualTo(submit);
        Command cancel = new Command.Cancel("main", "p1", Submitter.http("ops"), Instant.EPOCH, "no longer needed");
        assertThat(roundTrip(Topics.COMMAND, cancel)).isEqualTo(cancel);
        assertThat(new String(Topics.COMMAND.serializer().serialize("t", cancel), StandardCharsets.UTF_8))
                .contains("\"type\":\"Cancel\"");
    }

    @Test
    void eventsRoundTripWithTheirHashIntact() {
        Event e = HashChain.seal(new Event("main", 1, "p1", Instant.parse("2026-11-23T10:00:00.123456Z"),
                new EventBody.Failed(1, FailureClass.GATE_FAILED, "gate unit failed", "exit 1",
                        List.of(new GateResult("unit", false, 1, 12, "boom")), "var/summaries/main/p1.md", "# s", 40),
                null, null), HashChain.GENESIS);
        Event back = roundTrip(Topics.EVENT, e);
        assertThat(back).isEqualTo(e);
        assertThat(HashChain.verify(List.of(back))).isEmpty();
        assertThat(PatchStatus.after(back.body(), PatchStatus.RUNNING)).isEqualTo(PatchStatus.FAILED);
    }

    @Test
    void workResultsRoundTrip() {
        WorkResult r = new WorkResult.Started("main", "p1", 2, Instant.EPOCH, "w1", "abc");
        assertThat(roundTrip(Topics.WORK_RESULT, r)).isEqualTo(r);
        WorkResult stopped = new WorkResult.Cancelled("main", "p1", 2, Instant.EPOCH, "stopped in gate 'slow'",
                List.of(new GateResult("slow", false, -1, 5, "")), "s.md", "# s", 5);
        assertThat(roundTrip(Topics.WORK_RESULT, stopped)).isEqualTo(stopped);
    }

    @Test
    void runOrdersSerialiseAsBeforeAndCancelOrdersSayWhatTheyAre() {
        WorkOrder run = new WorkOrder("main", "p1", 1, PATCH, Instant.EPOCH);
        assertThat(new String(Topics.WORK_ORDER.serializer().serialize("t", run), StandardCharsets.UTF_8))
                .doesNotContain("action");
        assertThat(roundTrip(Topics.WORK_ORDER, run).isCancel()).isFalse();
        WorkOrder cancel = WorkOrder.cancel("main", "p1", 1, Instant.EPOCH);
        assertThat(roundTrip(Topics.WORK_ORDER, cancel)).isEqualTo(cancel).satisfies(o -> assertThat(o.isCancel()).isTrue());
    }

    @Test
    void runOrderCarriesItsSubmitterAndAnOrderWithoutOneStillReads() {
        WorkOrder run = new WorkOrder("main", "p1", 1, PATCH, Instant.EPOCH).withExpectedHead("abc")
                .withSubmitter(Submitter.slack("U0BAR", "C0BAR"));
        assertThat(roundTrip(Topics.WORK_ORDER, run)).isEqualTo(run)
                .satisfies(o -> assertThat(o.submitter()).isEqualTo(Submitter.slack("U0BAR", "C0BAR")));
        byte[] old = "{\"domain\":\"main\",\"patchId\":\"p1\",\"attempt\":1,\"dispatchedAt\":\"1970-01-01T00:00:00Z\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(Topics.WORK_ORDER.deserializer().deserialize("t", old).submitter()).isNull();
    }

    @Test
    void holdRejectionAndCancelEventsTravelUnderTheirOwnNamesAndMoveTheStatus() {
        Submitter ops = Submitter.http("ops");
        List<EventBody> bodies = List.of(new EventBody.HeldForWindow(Instant.EPOCH, "window"),
                new EventBody.RejectedByApprover(ops, "no"), new EventBody.CancelRequested(1, ops, "stop"),
                new EventBody.Cancelled(ops, "stop", "s.md", "# s"));
        for (EventBody b : bodies) {
            Event e = HashChain.seal(new Event("main", 1, "p1", Instant.EPOCH, b, null, null), HashChain.GENESIS);
            assertThat(roundTrip(Topics.EVENT, e)).isEqualTo(e);
        }
        assertThat(bodies).extracting(b -> PatchStatus.after(b, PatchStatus.RUNNING)).containsExactly(
                PatchStatus.HELD_FOR_WINDOW, PatchStatus.REJECTED, PatchStatus.RUNNING, PatchStatus.CANCELLED);
        assertThat(PatchStatus.HELD_FOR_WINDOW.pending()).isTrue();
        // A cancel without a summary hashes as it always did.
        assertThat(Json.canonical(new EventBody.Cancelled(ops, "stop"))).doesNotContain("summary");
    }

    @Test
    void unfreezeIsADomainCommandWithoutPatchId() {
        Command unfreeze = new Command.Unfreeze("main", Command.Unfreeze.RESET, Submitter.http("ops"), Instant.EPOCH);
        String json = new String(Topics.COMMAND.serializer().serialize("t", unfreeze), StandardCharsets.UTF_8);
        assertThat(json).contains("\"type\":\"Unfreeze\"").contains("\"mode\":\"reset\"").doesNotContain("patchId");
        assertThat(roundTrip(Topics.COMMAND, unfreeze)).isEqualTo(unfreeze);
    }

    @Test
    void workspaceOrdersAndTheirAnswersRoundTrip() {
        WorkOrder order = WorkOrder.of("main", new WorkspaceTask(WorkspaceTask.VERIFY, 7, "abc", null), Instant.EPOCH);
        WorkOrder back = roundTrip(Topics.WORK_ORDER, order);
        assertThat(back).isEqualTo(order);
        assertThat(back.forWorkspace()).isTrue();
        assertThat(back.attempt()).isEqualTo(7);
        assertThat(roundTrip(Topics.WORK_ORDER, new WorkOrder("main", "p1", 1, PATCH, Instant.EPOCH)).forWorkspace())
                .isFalse();

        WorkResult verified = new WorkResult.WorkspaceVerified("main", 7, "verify", Instant.EPOCH, "abc", "def");
        WorkResult drift = new WorkResult.DriftFound("main", 7, "verify", Instant.EPOCH, "abc", "fed", "a.txt modified");
        assertThat(roundTrip(Topics.WORK_RESULT, verified)).isEqualTo(verified);
        assertThat(roundTrip(Topics.WORK_RESULT, drift)).isEqualTo(drift);
        assertThat(drift.patchId()).isNull();
        assertThat(drift.attempt()).isEqualTo(7);
        assertThat(new String(Topics.WORK_RESULT.serializer().serialize("t", drift), StandardCharsets.UTF_8))
                .doesNotContain("patchId").doesNotContain("attempt");
    }

    @Test
    void scoreTravelsFromResultToEventAndAnUnscoredEventHashesAsBefore() {
        WorkResult scored = new WorkResult.Succeeded("main", "p1", 1, Instant.EPOCH, "abc", List.of("a.txt"), List.of(),
                null, "# s", 5, false, 0.75);
        assertThat(((WorkResult.Succeeded) roundTrip(Topics.WORK_RESULT, scored)).score()).isEqualTo(0.75);
        EventBody unscored = new EventBody.Succeeded(1, "abc", List.of("a.txt"), List.of(), null, "# s", 5);
        assertThat(new String(Topics.EVENT.serializer().serialize("t",
                new Event("main", 1, "p1", Instant.EPOCH, unscored, null, null)), StandardCharsets.UTF_8))
                .doesNotContain("score");
        Event snapshot = HashChain.seal(new Event("main", 2, null, Instant.EPOCH, new EventBody.Snapshot("abc", "def"),
                null, null), HashChain.GENESIS);
        assertThat(roundTrip(Topics.EVENT, snapshot)).isEqualTo(snapshot);
        assertThat(snapshot.type()).isEqualTo("Snapshot");
    }

    @Test
    void garbageIsASerializationError() {
        assertThatThrownBy(() -> Topics.EVENT.deserializer().deserialize("t", "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
    }
}
