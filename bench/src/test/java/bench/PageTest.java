package bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
    }
}
