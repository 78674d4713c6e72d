package docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the step diffs of the lineage into a folder: one unified diff per
 * step, exactly what {@code make diff A= B=} prints, and one side-by-side HTML
 * page per step for a projector, plus an index and one shared stylesheet.
 *
 * <p>The side-by-side page pairs each changed line with the line it became
 * and marks, within the pair, just the words that changed (in step 3 to 4,
 * the {@code | Epoll.EPOLLET} added to a register call). Lines keep the
 * source's indentation, and a line too long for its column wraps under its
 * own first character. The Java is coloured with a palette meant to survive a
 * washed-out projector: {@link #PALETTE}, whose contrast the tests check.
 *
 * <p>What to change, where:
 * <ul>
 * <li>A new step (an appendix module, say) is one line in {@link #STEPS}. A
 *     step whose module is not in the tree yet is skipped, not an error.
 * <li>A language is one {@link Words}, like {@link #ENGLISH} and
 *     {@link #CHINESE}, listed in {@link #LANGUAGES}, and run as
 *     {@code java StepDiffs.java . docs/zh/diffs zh}: every word a page shows,
 *     step titles included, comes from its {@code Words}. A new step needs a
 *     title in each of them.
 * </ul>
 *
 * <p>Self-contained on purpose: {@code make docs} runs this file with the
 * JDK's source launcher ({@code java StepDiffs.java ROOT OUT [LANGUAGE]}), and
 * the docs-check test calls {@link #generate} to see whether docs/diffs is
 * stale. The diffing itself is GNU diff's: {@code diff -u} for the unified
 * files, the program {@code make diff} runs, and {@code diff -b} to line up
 * the side-by-side view, so that a line that only moved into a loop faces its
 * old self. Only the pairing of changed lines and the words within them are
 * worked out here.
 */
public final class StepDiffs {
    /** The numbered chapters' modules, chapter 1 first. */
    public static final List<String> CHAPTERS = List.of("example1-blocking", "example2-loop", "example3-epoll-lt",
            "example4-epoll-et", "example5-cork", "example6-nodelay");

    /** One step of the lineage: the parent module, the child module, and what the step does, in English. */
    public record Step(String parent, String child, String title) {
        /** The file name the step's pages share: step-3-4, step-3-appendix-poll. */
        public String name() {
            return "step-" + shortName(parent) + "-" + shortName(child);
        }
    }

    /** The lineage, in the order the index and the pages' navigation follow. */
    public static final List<Step> STEPS = List.of(
            new Step("example1-blocking", "example2-loop", "a loop around the single request"),
            new Step("example2-loop", "example3-epoll-lt",
                    "from blocking accept/recv to an epoll loop, level-triggered"),
            new Step("example3-epoll-lt", "example4-epoll-et",
                    "level-triggered to edge-triggered: every read, write and accept drains"),
            new Step("example3-epoll-lt", "example5-cork", "TCP_CORK around the response"),
            new Step("example3-epoll-lt", "example6-nodelay", "TCP_NODELAY on the listening socket"),
            new Step("example3-epoll-lt", "appendix-poll", "the same loop on poll instead of epoll"),
            new Step("example3-epoll-lt", "appendix-select", "the same loop on select instead of epoll"));

    /**
     * Every word the pages show that is neither code nor a path, in one language.
     *
     * @param lang         the pages' {@code lang} attribute, and the generator's third argument
     * @param folder       where {@code make docs} writes this edition, from the repository's root
     * @param indexTitle   the index page's title
     * @param indexHeading the index page's heading
     * @param indexIntro   the paragraph under it
     * @param stepLabel    a step's name, from the two chapters' short names ("Chapter %s → %s")
     * @param titleSeparator what stands between a step's name and its title in a page's heading
     * @param allSteps     the link to the index
     * @param previousStep the link to the step before
     * @param nextStep     the link to the step after
     * @param unifiedDiff  the link to a step's .diff file
     * @param folded       the line that stands for folded unchanged lines ("%d unchanged lines folded")
     * @param keyRemoved   the key's sample of a removed line
     * @param keyAdded     the key's sample of an added line
     * @param keyOldWords  the key's sample of words a changed line lost
     * @param keyNewWords  the key's sample of words a changed line gained
     * @param keyMoved     the key's sample of a line that only moved in or out a level
     * @param keyNoLine    the key's sample of a side with no line
     * @param titles       step name to title; empty: the English titles of {@link #STEPS}
     */
    public record Words(String lang, String folder, String indexTitle, String indexHeading, String indexIntro,
            String stepLabel, String titleSeparator, String allSteps, String previousStep, String nextStep,
            String unifiedDiff, String folded,
            String keyRemoved, String keyAdded, String keyOldWords, String keyNewWords, String keyMoved,
            String keyNoLine, Map<String, String> titles) {
        String title(Step step) {
            return titles.isEmpty() ? step.title() : required(titles, step.name(), "a " + lang + " title");
        }

        String label(Step step) {
            return String.format(stepLabel, shortName(step.parent()), shortName(step.child()));
        }
    }

    public static final Words ENGLISH = new Words("en", "docs/diffs",
            "Step diffs", // the index: title, heading, paragraph
            "The workbook's steps, side by side",
            "Each page shows the parent chapter on the left and the child on the right. Within a changed line the "
                    + "words that changed are marked; unchanged stretches are folded. Generated by make docs from "
                    + "the chapters' Server.java.",
            "Chapter %s → %s", ": ", // a step, and what stands between it and its title
            "all steps", "← previous step", "next step →", "unified diff", // links
            "%d unchanged lines folded",
            "removed line", "added line", "old words", "new words", "moved in or out a level", "no line", // the key
            Map.of()); // the titles: those of STEPS

    /** The Chinese edition, docs/zh/diffs: the terms of docs/zh (水平触发, 边沿触发, 排空, 并排对照). */
    public static final Words CHINESE = new Words("zh", "docs/zh/diffs",
            "步骤差异", // the index: title, heading, paragraph
            "工作手册的各个步骤，并排对照",
            "每一页左边是父章节，右边是子章节。改动过的行里，变了的词会被标出来；没有改动的连续几行会折叠起来。"
                    + "由 make docs 根据各章的 Server.java 生成。",
            "章节 %s → %s", "：", // a full-width colon, as Chinese prose writes it
            "全部步骤", "← 上一步", "下一步 →", "统一格式 diff", // links
            "折叠了 %d 行未改动的代码",
            "删除的行", "新增的行", "原来的词", "新的词", "移入或移出一层", "此侧无对应行", // the key
            Map.of( // the titles, one for each of STEPS
                    "step-1-2", "给单次请求套上一个循环",
                    "step-2-3", "从阻塞的 accept/recv 到 epoll 循环，水平触发",
                    "step-3-4", "从水平触发到边沿触发，每次读、写和 accept 都要排空",
                    "step-3-5", "在响应前后加上 TCP_CORK",
                    "step-3-6", "在监听 socket 上设置 TCP_NODELAY",
                    "step-3-appendix-poll", "同一个循环，用 poll 代替 epoll",
                    "step-3-appendix-select", "同一个循环，用 select 代替 epoll"));

    /** The editions the generator can write, by {@code lang}. */
    public static final List<Words> LANGUAGES = List.of(ENGLISH, CHINESE);

    /**
     * The colours of the pages. Dark text colours on white, so that a projector that washes out pale tints
     * still shows them; changes are shown by solid marks (light text on dark), bars and signs, and a pale tint
     * is never the only signal. StepDiffsTest checks the contrast of every pair that meets on a page.
     */
    public record Palette(String text, String background, String keyword, String string, String comment,
            String number, String removed, String added, String removedLine, String addedLine, String markText,
            String moved, String gutter, String gutterText, String fold, String foldText, String noLine,
            String header) {
    }

    public static final Palette PALETTE = new Palette(
            "#111111", "#ffffff", // text, background
            "#1c2f9e", "#065a10", "#6e4400", "#8b137d", // keyword, string, comment, number
            "#a3141f", "#0d6630", // removed, added: bars, line numbers, marked words
            "#fdeceb", "#e8f5ea", // the pale tints of removed and added lines
            "#ffffff", // marked words' text
            "#1a3fb8", // moved: the number and the hatched extra indentation of a line that moved in or out
            "#efefef", "#4a4a4a", "#dfe6f2", "#1f3a66", "#e2e2e2", "#222222"); // gutter, fold, no line, header

    /** Unchanged lines shown around each change in the side-by-side view. */
    private static final int CONTEXT = 4;
    /** How alike two changed lines must be (matched characters, 0 to 1) to face each other as one changed line. */
    private static final double PAIRING = 0.5;

    private StepDiffs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: java StepDiffs.java REPOSITORY_ROOT OUTPUT_FOLDER [LANGUAGE]");
            System.exit(2);
        }
        String lang = args.length == 3 ? args[2] : ENGLISH.lang();
        Words words = LANGUAGES.stream().filter(w -> w.lang().equals(lang)).findFirst().orElse(null);
        if (words == null) {
            System.err.println("no words for language '" + lang + "'; known: "
                    + LANGUAGES.stream().map(Words::lang).toList());
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Map<String, String> files = generate(root, words);
        Files.createDirectories(out);
        try (var old = Files.list(out)) {
            for (Path stale : old.filter(p -> !files.containsKey(p.getFileName().toString())).toList()) {
                Files.delete(stale);
            }
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(out.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }
        List<String> waiting = STEPS.stream().filter(step -> !exists(root, step)).map(Step::name).toList();
        System.out.println("wrote " + files.size() + " files to " + out
                + (waiting.isEmpty() ? "" : " (skipped, modules not there yet: " + String.join(", ", waiting) + ")"));
    }

    /** The relative path of chapter {@code n}'s one source file. */
    public static String server(int n) {
        return server(CHAPTERS.get(n - 1));
    }

    /** The relative path of a module's one source file. */
    public static String server(String module) {
        return module + "/src/main/java/workbook/Server.java";
    }

    /** A module's name in labels and file names: its chapter number, or else the module's name. */
    static String shortName(String module) {
        Matcher chapter = Pattern.compile("example(\\d+)-.*").matcher(module);
        return chapter.matches() ? chapter.group(1) : module;
    }

    private static boolean exists(Path root, Step step) {
        return Files.isRegularFile(root.resolve(server(step.parent())))
                && Files.isRegularFile(root.resolve(server(step.child())));
    }

    /** File name to content, for every file docs/diffs should hold. */
    public static Map<String, String> generate(Path root) {
        return generate(root, ENGLISH);
    }

    /** File name to content, for every file a folder of step diffs in this language should hold. */
    public static Map<String, String> generate(Path root, Words words) {
        List<Step> steps = STEPS.stream().filter(step -> exists(root, step)).toList();
        Map<String, String> files = new LinkedHashMap<>();
        if (words == ENGLISH) { // one stylesheet for every edition; the others link to it
            files.put(STYLESHEET, stylesheet());
        }
        StringBuilder index = new StringBuilder(head(words, words.indexTitle()));
        index.append("<h1>").append(escape(words.indexHeading())).append("</h1>\n<p>")
                .append(escape(words.indexIntro())).append("</p>\n<table class=\"steps\">\n");
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            String unified = unified(root, server(step.parent()), server(step.child()), 3);
            files.put(step.name() + ".diff", unified);
            String prev = i > 0 ? steps.get(i - 1).name() + ".html" : null;
            String next = i + 1 < steps.size() ? steps.get(i + 1).name() + ".html" : null;
            files.put(step.name() + ".html", sideBySide(root, step, words, prev, next));
            index.append("<tr><td><a href=\"").append(step.name()).append(".html\">").append(escape(words.label(step)))
                    .append("</a></td><td>").append(escape(words.title(step))).append("</td><td class=\"count\">")
                    .append(counts(unified)).append("</td><td><a href=\"").append(step.name()).append(".diff\">")
                    .append(escape(words.unifiedDiff())).append("</a></td></tr>\n");
        }
        index.append("</table>\n</body>\n</html>\n");
        files.put("index.html", index.toString());
        return files;
    }

    /** {@code diff -u} of two chapters, labelled with their paths, as {@code make diff} prints it. */
    static String unified(Path root, String a, String b, int context) {
        return diff(List.of("diff", "-U", String.valueOf(context), "--label", a, "--label", b,
                root.resolve(a).toString(), root.resolve(b).toString()));
    }

    private static String diff(List<String> command) {
        try {
            Process diff = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(diff.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = diff.waitFor();
            if (status > 1) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + status + "): " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run diff (is diffutils installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** "+17 −9": the lines a unified diff adds and removes. */
    private static String counts(String unified) {
        int added = 0;
        int removed = 0;
        for (String line : unified.split("\n")) {
            if (line.startsWith("+") && !line.startsWith("+++")) {
                added++;
            } else if (line.startsWith("-") && !line.startsWith("---")) {
                removed++;
            }
        }
        return "<span class=\"plus\">+" + added + "</span> <span class=\"minus\">−" + removed + "</span>";
    }

    // ---------------------------------------------------------------- the side-by-side rows

    /** What a cell of the side-by-side view shows. */
    enum Change {
        /** No line on this side. */
        NONE,
        /** A line both chapters have, word for word. */
        SAME,
        /** A line removed or added as a whole: nothing on the other side is like it. */
        WHOLE,
        /** A line changed in place: it faces the line it became, and the words that changed are marked. */
        WORDS,
        /** A line that only moved in or out a level: its indentation changed, nothing else. */
        MOVED
    }

    /**
     * One side of a row: line number (0: none), text, and what changed. {@code marked} flags the characters
     * that changed (never in the indentation); {@code shift} is where this line's extra indentation starts,
     * when it is indented deeper than the line it faces, and else its whole indentation's length.
     */
    record Cell(int number, String text, Change change, boolean[] marked, int shift) {
        static final Cell NO_LINE = new Cell(0, "", Change.NONE, new boolean[0], 0);
    }

    /** One row of the side-by-side view. */
    record Row(Cell left, Cell right) {
        boolean same() {
            return left.change() == Change.SAME;
        }
    }

    /**
     * The rows of a step: GNU diff, ignoring changes in the amount of white space, says which lines stay;
     * within each run of changes, lines are paired by likeness (the pairs in the source's order, most matched
     * characters overall), and the rest stand alone.
     */
    static List<Row> rows(Path root, String a, String b) {
        List<String> left = lines(root.resolve(a));
        List<String> right = lines(root.resolve(b));
        String diff = diff(List.of("diff", "-b", "-U", "1000000", root.resolve(a).toString(),
                root.resolve(b).toString()));
        StringBuilder ops = new StringBuilder();
        boolean inHunk = false;
        for (String line : diff.split("\n")) {
            if (inHunk && !line.isEmpty() && " -+".indexOf(line.charAt(0)) >= 0) {
                ops.append(line.charAt(0));
            } else if (line.startsWith("@@")) {
                if (inHunk || !line.startsWith("@@ -1")) {
                    throw new IllegalStateException("expected one hunk from line 1 in: " + line);
                }
                inHunk = true;
            }
        }
        if (ops.length() == 0) {
            ops.append(" ".repeat(left.size()));
        }
        ops = dissolveStrayBraces(ops, left, right);
        List<Row> rows = new ArrayList<>();
        int i = 0;
        int j = 0;
        int k = 0;
        while (k < ops.length()) {
            if (ops.charAt(k) == ' ') {
                rows.add(pair(i + 1, left.get(i), j + 1, right.get(j)));
                i++;
                j++;
                k++;
                continue;
            }
            int i0 = i;
            int j0 = j;
            while (k < ops.length() && ops.charAt(k) != ' ') {
                if (ops.charAt(k++) == '-') {
                    i++;
                } else {
                    j++;
                }
            }
            block(rows, left, i0, i, right, j0, j);
        }
        if (i != left.size() || j != right.size()) {
            throw new IllegalStateException("diff -b of " + a + " and " + b + " does not cover both files");
        }
        return rows;
    }

    /**
     * A run of lines with no names in them ({@code }}, say) that diff kept between two changes although its
     * indentation changed is most often a brace matched to another block's brace: it joins the changes around
     * it, so that the lines that really stayed (a {@code } finally {} further on) can face each other.
     */
    private static StringBuilder dissolveStrayBraces(StringBuilder ops, List<String> left, List<String> right) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int j = 0;
        int k = 0;
        while (k < ops.length()) {
            if (ops.charAt(k) != ' ') {
                out.append(ops.charAt(k));
                i += ops.charAt(k) == '-' ? 1 : 0;
                j += ops.charAt(k) == '+' ? 1 : 0;
                k++;
                continue;
            }
            int end = k;
            boolean trivial = true;
            boolean moved = false;
            for (int x = 0; end < ops.length() && ops.charAt(end) == ' '; end++, x++) {
                trivial &= trivial(left.get(i + x));
                moved |= !left.get(i + x).equals(right.get(j + x));
            }
            boolean between = k > 0 && end < ops.length();
            out.append((between && trivial && moved ? "-+" : " ").repeat(end - k));
            i += end - k;
            j += end - k;
            k = end;
        }
        return out;
    }

    /** A line with no letter or digit: blank, or braces and punctuation. */
    private static boolean trivial(String line) {
        return line.chars().noneMatch(Character::isLetterOrDigit);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A run of changed lines, left[i0, i1) against right[j0, j1): the most alike pairs face each other. */
    private static void block(List<Row> rows, List<String> left, int i0, int i1, List<String> right, int j0, int j1) {
        int n = i1 - i0;
        int m = j1 - j0;
        double[][] best = new double[n + 1][m + 1];
        double[][] likeness = new double[n][m];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                // A brace is like every other brace: it pairs with none, or it would pull the others out of line.
                likeness[i][j] = trivial(left.get(i0 + i)) || trivial(right.get(j0 + j)) ? 0
                        : new WordDiff(content(left.get(i0 + i)), content(right.get(j0 + j))).likeness();
                best[i][j] = Math.max(best[i + 1][j], best[i][j + 1]);
                if (likeness[i][j] >= PAIRING) {
                    best[i][j] = Math.max(best[i][j], likeness[i][j] + best[i + 1][j + 1]);
                }
            }
        }
        int i = 0;
        int j = 0;
        List<Integer> alone = new ArrayList<>();
        List<Integer> aloneRight = new ArrayList<>();
        while (i < n || j < m) {
            if (i < n && j < m && likeness[i][j] >= PAIRING && best[i][j] == likeness[i][j] + best[i + 1][j + 1]) {
                flush(rows, left, alone, right, aloneRight);
                rows.add(pair(i0 + i + 1, left.get(i0 + i), j0 + j + 1, right.get(j0 + j)));
                i++;
                j++;
            } else if (i < n && best[i][j] == best[i + 1][j]) {
                alone.add(i0 + i++);
            } else {
                aloneRight.add(j0 + j++);
            }
        }
        flush(rows, left, alone, right, aloneRight);
    }

    /** Lines with no partner: removed ones beside added ones, row by row, each marked as a whole line. */
    private static void flush(List<Row> rows, List<String> left, List<Integer> alone, List<String> right,
            List<Integer> aloneRight) {
        for (int k = 0; k < Math.max(alone.size(), aloneRight.size()); k++) {
            rows.add(new Row(k < alone.size() ? whole(alone.get(k) + 1, left.get(alone.get(k))) : Cell.NO_LINE,
                    k < aloneRight.size() ? whole(aloneRight.get(k) + 1, right.get(aloneRight.get(k))) : Cell.NO_LINE));
        }
        alone.clear();
        aloneRight.clear();
    }

    private static Cell whole(int number, String text) {
        return new Cell(number, text, Change.WHOLE, new boolean[text.length()], indent(text));
    }

    /** Two lines that face each other: the same, moved in or out, or changed in some words. */
    private static Row pair(int leftNumber, String left, int rightNumber, String right) {
        int li = indent(left);
        int ri = indent(right);
        if (left.equals(right)) {
            return new Row(new Cell(leftNumber, left, Change.SAME, new boolean[left.length()], li),
                    new Cell(rightNumber, right, Change.SAME, new boolean[right.length()], ri));
        }
        WordDiff words = new WordDiff(content(left), content(right));
        Change change = words.a.equals(words.b) ? Change.MOVED : Change.WORDS;
        return new Row(new Cell(leftNumber, left, change, words.marksOfA(li), Math.min(li, ri)),
                new Cell(rightNumber, right, change, words.marksOfB(ri), Math.min(li, ri)));
    }

    private static int indent(String line) {
        int spaces = 0;
        while (spaces < line.length() && (line.charAt(spaces) == ' ' || line.charAt(spaces) == '\t')) {
            spaces++;
        }
        return spaces;
    }

    private static String content(String line) {
        return line.substring(indent(line));
    }

    /**
     * The words two lines share: the longest common subsequence of their tokens (names and numbers, runs of
     * white space, single other characters), weighted by length so that names count more than punctuation.
     */
    static final class WordDiff {
        private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}_$]+|\\s+|.");
        final String a;
        final String b;
        final boolean[] matchedA;
        final boolean[] matchedB;

        WordDiff(String a, String b) {
            this.a = a;
            this.b = b;
            List<int[]> ta = tokens(a);
            List<int[]> tb = tokens(b);
            int[][] best = new int[ta.size() + 1][tb.size() + 1];
            for (int i = ta.size() - 1; i >= 0; i--) {
                for (int j = tb.size() - 1; j >= 0; j--) {
                    best[i][j] = Math.max(best[i + 1][j], best[i][j + 1]);
                    if (same(ta.get(i), a, tb.get(j), b)) {
                        best[i][j] = Math.max(best[i][j], weight(a, ta.get(i)) + best[i + 1][j + 1]);
                    }
                }
            }
            matchedA = new boolean[a.length()];
            matchedB = new boolean[b.length()];
            int i = 0;
            int j = 0;
            // Of equally good matchings, the one that matches as late as it can: decode(request)) against
            // decode(requests.get(fileno))) marks requests.get(fileno), not requests.get(fileno)) and a ")".
            while (i < ta.size() && j < tb.size()) {
                if (best[i][j] == best[i + 1][j]) {
                    i++;
                } else if (best[i][j] == best[i][j + 1]) {
                    j++;
                } else {
                    fill(matchedA, ta.get(i));
                    fill(matchedB, tb.get(j));
                    i++;
                    j++;
                }
            }
        }

        private static List<int[]> tokens(String text) {
            List<int[]> tokens = new ArrayList<>();
            Matcher token = TOKEN.matcher(text);
            while (token.find()) {
                tokens.add(new int[] {token.start(), token.end()});
            }
            return tokens;
        }

        private static boolean same(int[] x, String a, int[] y, String b) {
            return x[1] - x[0] == y[1] - y[0] && a.regionMatches(x[0], b, y[0], x[1] - x[0]);
        }

        private static int weight(String text, int[] token) {
            return Character.isWhitespace(text.charAt(token[0])) ? 1 : 2 * (token[1] - token[0]);
        }

        private static void fill(boolean[] flags, int[] token) {
            for (int k = token[0]; k < token[1]; k++) {
                flags[k] = true;
            }
        }

        /** Matched characters over all characters, white space not counted: 1 for the same words, 0 for none. */
        double likeness() {
            int total = visible(a, null) + visible(b, null);
            return total == 0 ? 1 : (double) (visible(a, matchedA) + visible(b, matchedB)) / total;
        }

        private static int visible(String text, boolean[] only) {
            int count = 0;
            for (int k = 0; k < text.length(); k++) {
                if (!Character.isWhitespace(text.charAt(k)) && (only == null || only[k])) {
                    count++;
                }
            }
            return count;
        }

        /** The changed characters of the whole first line, whose indentation ({@code indent} long) is not marked. */
        boolean[] marksOfA(int indent) {
            return marks(a, matchedA, indent);
        }

        /** The changed characters of the whole second line, whose indentation ({@code indent} long) is not marked. */
        boolean[] marksOfB(int indent) {
            return marks(b, matchedB, indent);
        }

        /**
         * The characters outside the common tokens, tidied for the eye: marks split only by white space and at
         * most two punctuation characters join up, and a mark does not begin or end in white space unless it is
         * nothing else.
         */
        private static boolean[] marks(String text, boolean[] matched, int indent) {
            boolean[] marked = new boolean[text.length()];
            for (int k = 0; k < text.length(); k++) {
                marked[k] = !matched[k];
            }
            // A mark that starts with the bracket that follows it may as well end with it: the call then reads
            // whole, "new InetSocketAddress(" rather than "(new InetSocketAddress".
            for (int k = 0; k < marked.length; k++) {
                if (marked[k] && (k == 0 || !marked[k - 1])) {
                    int start = k;
                    int end = k;
                    while (end < marked.length && marked[end]) {
                        end++;
                    }
                    while (end < marked.length && text.charAt(start) == text.charAt(end)
                            && "([".indexOf(text.charAt(start)) >= 0) {
                        marked[start++] = false;
                        marked[end++] = true;
                    }
                    k = end;
                }
            }
            int k = 0;
            while (k < marked.length) {
                if (marked[k]) {
                    k++;
                    continue;
                }
                int end = k;
                while (end < marked.length && !marked[end]) {
                    end++;
                }
                if (k > 0 && end < marked.length && joins(text, k, end)) {
                    for (int x = k; x < end; x++) {
                        marked[x] = true;
                    }
                }
                k = end;
            }
            for (k = 0; k < marked.length;) {
                if (!marked[k]) {
                    k++;
                    continue;
                }
                int end = k;
                while (end < marked.length && marked[end]) {
                    end++;
                }
                if (!text.substring(k, end).isBlank()) {
                    for (int x = k; Character.isWhitespace(text.charAt(x)); x++) {
                        marked[x] = false;
                    }
                    for (int x = end - 1; Character.isWhitespace(text.charAt(x)); x--) {
                        marked[x] = false;
                    }
                }
                k = end;
            }
            boolean[] whole = new boolean[indent + marked.length];
            System.arraycopy(marked, 0, whole, indent, marked.length);
            return whole;
        }

        private static boolean joins(String text, int from, int to) {
            int punctuation = 0;
            for (int k = from; k < to; k++) {
                char c = text.charAt(k);
                if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
                    return false;
                }
                if (!Character.isWhitespace(c)) {
                    punctuation++;
                }
            }
            return punctuation <= 2;
        }
    }

    // ---------------------------------------------------------------- Java colouring

    static final byte PLAIN = 0;
    static final byte KEYWORD = 1;
    static final byte STRING = 2;
    static final byte COMMENT = 3;
    static final byte NUMBER = 4;
    private static final String[] SYNTAX_CLASS = {null, "kw", "str", "com", "num"};
    /** A string literal this short never wraps (the narrowest column holds more). */
    private static final int SHORT_STRING = 12;
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "var", "record", "yield", "true", "false", "null");
    private static final Pattern NUMBER_LITERAL = Pattern.compile(
            "0[xX][0-9a-fA-F_]+[lL]?|0[bB][01_]+[lL]?|\\d[\\d_]*(\\.\\d[\\d_]*)?([eE][+-]?\\d+)?[lLfFdD]?");

    /** The Java syntax class of every character of every line (comments and text blocks may span lines). */
    static byte[][] syntax(List<String> lines) {
        byte[][] classes = new byte[lines.size()][];
        boolean inComment = false;
        boolean inTextBlock = false;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            byte[] cls = new byte[line.length()];
            classes[n] = cls;
            int k = 0;
            while (k < line.length()) {
                int end;
                if (inComment || line.startsWith("/*", k)) {
                    int close = line.indexOf("*/", inComment ? k : k + 2);
                    inComment = close < 0;
                    end = close < 0 ? line.length() : close + 2;
                    paint(cls, k, end, COMMENT);
                } else if (inTextBlock || line.startsWith("\"\"\"", k)) {
                    int close = closing(line, inTextBlock ? k : k + 3, "\"\"\"");
                    inTextBlock = close < 0;
                    end = close < 0 ? line.length() : close + 3;
                    paint(cls, k, end, STRING);
                } else if (line.startsWith("//", k)) {
                    end = line.length();
                    paint(cls, k, end, COMMENT);
                } else if (line.charAt(k) == '"' || line.charAt(k) == '\'') {
                    int close = closing(line, k + 1, String.valueOf(line.charAt(k)));
                    end = close < 0 ? line.length() : close + 1;
                    paint(cls, k, end, STRING);
                } else if (Character.isJavaIdentifierStart(line.charAt(k))) {
                    end = k + 1;
                    while (end < line.length() && Character.isJavaIdentifierPart(line.charAt(end))) {
                        end++;
                    }
                    if (KEYWORDS.contains(line.substring(k, end))) {
                        paint(cls, k, end, KEYWORD);
                    }
                } else if (Character.isDigit(line.charAt(k))) {
                    Matcher number = NUMBER_LITERAL.matcher(line).region(k, line.length());
                    end = number.lookingAt() ? number.end() : k + 1;
                    paint(cls, k, end, NUMBER);
                } else {
                    end = k + 1;
                }
                k = end;
            }
        }
        return classes;
    }

    /** Where {@code quote} closes a literal begun before {@code from}, past escapes; -1: not on this line. */
    private static int closing(String line, int from, String quote) {
        for (int k = from; k < line.length(); k++) {
            if (line.charAt(k) == '\\') {
                k++;
            } else if (line.startsWith(quote, k)) {
                return k;
            }
        }
        return -1;
    }

    private static void paint(byte[] cls, int from, int to, byte kind) {
        for (int k = from; k < to; k++) {
            cls[k] = kind;
        }
    }

    // ---------------------------------------------------------------- the page

    static String sideBySide(Path root, Step step, Words words, String prev, String next) {
        String a = server(step.parent());
        String b = server(step.child());
        List<Row> rows = rows(root, a, b);
        byte[][] leftSyntax = syntax(lines(root.resolve(a)));
        byte[][] rightSyntax = syntax(lines(root.resolve(b)));
        StringBuilder html = new StringBuilder(head(words, words.label(step)));
        String nav = nav(words, prev, next);
        html.append(nav).append("<h1>").append(escape(words.label(step))).append(words.titleSeparator())
                .append(escape(words.title(step))).append("</h1>\n");
        html.append("<p class=\"key\"><span class=\"sample del\">").append(escape(words.keyRemoved()))
                .append("</span> <span class=\"sample add\">").append(escape(words.keyAdded()))
                .append("</span> <span class=\"sample\"><del>").append(escape(words.keyOldWords()))
                .append("</del> <ins>").append(escape(words.keyNewWords()))
                .append("</ins></span> <span class=\"sample mv\"><span class=\"mvn\">12</span>")
                .append("<span class=\"sh\">    </span> ")
                .append(escape(words.keyMoved())).append("</span> <span class=\"sample none\">")
                .append(escape(words.keyNoLine())).append("</span></p>\n");
        html.append("<table class=\"diff\">\n<colgroup><col class=\"n\"><col><col class=\"n\"><col></colgroup>\n")
                .append("<thead><tr><th colspan=\"2\">").append(escape(a)).append("</th><th colspan=\"2\">")
                .append(escape(b)).append("</th></tr></thead>\n<tbody>\n");
        boolean[] shown = shown(rows);
        int i = 0;
        while (i < rows.size()) {
            if (!shown[i]) {
                int start = i;
                while (i < rows.size() && !shown[i]) {
                    i++;
                }
                html.append("<tr class=\"fold\"><td colspan=\"4\">⋮ ")
                        .append(escape(String.format(words.folded(), i - start))).append("</td></tr>\n");
                continue;
            }
            Row row = rows.get(i++);
            html.append("<tr>");
            cell(html, row.left(), "del", row.left().number() > 0 ? leftSyntax[row.left().number() - 1] : null);
            cell(html, row.right(), "add", row.right().number() > 0 ? rightSyntax[row.right().number() - 1] : null);
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n").append(nav).append("</body>\n</html>\n");
        return html.toString();
    }

    private static String nav(Words words, String prev, String next) {
        StringBuilder nav = new StringBuilder("<nav><a href=\"index.html\">").append(escape(words.allSteps()))
                .append("</a>");
        if (prev != null) {
            nav.append(" · <a href=\"").append(prev).append("\">").append(escape(words.previousStep())).append("</a>");
        }
        if (next != null) {
            nav.append(" · <a href=\"").append(next).append("\">").append(escape(words.nextStep())).append("</a>");
        }
        return nav.append("</nav>\n").toString();
    }

    /** Which rows to show: every change, {@link #CONTEXT} lines around it, and any fold of fewer than 3 lines. */
    private static boolean[] shown(List<Row> rows) {
        boolean[] shown = new boolean[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            if (!rows.get(i).same()) {
                for (int j = Math.max(0, i - CONTEXT); j <= Math.min(rows.size() - 1, i + CONTEXT); j++) {
                    shown[j] = true;
                }
            }
        }
        for (int k = 0; k < rows.size(); k++) {
            int end = k;
            while (end < rows.size() && !shown[end]) {
                end++;
            }
            if (end - k > 0 && end - k < 3) {
                for (int j = k; j < end; j++) {
                    shown[j] = true;
                }
            }
            k = Math.max(k, end);
        }
        return shown;
    }

    /**
     * A line number and a line: the indentation in a box of its own beside the code, so that a long line
     * wraps under its own first character; changed words in {@code <del>} or {@code <ins>}; Java in colour.
     */
    private static void cell(StringBuilder html, Cell cell, String side, byte[] syntax) {
        if (cell.change() == Change.NONE) {
            html.append("<td class=\"n none\"></td><td class=\"c none\"></td>");
            return;
        }
        String kind = switch (cell.change()) {
            case SAME -> "";
            case MOVED -> " " + side + " mv";
            default -> " " + side;
        };
        String text = cell.text();
        int indent = indent(text);
        html.append("<td class=\"n").append(kind).append("\">").append(cell.number()).append("</td><td class=\"c")
                .append(kind).append("\"><div class=\"l\">");
        if (indent > 0) {
            html.append("<span class=\"i\">").append(text, 0, cell.shift());
            if (cell.shift() < indent) {
                html.append("<span class=\"sh\">").append(text, cell.shift(), indent).append("</span>");
            }
            html.append("</span>");
        }
        html.append("<span class=\"t\">");
        String tag = side.equals("del") ? "del" : "ins";
        int k = indent;
        while (k < text.length()) {
            boolean marked = cell.marked()[k];
            int end = k;
            while (end < text.length() && cell.marked()[end] == marked) {
                end++;
            }
            if (marked) {
                html.append('<').append(tag).append('>');
            }
            coloured(html, text, syntax, k, end);
            if (marked) {
                html.append("</").append(tag).append('>');
            }
            k = end;
        }
        html.append("</span></div></td>");
    }

    private static void coloured(StringBuilder html, String text, byte[] syntax, int from, int to) {
        int k = from;
        while (k < to) {
            byte kind = syntax[k];
            int end = k;
            while (end < to && syntax[end] == kind) {
                end++;
            }
            if (kind == PLAIN) {
                breakable(html, text, k, end);
            } else {
                // A short string stays whole: "-" would otherwise wrap after its hyphen.
                boolean whole = kind == STRING && end - k <= SHORT_STRING;
                html.append("<span class=\"").append(SYNTAX_CLASS[kind]).append(whole ? " nw" : "").append("\">")
                        .append(escape(text.substring(k, end))).append("</span>");
            }
            k = end;
        }
    }

    /**
     * Code with a {@code <wbr>} before each {@code .} of a member access ({@code connection.setblocking},
     * {@code get(fileno).send(}) and after each {@code (} of a call, so that a line too long for its column
     * wraps between names, not inside one (the stylesheet breaks inside a name only when nothing else fits).
     */
    private static void breakable(StringBuilder html, String text, int from, int to) {
        for (int k = from; k < to; k++) {
            char c = text.charAt(k);
            if (c == '.' && k > 0 && (text.charAt(k - 1) == ')' || Character.isJavaIdentifierPart(text.charAt(k - 1)))
                    && k + 1 < text.length() && Character.isJavaIdentifierStart(text.charAt(k + 1))) {
                html.append("<wbr>");
            }
            html.append(escape(String.valueOf(c)));
            if (c == '(' && k + 1 < text.length() && text.charAt(k + 1) != ')') {
                html.append("<wbr>");
            }
        }
    }

    /** One stylesheet for every page, so the pages carry only their own content. */
    private static final String STYLESHEET = "diffs.css";

    private static String stylesheet() {
        Palette p = PALETTE;
        return "/* Generated by `make docs` (docs-check/src/main/java/docs/StepDiffs.java): do not edit. */\n"
                + "body { font-family: \"DejaVu Sans\", \"Segoe UI\", Arial, sans-serif; margin: .4em 8px 2em; "
                + "background: " + p.background() + "; color: " + p.text() + "; }\n"
                + "h1 { font-size: clamp(1.1em, 1.7vw, 1.5em); margin: .25em 0 .3em; }\n"
                + "nav { font-size: 1.05em; }\n"
                + "table.steps { font-size: 1.3em; border-collapse: collapse; margin-top: 1em; }\n"
                + "table.steps td { padding: .35em .8em .35em 0; border-bottom: 1px solid " + p.noLine() + "; "
                + "vertical-align: baseline; }\n"
                + "table.steps td:first-child, table.steps td:last-child { white-space: nowrap; }\n"
                + "td.count { font-family: \"DejaVu Sans Mono\", Menlo, Consolas, monospace; white-space: nowrap; }\n"
                + ".plus { color: " + p.added() + "; font-weight: bold; } .minus { color: " + p.removed()
                + "; font-weight: bold; }\n"
                + "/* The key: one sample of every way a line or a word is shown. */\n"
                + "p.key { margin: 0 0 .5em; line-height: 2; font-size: .95em; }\n"
                + ".sample { display: inline-block; padding: 0 .5em; margin-right: .6em; line-height: 1.6; "
                + "border-left: 6px solid transparent; }\n"
                + ".sample.mv { padding-left: 0; white-space: pre; }\n"
                + ".mvn { color: " + p.moved() + "; background: " + p.gutter() + "; padding: 0 .4ch; "
                + "margin-right: .4ch; font-family: \"DejaVu Sans Mono\", Menlo, Consolas, monospace; }\n"
                + ".sample.none, td.none { background: repeating-linear-gradient(-45deg, " + p.noLine()
                + " 0 5px, " + p.background() + " 5px 10px); }\n"
                + "/* The two files: fixed halves, so nothing scrolls sideways; the column heads stay in view. */\n"
                + "table.diff { border-collapse: collapse; width: 100%; table-layout: fixed; "
                + "font-family: \"DejaVu Sans Mono\", Menlo, Consolas, \"Liberation Mono\", monospace; "
                + "font-size: clamp(13px, 0.4vw + 9px, 17px); line-height: 1.4; }\n"
                + "col.n { width: 4ch; }\n"
                + "table.diff th { position: sticky; top: 0; z-index: 1; background: " + p.header() + "; color: #fff; "
                + "padding: 3px 8px; font-weight: normal; text-align: left; overflow-wrap: anywhere; }\n"
                + ".diff td { vertical-align: top; padding: 0; }\n"
                + "td.n { text-align: right; padding-right: .5ch; color: " + p.gutterText() + "; background: "
                + p.gutter() + "; user-select: none; }\n"
                + "td.c { padding: 0 .4ch; border-left: 5px solid transparent; }\n"
                + "td.c + td.n { border-left: 2px solid " + p.header() + "; }\n"
                + "/* A line: its indentation, as deep as in the source, beside its text, which wraps under the "
                + "text's first character. */\n"
                + ".l { display: flex; min-height: 1.4em; }\n"
                + "/* Only a column too narrow to leave the text 16 characters (zoomed in) gives up indentation. */\n"
                + ".i { flex: 0 1 auto; white-space: pre; overflow: hidden; }\n"
                + ".t { flex: 1 1 0; min-width: 16ch; white-space: pre-wrap; overflow-wrap: anywhere; }\n"
                + "/* A changed line: a solid number and a bar, not only a tint; its changed words: solid marks. */\n"
                + "td.n.del { background: " + p.removed() + "; color: " + p.markText() + "; font-weight: bold; }\n"
                + "td.n.add { background: " + p.added() + "; color: " + p.markText() + "; font-weight: bold; }\n"
                + "td.c.del, .sample.del { background: " + p.removedLine() + "; border-left-color: " + p.removed()
                + "; }\n"
                + "td.c.add, .sample.add { background: " + p.addedLine() + "; border-left-color: " + p.added()
                + "; }\n"
                + "del, ins { text-decoration: none; color: " + p.markText() + "; border-radius: 3px; "
                + "padding: 0 2px; margin: 0 -2px; display: inline-block; max-width: 100%; }\n"
                + "del { background: " + p.removed() + "; } ins { background: " + p.added() + "; }\n"
                + "del span, ins span { color: inherit; }\n"
                + "/* A line that only moved in or out a level: its number, and its extra indentation hatched. */\n"
                + "td.n.mv { background: " + p.gutter() + "; color: " + p.moved() + "; }\n"
                + "td.c.mv { background: none; border-left-color: transparent; }\n"
                + ".sh { background: repeating-linear-gradient(-45deg, " + p.moved()
                + " 0 1.5px, transparent 1.5px 5px); }\n"
                + "/* Java. */\n"
                + ".kw { color: " + p.keyword() + "; font-weight: bold; }\n"
                + ".str { color: " + p.string() + "; } .nw { white-space: nowrap; }\n"
                + ".com { color: " + p.comment() + "; font-style: italic; }\n"
                + ".num { color: " + p.number() + "; }\n"
                + "tr.fold td { background: " + p.fold() + "; color: " + p.foldText() + "; text-align: center; "
                + "font-style: italic; padding: 2px; border-top: 1px solid " + p.foldText() + "; border-bottom: 1px "
                + "solid " + p.foldText() + "; }\n";
    }

    /** Where an edition's pages find the one stylesheet, which the English folder holds. */
    static String stylesheetHref(Words words) {
        return Path.of(words.folder()).relativize(Path.of(ENGLISH.folder())).resolve(STYLESHEET).toString();
    }

    private static String head(Words words, String title) {
        return "<!DOCTYPE html>\n<html lang=\"" + escape(words.lang()) + "\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" + escape(title)
                + "</title>\n<!-- Generated by `make docs` (docs-check/src/main/java/docs/StepDiffs.java): do not edit."
                + " -->\n<link rel=\"stylesheet\" href=\"" + stylesheetHref(words) + "\">\n</head>\n<body>\n";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String required(Map<String, String> map, String key, String what) {
        String value = map.get(key);
        if (value == null) {
            throw new IllegalStateException("no " + what + " for " + key);
        }
        return value;
    }
}
