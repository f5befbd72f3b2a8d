package io.patchbay.executor.worker;

import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.work.GateResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How much command and gate output one patch keeps in all. The contract's {@code outputBytes}
 * bounds each output, so a patch with many gates would otherwise write a summary, and send a
 * result and a terminal event, that grow with its gate count until Kafka refuses them. The total
 * is shared fairly: outputs smaller than an equal share stay whole, and the others get equal parts
 * of what is left (max-min fairness), each keeping its head and, larger, its tail, with a line
 * saying how much was cut where. When there are too many outputs for every one to keep a useful
 * part, failed commands and gates keep theirs first and the rest say only how much was left out.
 *
 * @param totalBytes the most output, in UTF-8 bytes, one patch's summary keeps (a short marker per
 *     cut output comes on top)
 */
record OutputBudget(int totalBytes) {

    /** Below this an output's part says too little to be worth its place; fewer outputs keep theirs. */
    static final int MIN_SHARE = 512;

    OutputBudget {
        if (totalBytes < MIN_SHARE) {
            throw new IllegalArgumentException("a patch's output budget must be at least " + MIN_SHARE + " bytes");
        }
    }

    /**
     * The budget a record limit affords: a result carries every output twice (in its gate or
     * command and in the summary), the terminal event the same again in a record of its own, and
     * JSON escaping can grow text by up to {@link RecordLimits#GROWTH_FACTOR}; the envelope holds
     * the rest. 1.3 MiB with the default 8 MiB records, 21 KiB with the smallest.
     */
    static OutputBudget of(RecordLimits limits) {
        return new OutputBudget((limits.maxRecordBytes() - RecordLimits.ENVELOPE_BYTES)
                / (2 * RecordLimits.GROWTH_FACTOR));
    }

    /** The outputs as kept, and what was cut. */
    record Fitted(List<Summary.CommandRun> commands, List<GateResult> gates, long totalBytes, long cutBytes,
            int cutOutputs, int budget) {

        /** A line for the summary saying what was cut; null when nothing was. */
        String note() {
            if (cutBytes == 0) {
                return null;
            }
            return cutBytes + " of " + totalBytes + " bytes cut from " + cutOutputs
                    + (cutOutputs == 1 ? " output" : " outputs") + " (marked where), so that this patch keeps at most "
                    + budget + " bytes of output in all";
        }
    }

    /** The outputs of a run fitted into this budget; unchanged when they fit. */
    Fitted fit(List<Summary.CommandRun> commands, List<GateResult> gates) {
        List<String> texts = new ArrayList<>();
        List<Boolean> failed = new ArrayList<>();
        commands.forEach(c -> {
            texts.add(c.outputTail());
            failed.add(c.timedOut() || c.exitCode() != 0);
        });
        gates.forEach(g -> {
            texts.add(g.outputTail());
            failed.add(!g.passed());
        });
        int n = texts.size();
        long[] sizes = texts.stream().mapToLong(OutputBudget::bytes).toArray();
        long total = java.util.Arrays.stream(sizes).sum();
        if (total <= totalBytes) {
            return new Fitted(List.copyOf(commands), List.copyOf(gates), total, 0, 0, totalBytes);
        }
        long[] caps = caps(sizes, failed);
        List<String> kept = new ArrayList<>(n);
        long cut = 0;
        int cutOutputs = 0;
        for (int i = 0; i < n; i++) {
            if (sizes[i] <= caps[i]) {
                kept.add(texts.get(i));
                continue;
            }
            String text = cut(texts.get(i), sizes[i], (int) caps[i]);
            kept.add(text);
            cut += sizes[i] - Math.min(sizes[i], caps[i]);
            cutOutputs++;
        }
        List<Summary.CommandRun> c = IntStream.range(0, commands.size()).mapToObj(i -> {
            Summary.CommandRun r = commands.get(i);
            return new Summary.CommandRun(r.argv(), r.exitCode(), r.timedOut(), r.durationMs(), kept.get(i));
        }).toList();
        List<GateResult> g = IntStream.range(0, gates.size()).mapToObj(i -> {
            GateResult r = gates.get(i);
            return new GateResult(r.name(), r.passed(), r.exitCode(), r.durationMs(), kept.get(commands.size() + i));
        }).toList();
        return new Fitted(c, g, total, cut, cutOutputs, totalBytes);
    }

    /**
     * Each output's share: failed ones first, then in run order, as many outputs as can keep at
     * least {@link #MIN_SHARE} take part (the others keep nothing); among those, water-filling.
     */
    private long[] caps(long[] sizes, List<Boolean> failed) {
        int n = sizes.length;
        List<Integer> order = IntStream.range(0, n).boxed()
                .sorted(Comparator.comparing((Integer i) -> !failed.get(i)).thenComparing(i -> i)).toList();
        int room = totalBytes / MIN_SHARE;
        List<Integer> taking = order.stream().filter(i -> sizes[i] > 0).limit(room).toList();
        long[] caps = new long[n];
        List<Integer> bySize = taking.stream().sorted(Comparator.comparingLong(i -> sizes[i])).toList();
        long remaining = totalBytes;
        int left = bySize.size();
        for (int i : bySize) {
            long share = remaining / left;
            caps[i] = Math.min(sizes[i], share);
            remaining -= caps[i];
            left--;
        }
        return caps;
    }

    /** The head and the larger tail of {@code text} within {@code cap} bytes, with a line saying what was cut between them. */
    private String cut(String text, long size, int cap) {
        if (cap == 0) {
            return "[" + size + " bytes of output left out: this patch keeps at most " + totalBytes
                    + " bytes of output in all, and failed commands and gates keep theirs first]\n";
        }
        int head = cap / 4;
        String h = prefixWithin(text, head);
        String t = suffixWithin(text, cap - bytes(h));
        long dropped = size - bytes(h) - bytes(t);
        String sep = h.isEmpty() || h.endsWith("\n") ? "" : "\n";
        return h + sep + "[… " + dropped + " bytes cut here: this patch keeps at most " + totalBytes
                + " bytes of output in all …]\n" + t;
    }

    static long bytes(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The longest prefix of whole code points within {@code max} UTF-8 bytes. */
    private static String prefixWithin(String s, long max) {
        long used = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int b = utf8Length(cp);
            if (used + b > max) {
                break;
            }
            used += b;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    /** The longest suffix of whole code points within {@code max} UTF-8 bytes. */
    private static String suffixWithin(String s, long max) {
        long used = 0;
        int i = s.length();
        while (i > 0) {
            int cp = s.codePointBefore(i);
            int b = utf8Length(cp);
            if (used + b > max) {
                break;
            }
            used += b;
            i -= Character.charCount(cp);
        }
        return s.substring(i);
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
}
