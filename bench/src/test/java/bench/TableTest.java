package bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableTest {
    @Test
    void formatsAboutThreeSignificantDigits() {
        assertThat(Table.number(18234.4)).isEqualTo("18,234");
        assertThat(Table.number(46.23)).isEqualTo("46.2");
        assertThat(Table.number(3.14159)).isEqualTo("3.14");
        assertThat(Table.number(0.1823)).isEqualTo("0.182");
        assertThat(Table.number(0)).isEqualTo("0");
        assertThat(Table.format(12345L)).isEqualTo("12,345");
        assertThat(Table.format(null)).isEqualTo("–");
    }

    @Test
    void spreadsShowMedianAndRange() {
        Spread s = Spread.of(List.of(30.0, 10.0, 20.0));
        assertThat(s.median()).isEqualTo(20.0);
        assertThat(Table.format(s)).isEqualTo("20 (10–30)");
        assertThat(Spread.of(List.of(4, 1, 3, 2)).median()).isEqualTo(2.5);
        assertThat(Table.format(Spread.of(List.of(7.5)))).isEqualTo("7.50");
    }

    @Test
    void writesMarkdownAndCsvFromTheSameRows(@TempDir Path dir) throws IOException {
        Table t = new Table("server", "req/s", "note").add("C, plain", 1234.5, "a|b").add("nio", Spread.of(List.of(1.0, 3.0)), null);
        assertThat(t.markdown()).isEqualTo("""
                | server | req/s | note |
                | --- | ---: | --- |
                | C, plain | 1,235 | a\\|b |
                | nio | 2.00 (1.00–3.00) | – |
                """);
        Path csv = dir.resolve("t.csv");
        t.writeCsv(csv);
        assertThat(Files.readString(csv)).isEqualTo("server,req/s,note\n\"C, plain\",1234.5,a|b\nnio,2.0,\n");
    }

    @Test
    void readsStraceSummaries() {
        Map<String, Modes.Count> counts = new HashMap<>();
        Modes.parse(List.of(
                "% time     seconds  usecs/call     calls    errors syscall",
                "------ ----------- ----------- --------- --------- ----------------",
                " 27.64    0.180360          18     10003      5002 recvfrom",
                " 15.35    0.100201           5     20003           epoll_ctl",
                "------ ----------- ----------- --------- --------- ----------------",
                "100.00    0.652541          12     50313     10008 total"), counts);
        assertThat(counts).containsOnlyKeys("recvfrom", "epoll_ctl");
        assertThat(counts.get("recvfrom")).isEqualTo(new Modes.Count(10003, 5002));
        assertThat(counts.get("epoll_ctl")).isEqualTo(new Modes.Count(20003, 0));
    }
}
