package bench;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import testkit.ChapterProcess;
import testkit.Proc;

/** docs/performance.md and its translations: bench/templates/performance.LANG.md filled from bench/results. */
final class Page {
    static final Path RESULTS = Server.ROOT.resolve("bench/results");
    static final Path TEMPLATES = Server.ROOT.resolve("bench/templates");
    private static final Pattern BLOCK =
            Pattern.compile("(?s)\\{\\{([#^])([\\w.-]+)(?:=([^}]*))?}}((?:(?!\\{\\{[#^]).)*?)\\{\\{/}}");
    private static final Pattern FIELD = Pattern.compile("\\{\\{([\\w.-]+)((?:\\|[^|}]*)*)}}");

    /** One experiment's figures for the templates ("NAME.key" in NAME.properties) and what went wrong in its run. */
    record Data(String name, Properties values, Map<String, String> problems) {
        Data(String name, Settings s) {
            this(name, new Properties(), new LinkedHashMap<>());
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

        Data put(String key, Object value) {
            values.setProperty(name + "." + key, value instanceof Table t ? t.markdown().strip() : Table.format(value));
            return this;
        }

        /** Saves the figures, and the problems as a Markdown list ("" when none: a template's {{#key}} hides it). */
        void save() {
            put("problems", String.join("\n", problems.values().stream().map(p -> "- " + p).toList()));
            StringWriter w = new StringWriter();
            unchecked(() -> values.store(w, "figures of the " + name + " experiment for bench/templates/*.md"));
            unchecked(() -> Files.writeString(file(name + ".properties"), w.toString()));
        }
    }

    interface Part {
        void run() throws IOException;
    }

    static void unchecked(Part io) {
        try {
            io.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String firstLine(Throwable failure) {
        return String.valueOf(failure.getMessage()).lines().findFirst().orElse("");
    }

    static Path file(String name) {
        unchecked(() -> Files.createDirectories(RESULTS));
        return RESULTS.resolve(name);
    }

    /** A full run's start: removes earlier results (the page must hold one run's figures only), saves the machine's. */
    static void start(Settings s, String command) throws IOException {
        for (Path f : list(file(""), ".*\\.(properties|csv|txt)")) Files.delete(f);
        Data d = new Data("machine", s).put("set", s.name()).put("command", command)
                .put("started", String.format("%tF %<tR %<tZ", System.currentTimeMillis()))
                .put("cores", Runtime.getRuntime().availableProcessors()).put("gcc", version("gcc", "--version"))
                .put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
                .put("jdk25", ColdStart.JDK25.map(jdk -> version(jdk, "-version")).orElse("not installed"))
                .put("ab", version("ab", "-V")).put("perf", version("perf", "version"))
                .put("open_files", "%s (soft), %s (hard)".formatted((Object[]) Measure.openFileLimits()))
                .put("kernel", "Linux " + Proc.read(Path.of("/proc/sys/kernel/osrelease")).strip());
        Proc.value(Proc.read(Path.of("/proc/cpuinfo")), "model name")
                .ifPresent(v -> d.put("cpu", v.substring(v.indexOf(':') + 1).strip()));
        Proc.value(Proc.read(Path.of("/proc/meminfo")), "MemTotal:")
                .ifPresent(v -> d.put("memory", Long.parseLong(v.replaceAll("\\D", "")) / 1024.0 / 1024.0));
        for (String k : List.of("core/somaxconn", "ipv4/tcp_max_syn_backlog", "ipv4/tcp_syncookies",
                "ipv4/tcp_max_tw_buckets", "ipv4/ip_local_port_range", "ipv4/tcp_tw_reuse")) {
            d.put(k.substring(k.indexOf('/') + 1), Proc.read(Path.of("/proc/sys/net", k)).strip().replace('\t', ' '));
        }
        d.save();
    }

    private static String version(String... command) {
        ChapterProcess.Finished f = tryRun(command);
        return f == null ? "not installed"
                : (f.stdout() + f.stderr()).lines().filter(l -> !l.isBlank()).findFirst().orElse("?").strip();
    }

    /** A helper program run to its end, or null when it cannot be run (not installed). */
    static ChapterProcess.Finished tryRun(String... command) {
        try {
            return ChapterProcess.run(Duration.ofSeconds(30), List.of(command));
        } catch (RuntimeException | AssertionError e) {
            return null;
        }
    }

    /** Renders every template with every saved figure; {@code minutes}: how long this run took, NaN if not all ran. */
    static void write(double minutes) throws IOException {
        Properties data = new Properties();
        for (Path f : list(file(""), ".*\\.properties")) data.load(new StringReader(Files.readString(f)));
        if (!Double.isNaN(minutes)) data.setProperty("machine.minutes", Table.number(minutes));
        for (Path t : list(TEMPLATES, "performance\\.\\w+\\.md")) {
            String lang = t.getFileName().toString().split("\\.")[1];
            Path out = Server.ROOT.resolve(lang.equals("en") ? "docs" : "docs/" + lang).resolve("performance.md");
            Set<String> missing = new TreeSet<>();
            Files.createDirectories(out.getParent());
            Files.writeString(out, render(Files.readString(t), data, missing));
            System.out.println("wrote " + Server.ROOT.relativize(out)
                    + (missing.isEmpty() ? "" : "; no figure for " + String.join(", ", missing) + " (shown as –)"));
        }
    }

    private static List<Path> list(Path dir, String regex) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches(regex)).sorted().toList();
        }
    }

    /** Fills a template (bench/README.md): blocks, innermost first, then fields; unknown fields show "–", listed. */
    static String render(String template, Map<?, ?> data, Set<String> missing) {
        String s = template;
        for (Matcher m = BLOCK.matcher(s); m.find(); m = BLOCK.matcher(s)) {
            Object v = data.get(m.group(2));
            boolean holds = v != null
                    && (m.group(3) == null ? !v.equals("") : List.of(m.group(3).split(",")).contains(v));
            s = s.substring(0, m.start()) + (holds == m.group(1).equals("#") ? m.group(4) : "") + s.substring(m.end());
        }
        return FIELD.matcher(s.replaceAll("\n{3,}", "\n\n")).replaceAll(m -> {
            String v = (String) data.get(m.group(1));
            if (v == null) missing.add(m.group(1));
            return Matcher.quoteReplacement(
                    v == null ? "–" : m.group(2).isEmpty() ? v : relabel(v, m.group(2).substring(1)));
        });
    }

    /** The header replaced by the first "||"-separated label list that fits its columns (quick, full sets differ). */
    private static String relabel(String table, String spec) {
        String header = table.lines().findFirst().orElse("");
        int columns = header.split("(?<!\\\\)\\|", -1).length - 2;
        return Stream.of(spec.split("\\|\\|")).map(list -> Stream.of(list.split("\\|", -1)).map(String::strip).toList())
                .filter(labels -> labels.size() == columns).findFirst()
                .map(l -> "| " + String.join(" | ", l) + " |" + table.substring(header.length())).orElse(table);
    }

    private Page() {}
}
