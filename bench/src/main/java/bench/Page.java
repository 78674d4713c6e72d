package bench;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import testkit.ChapterProcess;
import testkit.Proc;

/**
 * docs/performance.md and its translations, from templates: the words in bench/templates/performance.LANG.md,
 * the figures in bench/results/NAME.properties, which each experiment saves. The placeholders are described
 * in bench/README.md ("The page: templates and figures"); blocks nest.
 */
final class Page {
    static final Path RESULTS = Server.ROOT.resolve("bench/results");
    static final Path TEMPLATES = Server.ROOT.resolve("bench/templates");
    private static final Pattern BLOCK =
            Pattern.compile("(?s)\\{\\{([#^])([\\w.-]+)(?:=([^}]*))?}}((?:(?!\\{\\{[#^]).)*?)\\{\\{/}}");
    private static final Pattern FIELD = Pattern.compile("\\{\\{([\\w.-]+)((?:\\|[^|}]*)*)}}");

    /** One experiment's figures for the templates, as "NAME.key" = text, and what went wrong in its run. */
    static final class Data {
        private final String name;
        private final Properties values = new Properties();
        private final Map<String, String> problems = new LinkedHashMap<>();

        /** {@code s}: how the experiment runs, for the command that runs it again. */
        Data(String name, Settings s) {
            this.name = name;
            put("command", "bench/run.sh " + (s.full() ? "--full " : "") + name);
        }

        /** Runs {@code part}; if it fails, the page lists the problem (once per {@code where}) and the run goes on. */
        boolean attempt(String where, Part part) {
            try {
                part.run();
                return true;
            } catch (RuntimeException | AssertionError | IOException e) {
                problem(where, firstLine(e));
                return false;
            }
        }

        Data problem(String where, String what) {
            problems.putIfAbsent(where, where.isEmpty() ? what : where + ": " + what);
            return this;
        }

        /** A table as Markdown, a number to about three digits (a {@link Spread} as median (min–max)), else as text. */
        Data put(String key, Object value) {
            values.setProperty(name + "." + key, value instanceof Table t ? t.markdown().strip() : Table.format(value));
            return this;
        }

        /** Saves the figures, and the problems as a Markdown list ("" when none: a template's {{#key}} hides it). */
        void save() {
            put("problems", String.join("\n", problems.values().stream().map(p -> "- " + p).toList()));
            unchecked(() -> {
                try (Writer w = Files.newBufferedWriter(file(name + ".properties"))) {
                    values.store(w, "figures of the " + name + " experiment for bench/templates/*.md");
                }
            });
        }
    }

    /** A part of an experiment, or any step that may throw an IOException. */
    interface Part {
        void run() throws IOException;
    }

