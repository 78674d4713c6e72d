package docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The pictures of the docs: every {@code diagrams/NAME.dot} under {@code docs/}
 * (the English ones in {@code docs/diagrams/}, a translation in
 * {@code docs/zh/diagrams/}) is rendered by Graphviz into {@code NAME.svg}
 * next to it, and the SVG carries the SHA-256 of the source it was rendered
 * from in a comment. So a test can tell a stale picture without Graphviz:
 * {@link #check} compares the stamp with the source as it is now.
 *
 * <p>Self-contained on purpose: {@code make diagrams} runs this file with the
 * JDK's source launcher ({@code java Diagrams.java ROOT [--all]}), which
 * renders the pictures whose stamp no longer matches (all of them with
 * {@code --all}); docs-check's test calls {@link #check}.
 */
public final class Diagrams {
    private static final Pattern STAMP = Pattern.compile("<!-- rendered from (\\S+) sha256 ([0-9a-f]{64}) by make diagrams -->");
    private static final Pattern IMAGE = Pattern.compile("!\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HAN = Pattern.compile("\\p{IsHan}");

    private Diagrams() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equals("--all"))) {
            System.err.println("usage: java Diagrams.java REPOSITORY_ROOT [--all]");
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        boolean all = args.length == 2;
        int rendered = 0;
        List<Path> sources = sources(root);
        for (Path source : sources) {
            Path svg = svgOf(source);
            if (all || !stampOk(source, svg)) {
                Files.writeString(svg, stamped(source, render(source)), StandardCharsets.UTF_8);
                System.out.println("rendered " + root.relativize(svg));
                rendered++;
            }
        }
        System.out.println(rendered + " of " + sources.size() + " diagrams rendered"
                + (rendered < sources.size() ? "; the others were fresh" : ""));
    }

    /** Every diagram source under {@code root/docs}: a {@code .dot} file in a folder named {@code diagrams}. */
    public static List<Path> sources(Path root) {
        return files(root, p -> p.toString().endsWith(".dot") && inDiagrams(p));
    }

    /** What is wrong with the pictures under {@code root/docs}; empty when every one is fresh and in place. */
    public static List<String> check(Path root) {
        List<String> problems = new ArrayList<>();
        for (Path source : sources(root)) {
            String name = root.relativize(source).toString();
            Path svg = svgOf(source);
            if (!Files.isRegularFile(svg)) {
                problems.add(name + ": no " + svg.getFileName() + " next to it: run `make diagrams`");
            } else if (!stampOk(source, svg)) {
                problems.add(root.relativize(svg) + " is stale: it was not rendered from " + source.getFileName()
                        + " as it is now: run `make diagrams` and commit both");
            }
            if (!root.relativize(source).startsWith(Path.of("docs", "zh")) && HAN.matcher(read(source)).find()) {
                problems.add(name + ": Chinese labels belong in docs/zh/diagrams/" + source.getFileName()
                        + ", one language per file");
            }
        }
        for (Path svg : files(root, p -> p.toString().endsWith(".svg") && inDiagrams(p))) {
            Path source = svg.resolveSibling(svg.getFileName().toString().replaceFirst("\\.svg$", ".dot"));
            if (!Files.isRegularFile(source)) {
                problems.add(root.relativize(svg) + ": no " + source.getFileName() + " to render it from;"
                        + " pictures are drawn from text kept in the repository");
            }
        }
        for (Path page : files(root, p -> p.toString().endsWith(".md"))) {
            List<String> lines = List.of(read(page).split("\n", -1));
            for (int i = 0; i < lines.size(); i++) {
                Matcher image = IMAGE.matcher(lines.get(i));
                while (image.find()) {
                    String link = image.group(1);
                    if (link.contains("://")) {
                        continue;
                    }
                    Path target = page.getParent().resolve(link.replaceFirst("#.*$", "")).normalize();
                    if (!Files.isRegularFile(target)) {
                        problems.add(root.relativize(page) + ":" + (i + 1) + ": the picture " + link + " does not exist");
                    }
                }
            }
        }
        return problems;
    }

    /** The SVG as Graphviz wrote it, with the stamp inserted after the XML declaration. */
    static String stamped(Path source, String svg) {
        String stamp = stamp(source) + "\n";
        if (svg.startsWith("<?xml")) {
            int end = svg.indexOf('\n') + 1;
            return svg.substring(0, end) + stamp + svg.substring(end);
        }
        return stamp + svg;
    }

    /** The comment that ties an SVG to the exact bytes of its source. */
    static String stamp(Path source) {
        return "<!-- rendered from " + source.getFileName() + " sha256 " + sha256(source) + " by make diagrams -->";
    }

    private static boolean stampOk(Path source, Path svg) {
        if (!Files.isRegularFile(svg)) {
            return false;
        }
        Matcher stamp = STAMP.matcher(read(svg));
        return stamp.find() && stamp.group(1).equals(source.getFileName().toString())
                && stamp.group(2).equals(sha256(source));
    }

    private static String render(Path source) throws IOException, InterruptedException {
        Process dot;
        try {
            dot = new ProcessBuilder("dot", "-Tsvg", source.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException notFound) {
            System.err.println("error: Graphviz's `dot` is needed to render the diagrams (apt-get install graphviz): "
                    + notFound.getMessage());
            System.exit(2);
            throw notFound;
        }
        String svg = new String(dot.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (dot.waitFor() != 0) {
            System.err.println("error: dot could not render " + source);
            System.exit(2);
        }
        return svg;
    }

    private static Path svgOf(Path source) {
        return source.resolveSibling(source.getFileName().toString().replaceFirst("\\.dot$", ".svg"));
    }

    private static boolean inDiagrams(Path file) {
        return file.getParent() != null && file.getParent().getFileName().toString().equals("diagrams");
    }

    private static List<Path> files(Path root, java.util.function.Predicate<Path> wanted) {
        Path docs = root.resolve("docs");
        if (!Files.isDirectory(docs)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(docs)) {
            return walk.filter(Files::isRegularFile).filter(wanted).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
