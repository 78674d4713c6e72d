package docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the line-by-line notes of the docs pages and checks each against the
 * source file it cites, so that the prose cannot drift from the code.
 *
 * <p>A note is a line of a page (a list item or a paragraph) that starts
 * {@code Line 14:} or {@code Lines 31-33:}, then one or more code spans in
 * backticks, then optionally an em dash and the explanation:
 * <pre>
 * - Line 30: `serversocket.listen(backlog);` — the queue of finished handshakes.
 * - Lines 52-53: `recv(1024)` `concat(` — read what has arrived, append it.
 * - Line 35 of [Native.java](../epoll-jni/src/main/java/workbook/epoll/Native.java): `static native` — ...
 * </pre>
 * The file is the link in the note ({@code of [..](..)}), or else the last
 * declaration above the note, a line {@code > File: [..](..)}; links are
 * relative to the page. A single line must contain every quoted span. A range
 * must contain them in order, the first on its first line and the last on its
 * last line, so a range that grew or shrank is caught too. A line that starts
 * like a note but does not parse as one is an error, not silently skipped.
 *
 * <p>A line number in prose ("the catch on line 100", "第 100 行") cannot quote its code, so it
 * must fall inside the range of a note on the same page that cites the page's declared file:
 * when the code moves, the note is renumbered and the prose that no longer matches it is caught.
 * Outside code blocks, a prose line number needs a declared file; the article's own lines are
 * exempt when named as such ("example 3, line 31", "the article's line 31").
 */
