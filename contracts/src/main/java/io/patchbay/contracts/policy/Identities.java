package io.patchbay.contracts.policy;

import io.patchbay.contracts.command.Submitter;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who is who, from the contract's {@code identities}: each person's credentials as
 * {@code channel:id} ({@code http:alice-ci}, {@code slack:U0ALICE}). Approvals and four-eyes
 * compare people, so that one person with a token and a Slack account is still one pair of eyes.
 * A credential listed under nobody is a person of its own, named by the credential.
 */
public final class Identities {

    public static final Identities NONE = new Identities(Map.of());

    /** Credential to person. */
    private final Map<String, String> personOf;

    private Identities(Map<String, String> personOf) {
        this.personOf = personOf;
    }

    /**
     * @param people person to credentials; a credential under two people is the loader's to refuse,
     *     here the first person (by name) keeps it
     */
    public static Identities of(Map<String, List<String>> people) {
        if (people == null || people.isEmpty()) {
            return NONE;
        }
        var byCredential = new TreeMap<String, String>();
        new TreeMap<>(people).forEach((person, credentials) -> {
            if (credentials != null) {
                credentials.forEach(c -> byCredential.putIfAbsent(c, person));
            }
        });
        return new Identities(Collections.unmodifiableMap(byCredential));
    }

    /** The person behind a submitter or approver: their name, or the credential itself when nobody claims it. */
    public String personOf(Submitter who) {
        if (who == null) {
            return null;
        }
        String credential = who.channel() + ":" + who.id();
        return personOf.getOrDefault(credential, credential);
    }

    /**
     * The person an entry of {@code risk.approvers} means: a person's name stays as it is, a
     * credential becomes its person ({@code "*"} stays too).
     */
    public String personOfEntry(String entry) {
        return entry == null ? null : personOf.getOrDefault(entry, entry);
    }

    /** Whether the two are the same person, whatever channel each spoke on. */
    public boolean samePerson(Submitter a, Submitter b) {
        return a != null && b != null && personOf(a).equals(personOf(b));
    }

    /** A name under which a person is listed (not a credential). */
    public boolean isPerson(String name) {
        return personOf.containsValue(name);
    }
}
