package io.patchbay.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The default contract as tests adapt it, written where {@code patchbay up} looks for it under a home. */
final class TestContracts {

    private TestContracts() {}

    /** The shipped default contract. */
    static String shipped() {
        try (InputStream in = TestContracts.class.getResourceAsStream("/sot/execution-contract.yml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The default contract with {@code sleep} allowed, so that a gate can hold a domain busy. */
    static String withSleep() {
        String contract = shipped();
        String allowed = contract.replace("        - [\"true\"]\n", "        - [\"true\"]\n        - [\"sleep\"]\n");
        if (allowed.equals(contract)) {
            throw new IllegalStateException("the default contract no longer lists [\"true\"]; adapt withSleep()");
        }
        return allowed;
    }

    /** Writes {@code contract} to {@code home/contracts/sot/execution-contract.yml}. */
    static void install(Path home, String contract) throws IOException {
        Path file = home.resolve("contracts/sot/execution-contract.yml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, contract);
    }
}
