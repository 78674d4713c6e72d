package docs;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The labs: each file in labs/ breaks one chapter on purpose, and names the chapter's tests
 * that catch it (or, for a change that breaks nothing, the tests that still pass, and why).
 *
 * <p>A lab file is a header of {@code Key: value} lines (a value may go on over lines indented
 * by two spaces), then a unified diff against the chapter's Server.java:
 * <pre>
 * Chapter: 3
 * Question: What if end of stream is not handled, as in the article?
 * Symptom: ...
 * Explanation: ...
 * Fails: aClientThatHalfClosesMidRequestIsHungUpOn
 * --- a/example3-epoll-lt/src/main/java/workbook/Server.java
 * +++ b/example3-epoll-lt/src/main/java/workbook/Server.java
 * @@ ...
 * </pre>
 * A key with the suffix {@code -zh} holds the Chinese text. To try a lab, a scratch copy of the
 * chapter is made under target/labs/NAME (the chapter itself is never touched), patched with
 * {@code patch}, compiled, and the chapter's own tests are run against it, in this JVM, with
 * the patched classes on the chapter's class path (testkit's ChapterProcess.CLASS_PATH_PROPERTY).
 * testkit is loaded afresh for each run, since it reads its patience (testkit's Await.PATIENCE_PROPERTY)
 * once, when its classes initialise.
 *
 * <p>usage: {@code Labs list [--zh] | run NAME [--zh] | prepare NAME | check}
 */
public final class Labs {
    /** The chapters' modules by chapter number, as the labs name them. */
    private static final Map<String, String> MODULES = new LinkedHashMap<>();

    static {
        List<String> chapters = StepDiffs.CHAPTERS;
        for (int n = 1; n <= chapters.size(); n++) {
            MODULES.put(Integer.toString(n), chapters.get(n - 1));
        }
    }

    /** How patient the tests are with a broken chapter: a lab's failing tests mostly fail by timing out. */
    static final String CHECK_PATIENCE = "0.25";
    /** testkit's ChapterProcess.CLASS_PATH_PROPERTY and Await.PATIENCE_PROPERTY (testkit is not on this class path). */
    private static final String CLASS_PATH_PROPERTY = "testkit.chapter.classpath";
    private static final String PATIENCE_PROPERTY = "testkit.patience";

    /** One lab as its file says. */
    public record Lab(String name, String chapter, Map<String, String> text, List<String> fails, List<String> passes,
                      String diff, Path file) {
        String module() {
            return MODULES.get(chapter);
        }

        /** The text for {@code key} ("Question", "Symptom", "Explanation"), in Chinese when asked and given. */
        String text(String key, boolean chinese) {
            return chinese && text.containsKey(key + "-zh") ? text.get(key + "-zh") : text.getOrDefault(key, "");
        }
    }

    /** What one test did against the broken chapter. */
    public record Outcome(String test, boolean passed, String message) {
    }

    /** A lab's run: each named test's outcome, and what differs from what the lab says. */
    public record Run(Lab lab, List<Outcome> outcomes, List<String> surprises, long millis) {
        boolean asDocumented() {
            return surprises.isEmpty();
        }
    }

    private Labs() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(System.getProperty("workbook.root", ".")).toAbsolutePath().normalize();
        boolean chinese = List.of(args).contains("--zh");
        List<String> words = new ArrayList<>(List.of(args));
        words.remove("--zh");
        String verb = words.isEmpty() ? "list" : words.get(0);
        switch (verb) {
            case "list" -> list(root, chinese);
            case "run", "prepare" -> {
                if (words.size() != 2) {
                    fail("usage: Labs " + verb + " NAME (`make lab` lists the names)");
                }
                Lab lab = find(root, words.get(1));
                if (verb.equals("prepare")) {
                    System.out.println(prepare(root, lab));
                } else {
                    System.out.print(report(run(root, lab, CHECK_PATIENCE), chinese));
                }
            }
            case "check" -> {
                boolean allAsDocumented = true;
                for (Lab lab : all(root)) {
                    Run run = run(root, lab, CHECK_PATIENCE);
                    System.out.printf(Locale.ROOT, "%-28s %5.1f s  %s%n", lab.name(), run.millis() / 1000.0,
                            run.asDocumented() ? "as documented" : "NOT as documented: " + String.join("; ", run.surprises()));
                    allAsDocumented &= run.asDocumented();
                }
                System.exit(allAsDocumented ? 0 : 1);
            }
            default -> fail("usage: Labs list [--zh] | run NAME [--zh] | prepare NAME | check");
        }
    }

    private static void list(Path root, boolean chinese) {
        List<Lab> labs = all(root);
        System.out.println(chinese ? "实验（make lab L=名称 运行其一；RUN=1 在前台运行被改坏的服务器）："
                : "The labs (make lab L=NAME runs one; RUN=1 runs the broken server in the foreground):");
        for (Lab lab : labs) {
            System.out.printf("  %-28s %s%n", lab.name(), lab.text("Question", chinese));
        }
    }

    /** Every lab under root/labs, by name. */
    public static List<Lab> all(Path root) {
        try (Stream<Path> files = Files.list(root.resolve("labs"))) {
            return files.filter(f -> f.toString().endsWith(".patch")).sorted(Comparator.comparing(Path::toString))
                    .map(Labs::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Lab find(Path root, String name) {
        return all(root).stream().filter(lab -> lab.name().equals(name)).findFirst()
                .orElseThrow(() -> fail("no lab named '" + name + "'; `make lab` lists them"));
    }

    /** Reads a lab file: the header, then the diff from its first "--- " line on. */
    public static Lab parse(Path file) {
        List<String> lines = read(file);
        Map<String, String> text = new LinkedHashMap<>();
        List<String> fails = new ArrayList<>();
        List<String> passes = new ArrayList<>();
        String key = null;
        int at = 0;
        for (; at < lines.size() && !lines.get(at).startsWith("--- "); at++) {
            String line = lines.get(at);
            if (line.startsWith("  ") && key != null) {
                text.merge(key, line.strip(), (before, more) -> before + " " + more);
            } else if (line.matches("[A-Za-z-]+: .*")) {
                key = line.substring(0, line.indexOf(':'));
                String value = line.substring(key.length() + 1).strip();
                switch (key) {
                    case "Fails" -> fails.add(value);
                    case "Passes" -> passes.add(value);
                    default -> text.put(key, value);
                }
            } else if (!line.isBlank()) {
                throw new IllegalArgumentException(file + ":" + (at + 1) + ": expected `Key: value`, not: " + line);
            }
        }
        String name = file.getFileName().toString().replaceFirst("\\.patch$", "");
        String chapter = text.remove("Chapter");
        if (chapter == null || !MODULES.containsKey(chapter) || at == lines.size()
                || (fails.isEmpty() && passes.isEmpty()) || !text.containsKey("Question")) {
            throw new IllegalArgumentException(file + ": a lab needs Chapter (1-" + MODULES.size() + "), Question,"
                    + " at least one Fails or Passes line, and a diff");
        }
        return new Lab(name, chapter, text, fails, passes, String.join("\n", lines.subList(at, lines.size())) + "\n", file);
    }

    /**
     * Makes target/labs/NAME: a copy of the chapter's sources with the lab's patch applied,
     * compiled into target/labs/NAME/classes. Returns the class path to run it with.
     */
    public static String prepare(Path root, Lab lab) {
        Path scratch = root.resolve("target/labs").resolve(lab.name());
        Path sources = Path.of(lab.module(), "src/main/java");
        Path classes = scratch.resolve("classes");
        deleteTree(scratch);
        copyTree(root.resolve(sources), scratch.resolve(sources));
        String patched = exec(root, List.of("patch", "-p1", "--batch", "--forward", "--fuzz=0", "--no-backup-if-mismatch",
                "-d", scratch.toString(), "-i", lab.file().toString()));
        if (patched == null) {
            throw new IllegalStateException("lab " + lab.name() + " no longer applies to " + lab.module()
                    + ": the chapter changed under it; update labs/" + lab.name() + ".patch");
        }
        String jni = root.resolve("epoll-jni/target/classes").toString();
        compile(lab, scratch.resolve(sources), classes, jni);
        return classes + java.io.File.pathSeparator + jni;
    }

    /** Prepares the lab and runs the tests it names against it, at the given patience (see testkit.Await). */
    public static Run run(Path root, Lab lab, String patience) {
        long start = System.nanoTime();
        String classPath = prepare(root, lab);
        Path tests = root.resolve(lab.module()).resolve("target/test-classes");
        if (!Files.isDirectory(tests.resolve("workbook"))) {
            throw new IllegalStateException("no compiled tests in " + root.relativize(tests) + ": run `mvn -DskipTests test-compile`");
        }
        List<String> names = new ArrayList<>(lab.fails());
        names.addAll(lab.passes());
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        String[] saved = {System.getProperty(CLASS_PATH_PROPERTY), System.getProperty(PATIENCE_PROPERTY)};
        System.setProperty(CLASS_PATH_PROPERTY, classPath);
        try {
            // Fails tests run with little patience (they are expected to time out); Passes tests with the usual.
            execute(root, tests, patience, lab.fails(), outcomes);
            execute(root, tests, "1", lab.passes(), outcomes);
        } finally {
            restore(CLASS_PATH_PROPERTY, saved[0]);
            restore(PATIENCE_PROPERTY, saved[1]);
        }
        List<String> surprises = new ArrayList<>();
        for (String name : names) {
            Outcome outcome = outcomes.get(name);
            boolean shouldPass = lab.passes().contains(name);
            if (outcome == null) {
                surprises.add(name + " did not run (no such test in " + lab.module() + "?)");
            } else if (outcome.passed() != shouldPass) {
                surprises.add(name + (shouldPass ? " failed: " + outcome.message() : " passed, but the lab says it fails"));
            }
        }
        return new Run(lab, List.copyOf(outcomes.values()), surprises, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** The few lines `make lab L=NAME` prints: the question, the change, what the tests said, and why. */
    public static String report(Run run, boolean chinese) {
        Lab lab = run.lab();
        StringBuilder out = new StringBuilder();
        out.append(chinese ? "实验 " : "Lab ").append(lab.name()).append(chinese ? "（第 " + lab.chapter() + " 章，"
                : " (chapter " + lab.chapter() + ", ").append(lab.module()).append(chinese ? "）\n" : ")\n");
        out.append(wrap((chinese ? "问题：" : "Question: ") + lab.text("Question", chinese))).append("\n\n");
        out.append(chinese ? "改动（target/labs/" : "The change (applied to a copy in target/labs/").append(lab.name())
                .append(chinese ? " 中的副本，章节本身不变）：\n" : "; the chapter itself is untouched):\n").append(lab.diff()).append('\n');
        out.append(chinese ? "该章的测试：\n" : "The chapter's tests against it:\n");
        for (Outcome outcome : run.outcomes()) {
            out.append("  ").append(outcome.passed() ? "PASS " : "FAIL ").append(outcome.test());
            if (!outcome.passed()) {
                out.append("\n       ").append(outcome.message());
            }
            out.append('\n');
        }
        out.append('\n').append(wrap((chinese ? "症状：" : "Symptom: ") + lab.text("Symptom", chinese))).append('\n');
        if (!lab.text("Explanation", chinese).isEmpty()) {
            out.append(wrap((chinese ? "为什么：" : "Why: ") + lab.text("Explanation", chinese))).append('\n');
        }
        out.append('\n').append(run.asDocumented()
                ? (chinese ? "结果与实验所述一致。" : "The tests did what the lab says.")
                : (chinese ? "与实验所述不符：" : "NOT what the lab says: ") + String.join("; ", run.surprises()));
        return out.append('\n').toString();
    }

    /** Runs the named tests of the chapter's ServerIT, with testkit's classes loaded afresh at this patience. */
    private static void execute(Path root, Path tests, String patience, List<String> methods, Map<String, Outcome> outcomes) {
        if (methods.isEmpty()) {
            return;
        }
        System.setProperty(PATIENCE_PROPERTY, patience);
        URL[] urls = {url(tests), url(root.resolve("testkit/target/classes"))};
        try (URLClassLoader loader = new URLClassLoader(urls, Labs.class.getClassLoader())) {
            Class<?> testClass = loader.loadClass("workbook.ServerIT");
            execute(testClass, methods, outcomes);
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot load the tests of " + tests, e);
        }
    }

    /** Breaks text into lines of at most 100 columns at spaces (Chinese text, having few spaces, stays long). */
    static String wrap(String text) {
        StringBuilder out = new StringBuilder();
        int column = 0;
        for (String word : text.split(" ")) {
            if (column > 0 && column + 1 + word.length() > 100) {
                out.append('\n');
                column = 0;
            } else if (column > 0) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
        }
        return out.toString();
    }

    private static void execute(Class<?> testClass, List<String> methods, Map<String, Outcome> outcomes) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(methods.stream().map(m -> selectMethod(testClass, m)).toList()).build();
        LauncherFactory.create().execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (test.isTest()) {
                    String name = test.getDisplayName().replaceFirst("\\(.*$", "");
                    String message = result.getThrowable().map(Labs::firstLine).orElse("");
                    outcomes.put(name, new Outcome(name, result.getStatus() == TestExecutionResult.Status.SUCCESSFUL, message));
                }
            }
        });
    }

    private static String firstLine(Throwable failure) {
        String message = String.valueOf(failure.getMessage()).strip();
        String first = message.lines().findFirst().orElse("");
        // AssertJ puts the description first: "[what] expected ...": keep the description and the verdict.
        List<String> lines = message.lines().map(String::strip).filter(l -> !l.isEmpty()).limit(4).toList();
        String shown = first.startsWith("[") && lines.size() > 1 ? String.join(" ", lines) : first;
        return failure.getClass().getSimpleName() + ": " + (shown.length() > 300 ? shown.substring(0, 300) + "..." : shown);
    }

    private static void compile(Lab lab, Path sources, Path classes, String classPath) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> problems = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(problems, Locale.ROOT, StandardCharsets.UTF_8);
             Stream<Path> walk = Files.walk(sources)) {
            Files.createDirectories(classes);
            List<Path> javaFiles = walk.filter(p -> p.toString().endsWith(".java")).toList();
            boolean ok = javac.getTask(null, files, problems, List.of("--release", "17", "-d", classes.toString(),
                    "-cp", classPath), null, files.getJavaFileObjectsFromPaths(javaFiles)).call();
            if (!ok) {
                throw new IllegalStateException("lab " + lab.name() + " does not compile:\n" + problems.getDiagnostics());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a program in {@code dir}, bounded; its output, or null if it failed. */
    private static String exec(Path dir, List<String> command) {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            return process.exitValue() == 0 ? output : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + " (Debian: apt-get install " + command.get(0) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    private static IllegalArgumentException fail(String message) {
        System.err.println("lab: " + message);
        System.exit(2);
        return new IllegalArgumentException(message); // not reached
    }
}
