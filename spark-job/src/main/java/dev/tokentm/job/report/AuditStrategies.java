package dev.tokentm.job.report;

import static dev.tokentm.udfs.table.ImageTable.IMAGE_ID;
import static dev.tokentm.udfs.table.ImageTable.PATH;

import dev.tokentm.job.output.AuditTables;
import dev.tokentm.job.output.RunOutput;
import dev.tokentm.job.run.AuditStage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The audit's strategies as the report shows them, read from {@code <output>/audit/strategies/}. */
record AuditStrategies(List<ClassStrategies> classes) {

    /** Prototype images shown per strategy. */
    static final int PROTOTYPES = 3;

    /** One class's strategies, confirmed shortcuts first. */
    record ClassStrategies(String target, String className, long images, List<Shown> strategies) {
        boolean confirmed() {
            return strategies.stream().anyMatch(s -> Boolean.TRUE.equals(s.confirmed()));
        }

        boolean candidates() {
            return strategies.stream().anyMatch(s -> !s.reasons().isEmpty());
        }
    }

    /** One strategy: its numbers, mean map and prototypes' paths. */
    record Shown(
            int index,
            long images,
            double share,
            Double accuracy,
            Double outside,
            float[] meanMap,
            int grid,
            List<String> reasons,
            Double drop,
            Double dropLow,
            Double dropHigh,
            Double controlDrop,
            Boolean confirmed,
            List<String> prototypes) {}

    /** Null when the output has no audit. */
    static AuditStrategies load(RunOutput output) {
        Dataset<Row> table = output.readAudit(AuditStage.STRATEGIES, AuditTables.STRATEGIES_SCHEMA);
        if (table == null) {
            return null;
        }
        List<Row> rows = table.collectAsList();
        List<String> ids = new ArrayList<>();
        rows.forEach(r -> ids.addAll(first(r.getList(r.fieldIndex("prototypes")))));
        Map<String, String> paths = new HashMap<>();
        for (Row r : output.readImages()
                .where(IMAGE_ID.col().isin(ids.toArray()).and(PATH.col().isNotNull()))
                .select(IMAGE_ID.col(), PATH.col())
                .distinct()
                .collectAsList()) {
            paths.put(r.getString(0), r.getString(1));
        }
        Map<String, List<Shown>> byClass = new LinkedHashMap<>();
        Map<String, Long> images = new HashMap<>();
        Map<String, String[]> names = new HashMap<>();
        for (Row r : rows) {
            String key = r.getAs("target") + "/" + r.getAs("class");
            names.put(key, new String[] {r.getAs("target"), r.getAs("class_name")});
            images.merge(key, r.<Long>getAs("images"), Long::sum);
            List<Double> map = r.getList(r.fieldIndex("mean_heatmap"));
            float[] mean = new float[map.size()];
            for (int i = 0; i < mean.length; i++) {
                mean[i] = map.get(i).floatValue();
            }
            List<Double> ci = r.isNullAt(r.fieldIndex("drop_ci95")) ? null : r.getList(r.fieldIndex("drop_ci95"));
            byClass.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(new Shown(
                            r.getAs("strategy"),
                            r.getAs("images"),
                            r.getAs("share"),
                            r.getAs("accuracy"),
                            r.getAs("relevance_outside_mask"),
                            mean,
                            (int) Math.round(Math.sqrt(mean.length)),
                            r.getList(r.fieldIndex("candidate_reasons")),
                            r.getAs("drop"),
                            ci == null ? null : ci.get(0),
                            ci == null ? null : ci.get(1),
                            r.getAs("control_drop"),
                            r.getAs("confirmed"),
                            first(r.getList(r.fieldIndex("prototypes"))).stream()
                                    .map(id -> paths.getOrDefault(id, id))
                                    .toList()));
        }
        List<ClassStrategies> classes = new ArrayList<>();
        byClass.forEach((key, list) -> {
            list.sort(java.util.Comparator.comparing((Shown s) -> !Boolean.TRUE.equals(s.confirmed()))
                    .thenComparingInt(Shown::index));
            classes.add(new ClassStrategies(names.get(key)[0], names.get(key)[1], images.get(key), list));
        });
        classes.sort(java.util.Comparator.comparing((ClassStrategies c) -> !c.confirmed())
                .thenComparing(c -> !c.candidates()));
        return new AuditStrategies(classes);
    }

    private static List<String> first(List<String> ids) {
        return ids.subList(0, Math.min(PROTOTYPES, ids.size()));
    }
}
