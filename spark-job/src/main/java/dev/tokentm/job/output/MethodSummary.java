package dev.tokentm.job.output;

import com.google.gson.Gson;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.tokentm.job.aggregate.Interval;
import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One method and target in {@code summary.json}: the scalar columns of {@link MetricsTable}, each
 * metric with its 95% interval, and the sanity checks where they ran. In JSON one flat object keyed
 * by the table's column names, each metric followed by its {@code _ci95} pair, then the sanity
 * checks' object ({@link #JSON}).
 *
 * @param sanityVerdict {@code passed} or {@code failed}; null (left out) when the checks did not run
 * @param values the table's scalar columns in order
 * @param sanity the checks' correlations; null (left out) when they did not run
 */
public record MethodSummary(
        String method, String target, String sanityVerdict, List<Value> values, SanitySummary sanity) {

    /**
     * A scalar column.
     *
     * @param value a count (a whole number), or a metric (null when undefined)
     * @param ci95 a metric's 95% interval, null for columns without one
     */
    public record Value(String name, Number value, Interval ci95) {}

    /** The key of the sanity checks' object. */
    public static final String SANITY = "sanity";

    public MethodSummary {
        values = List.copyOf(values);
    }

    /** A method's row of the metrics table with its sanity checks (null when they did not run). */
    public static MethodSummary of(MethodMetrics m, SanitySummary sanity) {
        List<Value> values = new ArrayList<>();
        for (MetricsTable.MetricColumn c : MetricsTable.COLUMNS) {
            Object v = c.column().value().apply(m);
            if (v instanceof Double d) {
                values.add(new Value(c.name(), Double.isFinite(d) ? d : null, c.metric() == null ? null : c.ci95(m)));
            } else if (v instanceof Long n) {
                values.add(new Value(c.name(), n, null));
            }
        }
        return new MethodSummary(
                m.method(),
                m.target().label(),
                (String) MetricsTable.SANITY.column().value().apply(m),
                values,
                sanity);
    }

    /** Writes and reads the flat JSON object; registered with the summary's Gson. */
    public static final TypeAdapterFactory JSON = new TypeAdapterFactory() {
        @Override
        @SuppressWarnings("unchecked")
        public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
            return type.getRawType() == MethodSummary.class ? (TypeAdapter<T>) new Adapter(gson) : null;
        }
    };

    private static final class Adapter extends TypeAdapter<MethodSummary> {
        private final TypeAdapter<SanitySummary> sanity;

        Adapter(Gson gson) {
            this.sanity = gson.getAdapter(SanitySummary.class);
        }

        @Override
        public void write(JsonWriter out, MethodSummary m) throws IOException {
            out.beginObject();
            out.name(MetricsTable.METHOD.name()).value(m.method());
            out.name(MetricsTable.TARGET.name()).value(m.target());
            if (m.sanityVerdict() != null) {
                out.name(MetricsTable.SANITY.name()).value(m.sanityVerdict());
            }
            for (Value v : m.values()) {
                out.name(v.name());
                number(out, v.value());
                if (v.ci95() != null) {
                    out.name(v.name() + MetricsTable.CI_SUFFIX).beginArray();
                    number(out, v.ci95().defined() ? v.ci95().low() : null);
                    number(out, v.ci95().defined() ? v.ci95().high() : null);
                    out.endArray();
                }
            }
            if (m.sanity() != null) {
                out.name(SANITY);
                sanity.write(out, m.sanity());
            }
            out.endObject();
        }

        private static void number(JsonWriter out, Number n) throws IOException {
            if (n == null || (n instanceof Double d && !Double.isFinite(d))) {
                out.nullValue();
            } else {
                out.value(n);
            }
        }

        @Override
        public MethodSummary read(JsonReader in) throws IOException {
            String method = null;
            String target = null;
            String verdict = null;
            SanitySummary checks = null;
            List<Value> values = new ArrayList<>();
            in.beginObject();
            while (in.hasNext()) {
                String name = in.nextName();
                if (name.equals(MetricsTable.METHOD.name())) {
                    method = in.nextString();
                } else if (name.equals(MetricsTable.TARGET.name())) {
                    target = in.nextString();
                } else if (name.equals(MetricsTable.SANITY.name())) {
                    verdict = string(in);
                } else if (name.equals(SANITY)) {
                    checks = sanity.read(in);
                } else if (name.endsWith(MetricsTable.CI_SUFFIX) && !values.isEmpty()) {
                    Value last = values.remove(values.size() - 1);
                    in.beginArray();
                    Interval ci = new Interval(nan(number(in)), nan(number(in)));
                    in.endArray();
                    values.add(new Value(last.name(), last.value(), ci));
                } else {
                    values.add(new Value(name, number(in), null));
                }
            }
            in.endObject();
            return new MethodSummary(method, target, verdict, values, checks);
        }

        private static String string(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return null;
            }
            return in.nextString();
        }

        /** A count as a {@code Long}, a metric as a {@code Double}, null as null. */
        private static Number number(JsonReader in) throws IOException {
            String text = string(in);
            if (text == null) {
                return null;
            }
            return text.matches("-?\\d+") ? (Number) Long.parseLong(text) : (Number) Double.parseDouble(text);
        }

        private static double nan(Number n) {
            return n == null ? Double.NaN : n.doubleValue();
        }
    }
}
