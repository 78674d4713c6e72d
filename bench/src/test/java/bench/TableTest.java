package bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        Spread s = Spread.of(List.of(30.0, 10.0, 20.0), x -> x);
        assertThat(s.median()).isEqualTo(20.0);
        assertThat(Table.format(s)).isEqualTo("20 (10–30)");
        assertThat(Spread.of(List.of(4, 1, 3, 2), x -> x).median()).isEqualTo(2.5);
        assertThat(Table.format(Spread.of(List.of(7.5), x -> x))).isEqualTo("7.50");
    }

    @Test
    void writesMarkdownAndCsvFromTheSameRows(@TempDir Path dir) throws IOException {
        Table t = new Table("server", "req/s", "note").add("C, plain", 1234.5, "a|b").add("nio", Spread.of(List.of(1.0, 3.0), x -> x), null);
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
    void sumsPerfIntervalsPerEvent() {
        long[] sums = Modes.sumIntervals(List.of(
                "# started on Mon Nov 30 09:44:36 2026",
                "",
                "     0.200331859,<not counted>,,syscalls:sys_exit_accept4,0,100.00,,",
                "     0.200331859,<not counted>,,syscalls:sys_enter_epoll_wait,0,100.00,,",
                "     0.400605502,2161,,syscalls:sys_exit_accept4,70963738,100.00,,",
                "     0.400605502,7,,syscalls:sys_enter_epoll_wait,70963738,100.00,,",
                "     0.500605502,39,,syscalls:sys_exit_accept4,963738,100.00,,",
                "     0.500605502,0,,syscalls:sys_enter_epoll_wait,963738,100.00,,"), 3);
        assertThat(sums).containsExactly(2200, 7, 0);
    }

    @Test
    void slopeIsTheLeastSquaresFit() {
        assertThat(Scaling.slope(new double[] {0, 1000, 5000}, new double[] {100, 110, 150})).isCloseTo(0.01, within(1e-12));
        assertThat(Scaling.slope(new double[] {0, 1000}, new double[] {100, 100})).isZero();
        assertThat(Scaling.slope(new double[] {5}, new double[] {1})).isNaN();
    }
}
