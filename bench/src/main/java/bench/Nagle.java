package bench;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * nagle: request/response round trips on one persistent connection where each
 * side writes its message in two small writes and then reads (write-write-read),
 * with Nagle on and with TCP_NODELAY on both sides.
 */
final class Nagle implements Experiment {
    @Override
    public String name() {
        return "nagle";
    }

    @Override
    public void run(Settings s) {
        int n = s.full() ? 200 : 40;
        Table raw = new Table("nagle", "rep", "round_trip", "rtt_us");
        Table t = new Table("Nagle", "round trips", "p50 ms", "p90 ms", "p99 ms", "max ms");
        List<String> problems = new ArrayList<>();
        double[] medians = new double[2];
        String[] modes = {"on", "off"};
        for (int m = 0; m < 2; m++) {
            Histogram h = LoadGen.newHistogram();
            try {
                for (int rep = 1; rep <= s.reps(); rep++) {
                    String out = Harness.capture(List.of(Harness.tool("wire"), "rtt", modes[m], Integer.toString(n)), 300);
                    int i = 0;
                    for (String line : out.strip().split("\n")) {
                        long us = Long.parseLong(line.trim());
                        h.recordValue(us);
                        raw.add(modes[m], rep, ++i, us);
                    }
                }
                medians[m] = h.getValueAtPercentile(50) / 1000.0;
                t.add(m == 0 ? "on (default)" : "off (TCP_NODELAY)", h.getTotalCount(), medians[m],
                        h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
            } catch (RuntimeException e) {
                problems.add("Nagle " + modes[m] + ": " + e.getMessage());
            }
        }
        StringBuilder md = new StringBuilder("## TCP_NODELAY and the write-write-read pattern\n\n");
        md.append("Chapter 6 sets TCP_NODELAY. It matters when a side writes a message in pieces and then waits for the ")
                .append("answer: Nagle's algorithm holds the second small piece until the first is acknowledged, and the ")
                .append("receiver delays that ACK (up to about 40 ms on Linux) hoping to piggyback it on a reply that cannot come ")
                .append("before the second piece. Here both sides of one persistent loopback connection write their message in two ")
                .append("writes, then read the other's.\n\n");
        md.append("Command: `").append(Results.command(name(), s)).append("`, which runs `bench/target/wire rtt on ").append(n)
                .append("` and `bench/target/wire rtt off ").append(n).append("`")
                .append(s.full() ? ", " + s.reps() + " times each, pooled" : "").append(".\n\n");
        md.append(t.markdown()).append('\n');
        Chapters.problems(md, problems);
        if (problems.isEmpty()) {
            md.append("With Nagle on, the median round trip is ").append(Table.number(medians[0])).append(" ms; with TCP_NODELAY ")
                    .append(Table.number(medians[1])).append(" ms (")
                    .append(Table.number(medians[0] / medians[1])).append(" times faster). ")
                    .append("Each side's second write waits for a delayed ACK, so a Nagle-on round trip can take two of them. ")
                    .append("The chapters do not show this: they read one request and write one response per connection.\n\n");
        }
        Results.save(name(), raw, md.toString(), problems.isEmpty()
                ? "**TCP_NODELAY:** write-write-read round trips took " + Table.number(medians[0]) + " ms (median) with Nagle on, "
                        + Table.number(medians[1]) + " ms with TCP_NODELAY."
                : "**TCP_NODELAY:** not measured.");
    }
}
