package io.patchbay.watchdog;

/**
 * Keys of the watchdog's per-domain stores. Every key starts with {@code domain|}: domain names are
 * lower-case letters, digits and '-', all of which sort before '|', so a prefix scan of one domain
 * never strays into another domain whose name starts the same way ({@code main} vs {@code main-eu}).
 */
final class StoreKeys {

    static final char SEP = '|';

    private StoreKeys() {}

    static String domainPrefix(String domain) {
        return domain + SEP;
    }


    /** Index key: the seq is zero-padded so that byte order is seq order and a reverse scan lists newest first. */
    static String index(String domain, long seq, String patchId) {
        return domain + SEP + String.format("%020d", seq) + SEP + patchId;
    }

    /** The patch id at the end of an index key; ids may themselves contain '|', so split only twice. */
    static String patchIdOfIndex(String key) {
        int first = key.indexOf(SEP);
        int second = key.indexOf(SEP, first + 1);
        return key.substring(second + 1);
    }

    static String patch(String domain, String patchId) {
        return domain + SEP + patchId;
    }

    static String patchIdOf(String domain, String key) {
        return key.substring(domain.length() + 1);
    }

    static String slaLimit(String domain, String limit) {
        return domain + SEP + "limit" + SEP + limit;
    }

    static String stuckPrefix(String domain) {
        return domain + SEP + "stuck" + SEP;
    }

    static String stuck(String domain, String patchId) {
        return stuckPrefix(domain) + patchId;
    }

    /** A time-ordered key: the millis are zero-padded so that byte order is time order. */
    static String timed(String domain, long epochMillis, String tail) {
        return domain + SEP + pad(Math.max(0, epochMillis)) + SEP + tail;
    }

    /** The lowest key of a domain's time-ordered entries at or after {@code epochMillis}. */
    static String timedFrom(String domain, long epochMillis) {
        return domain + SEP + pad(Math.max(0, epochMillis)) + SEP;
    }

    /** The highest key of a domain's time-ordered entries before {@code epochMillis}. */
    static String timedBefore(String domain, long epochMillis) {
        return domain + SEP + pad(Math.max(0, epochMillis - 1)) + SEP + '~';
    }

    /** Above every key of a domain whose part after {@code domain|} starts with a digit: '~' sorts after them. */
    static String domainEnd(String domain) {
        return domain + SEP + '~';
    }

    private static String pad(long n) {
        return String.format("%020d", n);
    }
}
