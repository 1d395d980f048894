package dev.tokentm.job.sql;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/** Tables named in a function's arguments, and a Dataset as the plan a table function returns. */
final class Tables {

    private Tables() {}

    /** Whether a table or view of this name exists in the session. */
    static boolean exists(SparkSession spark, String name) {
        try {
            return spark.catalog().tableExists(name);
        } catch (Exception e) { // a name that does not parse as one (Spark's ParseException is checked)
            return false;
        }
    }

    /** The table or view {@code name}; fails naming it when there is none. */
    static Dataset<Row> named(SparkSession spark, SqlArguments a, String name) {
        if (!exists(spark, name)) {
            throw a.bad("no table or view named '" + name + "'");
        }
        return spark.table(name);
    }

    /** The analysed plan of {@code rows}, what a table-valued function returns. */
    static LogicalPlan plan(Dataset<Row> rows) {
        return ((org.apache.spark.sql.classic.Dataset<Row>) rows).logicalPlan();
    }
}