public final class Citations {
    private static final Pattern NOTE_START = Pattern.compile("^\\s*(?:[-*]\\s+)?Lines?\\s+\\d");
    private static final Pattern NOTE = Pattern.compile(
            "^\\s*(?:[-*]\\s+)?Lines?\\s+(\\d+)(?:\\s*[-–]\\s*(\\d+))?(?:\\s+of\\s+\\[[^\\]]*\\]\\(([^)\\s]+)\\))?:\\s*(.*)$");
    private static final Pattern FILE = Pattern.compile("^>\\s*File:\\s*\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    /** "line 45", "lines 45-49", "第 45 行", "第 45-49 行"; group 1 and 2 are the first and last line. */
    private static final Pattern PROSE = Pattern.compile(
            "(?<![-\\w])(?:[Ll]ines?\\s+(\\d+)(?:\\s*[-–]\\s*(\\d+))?|第\\s*(\\d+)(?:\\s*[-–]\\s*(\\d+))?\\s*行)");
    /** What names the article's own code just before a line number: its lines never move. */
    private static final Pattern ARTICLE = Pattern.compile("(examples?\\s*\\d[^.;:]{0,30}|article's|示例\\s*\\d[^。；：]{0,15}|文章)\\s*$");

    /** One note: where it is written, the file and lines it cites, and the code it quotes. */
    public record Note(Path page, int pageLine, Path file, int from, int to, List<String> quotes) {
        String where(Path root) {
            return root.relativize(page) + ":" + pageLine;
        }

        String cited(Path root) {
            return (from == to ? "line " + from : "lines " + from + "-" + to) + " of " + root.relativize(file);
        }
    }

    /** What the check found: the notes it read and what is wrong with them. */
    public record Report(List<Note> notes, List<String> failures) {
    }

    private Citations() {
    }

    /** Checks every Markdown page under {@code root/docs}. */
    public static Report checkDocs(Path root) {
        List<Path> pages;
        try (Stream<Path> walk = Files.walk(root.resolve("docs"))) {
            pages = walk.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Note> notes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Path page : pages) {
            Report report = check(root, page);
            notes.addAll(report.notes());
            failures.addAll(report.failures());
        }
        return new Report(notes, failures);
    }

    /** Parses one page and checks each of its notes against the file it cites. */
    public static Report check(Path root, Path page) {
        List<Note> notes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> lines = read(page);
        Path declared = null;
        boolean inCode = false;
        List<ProseRef> prose = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = root.relativize(page) + ":" + (i + 1);
            if (line.strip().startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            if (inCode) {
                continue;
            }
            Matcher file = FILE.matcher(line);
            if (file.find()) {
                declared = resolve(page, file.group(1));
                if (!Files.isRegularFile(declared)) {
                    failures.add(where + ": the declared file " + file.group(1) + " does not exist");
                }
                continue;
            }
            if (!NOTE_START.matcher(line).find()) {
                proseRefs(i > 0 ? lines.get(i - 1) : "", line, where, declared, prose);
                continue;
            }
            Matcher note = NOTE.matcher(line);
            List<String> quotes = note.matches() ? quotes(note.group(4)) : List.of();
            if (quotes.isEmpty()) {
                failures.add(where + ": a note must read `Line N: `code` — ...` or `Lines N-M: `code` ... — ...`"
                        + " (the code in backticks, right after the colon), not: " + line.strip());
                continue;
            }
            Path cited = note.group(3) != null ? resolve(page, note.group(3)) : declared;
            if (cited == null) {
                failures.add(where + ": the note cites no file: add `> File: [name](path)` above it, or"
                        + " `of [name](path)` after its line number");
                continue;
            }
            int from = Integer.parseInt(note.group(1));
            int to = note.group(2) != null ? Integer.parseInt(note.group(2)) : from;
            Note parsed = new Note(page, i + 1, cited, from, to, quotes);
            notes.add(parsed);
            String problem = verify(parsed);
            if (problem != null) {
                failures.add(parsed.where(root) + ": " + parsed.cited(root) + ": " + problem);
            }
            int explanation = line.indexOf('—');
            if (explanation > 0) {
                proseRefs("", line.substring(explanation), where, declared, prose);
            }
        }
        for (ProseRef ref : prose) {
            if (ref.file() == null) {
                failures.add(ref.where() + ": \"" + ref.text() + "\" in prose, with no `> File:` declared above it:"
                        + " cite the line with a note (`Line N of [name](path): `code` — ...`) or name the code instead");
            } else {
                for (int line : ref.from() == ref.to() ? List.of(ref.from()) : List.of(ref.from(), ref.to())) {
                    boolean covered = notes.stream().anyMatch(n -> n.file().equals(ref.file()) && n.from() <= line && line <= n.to());
                    if (!covered) {
                        failures.add(ref.where() + ": \"" + ref.text() + "\" in prose: no note on this page covers line "
                                + line + " of " + root.relativize(ref.file()) + " (did the code move?)");
                    }
                }
            }
        }
        return new Report(notes, failures);
    }

    /** A line number mentioned in prose: where, which file it must mean, and the lines. */
    private record ProseRef(String where, Path file, int from, int to, String text) {
    }

    /** The prose line numbers in {@code text}; {@code before} is the line above, where a sentence may begin. */
    private static void proseRefs(String before, String text, String where, Path declared, List<ProseRef> into) {
        Matcher ref = PROSE.matcher(text);
        while (ref.find()) {
            if (ARTICLE.matcher(before.strip() + " " + text.substring(0, ref.start())).find()) {
                continue; // the article's own code: its lines never move
            }
            String first = ref.group(1) != null ? ref.group(1) : ref.group(3);
            String last = ref.group(1) != null ? ref.group(2) : ref.group(4);
            int from = Integer.parseInt(first);
            into.add(new ProseRef(where, declared, from, last == null ? from : Integer.parseInt(last), ref.group()));
        }
    }

    /** Null when the note holds; otherwise what was expected and what was found. */
    static String verify(Note note) {
        if (!Files.isRegularFile(note.file())) {
            return "the file does not exist";
        }
        List<String> source = read(note.file());
        if (note.from() < 1 || note.to() < note.from() || note.to() > source.size()) {
            return "no such line" + (note.from() == note.to() ? "" : "s") + ": the file has " + source.size() + " lines";
        }
        int cursor = note.from();
        for (int q = 0; q < note.quotes().size(); q++) {
            String quote = note.quotes().get(q);
            boolean first = q == 0;
            boolean last = q == note.quotes().size() - 1;
            int found = -1;
            for (int n = cursor; n <= note.to() && found < 0; n++) {
                if (source.get(n - 1).contains(quote)) {
                    found = n;
                }
            }
            if (first && (found != note.from())) {
                return expected(quote, note.from(), source);
            }
            if (last && !source.get(note.to() - 1).contains(quote)) {
                return expected(quote, note.to(), source);
            }
            if (found < 0) {
                return "expected `" + quote + "` on lines " + cursor + "-" + note.to() + " (after the previous quote),"
                        + " but it is not there";
            }
            cursor = found;
        }
        return null;
    }

    private static String expected(String quote, int line, List<String> source) {
        int elsewhere = -1;
        for (int n = 1; n <= source.size() && elsewhere < 0; n++) {
            if (source.get(n - 1).contains(quote)) {
                elsewhere = n;
            }
        }
        return "expected `" + quote + "` on line " + line + ", found `" + source.get(line - 1).strip() + "`"
                + (elsewhere > 0 ? " (the quote is on line " + elsewhere + " now)" : " (the quote is nowhere in the file)");
    }

    /** The code spans that open the note's text, up to the em dash that starts its explanation. */
    static List<String> quotes(String text) {
        List<String> quotes = new ArrayList<>();
        String rest = text.strip();
        while (rest.startsWith("`")) {
            int end = rest.indexOf('`', 1);
            if (end < 0) {
                return List.of();
            }
            String quote = rest.substring(1, end).strip();
            if (quote.isEmpty()) {
                return List.of();
            }
            quotes.add(quote);
            rest = rest.substring(end + 1).strip();
            while (rest.startsWith("…") || rest.startsWith("...") || rest.startsWith(",")) {
                rest = rest.substring(rest.startsWith("...") ? 3 : 1).strip();
            }
        }
        return rest.isEmpty() || rest.startsWith("—") ? quotes : List.of();
    }

    private static Path resolve(Path page, String link) {
        String path = link.replaceFirst("#.*$", "");
        return page.getParent().resolve(path).normalize();
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
