package io.patchbay.contracts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ProblemTest {

    private static JsonNode read(Problem p) throws Exception {
        return Json.mapper().readTree(p.json());
    }

    @Test
    void rendersTheStandardMembersWithTheInstanceAndExtensionsBesideThem() throws Exception {
        JsonNode json = read(Problem.of(400, "Bad Request", "the body is not a valid patch")
                .with("errors", List.of("/domain: missing")).at("/v1/patches"));

        assertThat(json.path("type").asText()).isEqualTo("about:blank");
        assertThat(json.path("title").asText()).isEqualTo("Bad Request");
        assertThat(json.path("status").asInt()).isEqualTo(400);
        assertThat(json.path("detail").asText()).isEqualTo("the body is not a valid patch");
        assertThat(json.path("instance").asText()).isEqualTo("/v1/patches");
        assertThat(json.path("errors").get(0).asText()).isEqualTo("/domain: missing");
    }

    @Test
    void patchbaysOwnKindsAreUrns() throws Exception {
        assertThat(read(Problem.typed("patch-not-found", 404, "Patch not found", "no patch p1")).path("type").asText())
                .isEqualTo("urn:patchbay:problem:patch-not-found");
    }

    @Test
    void absentMembersAreLeftOut() throws Exception {
        JsonNode json = read(Problem.of(404, "Not Found", "no route").with("errors", null));
        assertThat(json.has("instance")).isFalse();
        assertThat(json.has("errors")).isFalse();
    }

    @Test
    void anExtensionCannotOverrideAStandardMember() {
        assertThatThrownBy(() -> Problem.of(403, "Forbidden", "no").with("status", 200))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("status");
    }

    @Test
    void onlyErrorStatusesAreProblems() {
        assertThatThrownBy(() -> Problem.of(200, "OK", "fine")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnexpectedFailureIsAnsweredWithAnIdAndWithoutItsCause() throws Exception {
        Problem p = Problem.unexpected("GET", "/v1/domains", new IllegalStateException("password=hunter2"),
                LoggerFactory.getLogger(ProblemTest.class));
        JsonNode json = read(p);

        assertThat(p.json()).doesNotContain("hunter2").doesNotContain("IllegalStateException");
        assertThat(json.path("status").asInt()).isEqualTo(500);
        assertThat(json.path("instance").asText()).isEqualTo("/v1/domains");
        assertThat(json.path("detail").asText()).contains(json.path("errorId").asText());
        assertThat(Problem.unexpected("GET", "/", new RuntimeException(), LoggerFactory.getLogger(ProblemTest.class))
                .extensions().get("errorId")).isNotEqualTo(json.path("errorId").asText());
    }
}