    /** Runs {@code io} for a caller that does not expect an IOException. */
    static void unchecked(Part io) {
        try {
            io.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the page says of a failure: its message's first line. */
    static String firstLine(Throwable failure) {
        return String.valueOf(failure.getMessage()).lines().findFirst().orElse("");
    }

    static Path file(String name) {
        unchecked(() -> Files.createDirectories(RESULTS));
        return RESULTS.resolve(name);
    }

    /** Removes the saved results of earlier runs, so a page holds one run's figures only. */
    static void clear() throws IOException {
        for (Path f : list(file(""), ".*\\.(properties|csv|txt)")) Files.delete(f);
    }

    /** The machine and the run, saved when a run starts. */
    static void machine(Settings s, String command) {
        Data d = new Data("machine", s).put("set", s.name()).put("command", command)
                .put("started", ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
                .put("jdk25", ColdStart.JDK25.isPresent() ? version(ColdStart.JDK25.get(), "-version") : "not installed")
                .put("gcc", version("gcc", "--version")).put("ab", version("ab", "-V")).put("perf", version("perf", "version"))
                .put("open_files", Measure.openFileLimits()[0] + " (soft), " + Measure.openFileLimits()[1] + " (hard)");
        Proc.value(Proc.read(Path.of("/proc/cpuinfo")), "model name")
                .ifPresent(v -> d.put("cpu", v.substring(v.indexOf(':') + 1).strip()));
        Proc.value(Proc.read(Path.of("/proc/meminfo")), "MemTotal:")
                .ifPresent(v -> d.put("memory", Long.parseLong(v.replaceAll("\\D", "")) / 1024.0 / 1024.0));
        d.put("kernel", "Linux " + sysctl("kernel/osrelease"));
        for (String k : List.of("net/core/somaxconn", "net/ipv4/tcp_max_syn_backlog", "net/ipv4/tcp_syncookies",
                "net/ipv4/tcp_max_tw_buckets", "net/ipv4/ip_local_port_range", "net/ipv4/tcp_tw_reuse")) {
            d.put(k.substring(k.lastIndexOf('/') + 1), sysctl(k).replace('\t', ' '));
        }
        d.save();
    }

    private static String sysctl(String key) {
        return Proc.read(Path.of("/proc/sys", key)).strip();
    }

    /** The first line a program prints about itself, or "not installed". */
    private static String version(String... command) {
        ChapterProcess.Finished f = tryRun(command);
        if (f == null) return "not installed";
        return (f.stdout() + f.stderr()).lines().filter(l -> !l.isBlank()).findFirst().orElse("?").strip();
    }

    /** A helper program run to its end, or null when it cannot be run (not installed). */
    static ChapterProcess.Finished tryRun(String... command) {
        try {
            return ChapterProcess.run(Duration.ofSeconds(30), List.of(command));
        } catch (RuntimeException | AssertionError e) {
            return null;
        }
    }

    /** Renders every template with every saved figure; {@code minutes} is how long this run took. */
    static void write(double minutes) throws IOException {
        Map<String, String> data = new TreeMap<>();
        for (Path f : list(file(""), ".*\\.properties")) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(f)) {
                p.load(r);
            }
            p.forEach((k, v) -> data.put((String) k, (String) v));
        }
        if (!Double.isNaN(minutes)) data.put("machine.minutes", Table.number(minutes));
        for (Path t : list(TEMPLATES, "performance\\.\\w+\\.md")) {
            String lang = t.getFileName().toString().split("\\.")[1];
            Path out = Server.ROOT.resolve(lang.equals("en") ? "docs" : "docs/" + lang).resolve("performance.md");
            TreeSet<String> missing = new TreeSet<>();
            Files.createDirectories(out.getParent());
            Files.writeString(out, render(Files.readString(t), data, missing));
            System.out.println("wrote " + Server.ROOT.relativize(out)
                    + (missing.isEmpty() ? "" : "; no figure for " + String.join(", ", missing) + " (shown as –)"));
        }
    }

    /** The files in {@code dir} whose names match {@code regex}, sorted. */
    private static List<Path> list(Path dir, String regex) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches(regex)).sorted().toList();
        }
    }

    /** Fills a template: blocks first, innermost first, then the fields; unknown fields become "–" and are listed. */
    static String render(String template, Map<String, String> data, Set<String> missing) {
        String s = template;
        for (Matcher m = BLOCK.matcher(s); m.find(); m = BLOCK.matcher(s)) {
            String v = data.get(m.group(2));
            boolean holds = m.group(3) == null ? v != null && !v.isEmpty() : v != null && List.of(m.group(3).split(",")).contains(v);
            s = s.substring(0, m.start()) + (holds == m.group(1).equals("#") ? m.group(4) : "") + s.substring(m.end());
        }
        return FIELD.matcher(s.replaceAll("\n{3,}", "\n\n")).replaceAll(m -> {
            String v = data.get(m.group(1));
            if (v == null) {
                missing.add(m.group(1));
                return "–";
            }
            return Matcher.quoteReplacement(m.group(2).isEmpty() ? v : relabel(v, m.group(2).substring(1)));
        });
    }

    /**
     * A Markdown table with its header row replaced by labels: {@code spec} is one or more label lists
     * separated by "||" (a table whose columns differ between the quick and the full set gets one list
     * each); the list with as many labels as the table has columns wins, or the header stays as it was.
     */
    private static String relabel(String table, String spec) {
        List<String> lines = new ArrayList<>(table.lines().toList());
        int columns = lines.isEmpty() ? -1 : lines.get(0).split("(?<!\\\\)\\|", -1).length - 2;
        for (String list : spec.split("\\|\\|")) {
            List<String> labels = Stream.of(list.split("\\|", -1)).map(String::strip).toList();
            if (labels.size() == columns) {
                lines.set(0, "| " + String.join(" | ", labels) + " |");
                return String.join("\n", lines);
            }
        }
        return table;
    }

    private Page() {}
}
