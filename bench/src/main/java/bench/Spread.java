package bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Repeated measurements of one figure: shown as the median with the min-max range. */
record Spread(double[] samples) {
    Spread {
        if (samples.length == 0) throw new IllegalArgumentException("no samples");
        samples = Arrays.stream(samples).sorted().toArray(); // a sorted copy
    }

    static <T> Spread of(List<T> values, ToDoubleFunction<T> figure) {
        return new Spread(values.stream().mapToDouble(figure).toArray());
    }

    /** The median of a figure, NaN when nothing was measured. */
    static <T> double median(List<T> values, ToDoubleFunction<T> figure) {
        return values.isEmpty() ? Double.NaN : of(values, figure).median();
    }

    double median() {
        return (samples[(samples.length - 1) / 2] + samples[samples.length / 2]) / 2;
    }

    double min() {
        return samples[0];
    }

    double max() {
        return samples[samples.length - 1];
    }
}
