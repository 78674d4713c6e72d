package bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The template mechanism: fields, tables with the template's labels, variants picked by a figure. */
class PageTest {
    private final Set<String> missing = new TreeSet<>();

    private String render(String template, Map<String, String> data) {
        return Page.render(template, data, missing);
    }

    @Test
    void fillsFieldsAndListsTheUnknownOnes() {
        assertThat(render("{{a.x}} and {{a.y}}", Map.of("a.x", "12.5"))).isEqualTo("12.5 and –");
        assertThat(missing).containsExactly("a.y");
        assertThat(render("$1 {{a.x}}", Map.of("a.x", "$2 \\ back"))).isEqualTo("$1 $2 \\ back");
    }

    @Test
    void keepsTheVariantTheFigurePicks() {
        String t = "claim {{#b.claim=holds}}holds{{/}}{{#b.claim=partly,not-seen}}does not hold{{/}}.";
        assertThat(render(t, Map.of("b.claim", "holds"))).isEqualTo("claim holds.");
        assertThat(render(t, Map.of("b.claim", "partly"))).isEqualTo("claim does not hold.");
        assertThat(render(t, Map.of())).isEqualTo("claim .");
        assertThat(render("{{#p}}problems: {{p}}{{/}}{{^p}}none{{/}}", Map.of("p", ""))).isEqualTo("none");
        assertThat(render("{{#p}}problems: {{p}}{{/}}{{^p}}none{{/}}", Map.of("p", "- x"))).isEqualTo("problems: - x");
    }

    @Test
    void blocksNest() {
        String t = "{{#s.ran}}ran{{#s.v=up}} up{{/}}{{#s.v=down}} down{{/}}.{{/}}{{^s.ran}}not run{{/}}";
        assertThat(render(t, Map.of("s.ran", "yes", "s.v", "down"))).isEqualTo("ran down.");
        assertThat(render(t, Map.of("s.v", "down"))).isEqualTo("not run");
    }

    @Test
    void relabelsATablesHeaderOnlyWhenTheCountFits() {
        String table = new Table("server", "req/s").add("C", 1000).markdown().strip();
        assertThat(render("{{t|服务器|请求/秒}}", Map.of("t", table))).isEqualTo("| 服务器 | 请求/秒 |\n| --- | ---: |\n| C | 1,000 |");
        assertThat(render("{{t|one}}", Map.of("t", table))).isEqualTo(table);
        // One list per column count: the quick and the full set's tables differ in columns.
        assertThat(render("{{t|一|二|三||服务器|请求/秒}}", Map.of("t", table))).startsWith("| 服务器 | 请求/秒 |\n");
    }

    /**
     * A translation must use the English template's figures and variants: a figure renamed in English and
     * not in a translation would show there as "–", a variant renamed would vanish. Compared: every field
     * and every block, each with the blocks around it (so a field moved out of its variant counts too);
     * column labels are the translation's own.
     */
    @Test
    void everyTemplateUsesTheEnglishPlaceholdersAndBlocks() throws IOException {
        Path english = Page.TEMPLATES.resolve("performance.en.md");
        Set<String> expected = placeholders(english);
        assertThat(expected).as("placeholders of " + english).isNotEmpty();
        List<Path> translations = new ArrayList<>();
        try (var files = Files.list(Page.TEMPLATES)) {
            files.filter(f -> f.getFileName().toString().matches("performance\\.\\w+\\.md") && !f.equals(english))
                    .sorted().forEach(translations::add);
        }
        for (Path t : translations) {
            Set<String> found = placeholders(t);
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(found);
            Set<String> extra = new TreeSet<>(found);
            extra.removeAll(expected);
            assertThat(missing).as(t.getFileName() + ": placeholders or blocks of the English template it lacks"
                    + " (the path before > is the blocks around it)").isEmpty();
            assertThat(extra).as(t.getFileName() + ": placeholders or blocks the English template does not have").isEmpty();
        }
    }

    @Test
    void placeholdersAreComparedWithTheBlocksAroundThem() {
        assertThat(placeholders("a {{x.y|one|two}} {{#b.v=up}}{{x.z}}{{^c}}{{x.y}}{{/}}{{/}}")).containsExactlyInAnyOrder(
                "{{x.y}}", "{{#b.v=up}}", "{{#b.v=up}} > {{x.z}}", "{{#b.v=up}} > {{^c}}", "{{#b.v=up}} {{^c}} > {{x.y}}");
    }

    private static Set<String> placeholders(Path template) throws IOException {
        try {
            return placeholders(Files.readString(template));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(template + ": " + e.getMessage(), e);
        }
    }

    /** Every field (labels dropped) and block opener of a template, as "enclosing blocks > item". */
    private static Set<String> placeholders(String template) {
        Set<String> items = new TreeSet<>();
        List<String> open = new ArrayList<>();
        Matcher m = Pattern.compile("\\{\\{([#^/]?)([^}|]*)[^}]*}}").matcher(template);
        while (m.find()) {
            String path = String.join(" ", open);
            switch (m.group(1)) {
                case "/" -> {
                    if (open.isEmpty()) throw new IllegalStateException("{{/}} with no block open, at offset " + m.start());
                    open.remove(open.size() - 1);
                }
                case "#", "^" -> {
                    String block = "{{" + m.group(1) + m.group(2) + "}}";
                    items.add(path.isEmpty() ? block : path + " > " + block);
                    open.add(block);
                }
                default -> {
                    String field = "{{" + m.group(2) + "}}";
                    items.add(path.isEmpty() ? field : path + " > " + field);
                }
            }
        }
        if (!open.isEmpty()) throw new IllegalStateException("blocks never closed: " + open);
        return items;
    }
}
